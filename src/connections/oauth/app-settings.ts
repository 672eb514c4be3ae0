/**
 * The `settings` of an OAuth app registration: validated once into a frozen
 * {@link OAuthAppSettings}. Unknown keys are errors, not warnings: a misspelt `tenantld` must not
 * silently fall back to the `common` tenant.
 */
import { jsonPointer } from '../../core/index.ts';
import type { Issue } from '../../core/index.ts';

/** How a connection gets its tokens. */
export type OAuthGrantType = 'authorization_code' | 'client_credentials';

/** How the client authenticates at the token endpoint. */
export type ClientAuthMethod = 'client_secret_post' | 'client_secret_basic' | 'none';

/** Which Microsoft identity platform endpoints `aad` connectors use (see README). */
export type AadEndpointVersion = 'v1' | 'v2';

/** Validated app registration settings; every key is optional. */
export interface OAuthAppSettings {
  /** `client_credentials` makes connections get app-only tokens without a sign-in. Default `authorization_code`. */
  readonly grantType?: OAuthGrantType;
  /** Default `client_secret_post` (`client_secret_basic` for DocuSign); `none` for public clients. */
  readonly tokenEndpointAuthMethod?: ClientAuthMethod;
  /** Replaces the connector's scopes. */
  readonly scopes?: readonly string[];
  /** Replace the endpoints the connector defines (any identity provider). */
  readonly authorizationUrl?: string;
  readonly tokenUrl?: string;
  readonly refreshUrl?: string;
  /** The provider's issuer identifier: turns on ID token validation and the `iss` check of RFC 9207. */
  readonly issuer?: string;
  /** Extra query parameters for the authorization request (e.g. `{ prompt: 'consent' }`). */
  readonly authorizationParameters?: Readonly<Record<string, string>>;
  /** `aad`: pins the tenant (a single-tenant app works only there). */
  readonly tenantId?: string;
  /** `aad`: the authority host (default `https://login.microsoftonline.com`); DocuSign: `https://account-d.docusign.com` for demo accounts. */
  readonly loginUri?: string;
  /** `aad`: the resource (API) the tokens are for, when the connector does not say. */
  readonly resourceUri?: string;
  /** `aad`: `v2` (default) or `v1` endpoints. */
  readonly aadVersion?: AadEndpointVersion;
  /** `facebook`: the Graph API version in the endpoint paths (default `v23.0`). */
  readonly graphApiVersion?: string;
}

/** Authorization request parameters Plugboard always sets itself. */
export const RESERVED_AUTHORIZATION_PARAMETERS: ReadonlySet<string> = new Set([
  'client_id',
  'response_type',
  'redirect_uri',
  'state',
  'scope',
  'code_challenge',
  'code_challenge_method',
  'nonce',
]);

type Read<T> = (value: unknown) => { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };

const oneOf =
  <T extends string>(...allowed: T[]): Read<T> =>
  (value) => {
    const match = allowed.find((a) => a === value);
    return match !== undefined ? { ok: true, value: match } : { ok: false, problem: `must be one of ${allowed.map((a) => `\`${a}\``).join(', ')}` };
  };

const matching =
  (pattern: RegExp, expected: string): Read<string> =>
  (value) =>
    typeof value === 'string' && pattern.test(value) ? { ok: true, value } : { ok: false, problem: `must be ${expected}` };

const absoluteUrl: Read<string> = (value) => {
  const problem = { ok: false, problem: 'must be an absolute http(s) URL' } as const;
  if (typeof value !== 'string' || !URL.canParse(value)) return problem;
  const { protocol } = new URL(value);
  return protocol === 'https:' || protocol === 'http:' ? { ok: true, value } : problem;
};

const stringList: Read<readonly string[]> = (value) => {
  if (!Array.isArray(value)) return { ok: false, problem: 'must be an array of non-empty strings' };
  const out: string[] = [];
  for (const item of value) {
    if (typeof item !== 'string' || item.trim() === '') return { ok: false, problem: 'must be an array of non-empty strings' };
    out.push(item);
  }
  return { ok: true, value: Object.freeze(out) };
};

const parameterMap: Read<Readonly<Record<string, string>>> = (value) => {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { ok: false, problem: 'must be an object of string values' };
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(value)) {
    if (typeof v !== 'string') return { ok: false, problem: `must be an object of string values (\`${name}\` is not a string)` };
    if (RESERVED_AUTHORIZATION_PARAMETERS.has(name)) return { ok: false, problem: `cannot set \`${name}\`: Plugboard sets it on every authorization request` };
    out[name] = v;
  }
  return { ok: true, value: Object.freeze(out) };
};

const nonEmpty = matching(/\S/, 'a non-empty string');
const tenantId = matching(/^[A-Za-z0-9][A-Za-z0-9.-]*$/, 'a tenant id (GUID), a domain name, `common`, `organizations` or `consumers`');

type SettingKey = keyof OAuthAppSettings;
type MutableSettings = { -readonly [K in SettingKey]?: OAuthAppSettings[K] };
type Field = (value: unknown, out: MutableSettings) => string | undefined;

function field<K extends SettingKey>(key: K, read: Read<NonNullable<OAuthAppSettings[K]>>): Field {
  return (value, out) => {
    const result = read(value);
    if (!result.ok) return result.problem;
    out[key] = result.value;
    return undefined;
  };
}

/** One reader per setting; the mapped type keeps this table and {@link OAuthAppSettings} in step. */
const FIELDS: { readonly [K in SettingKey]-?: Field } = {
  grantType: field('grantType', oneOf<OAuthGrantType>('authorization_code', 'client_credentials')),
  tokenEndpointAuthMethod: field('tokenEndpointAuthMethod', oneOf<ClientAuthMethod>('client_secret_post', 'client_secret_basic', 'none')),
  scopes: field('scopes', stringList),
  authorizationUrl: field('authorizationUrl', absoluteUrl),
  tokenUrl: field('tokenUrl', absoluteUrl),
  refreshUrl: field('refreshUrl', absoluteUrl),
  issuer: field('issuer', nonEmpty),
  authorizationParameters: field('authorizationParameters', parameterMap),
  tenantId: field('tenantId', tenantId),
  loginUri: field('loginUri', absoluteUrl),
  resourceUri: field('resourceUri', nonEmpty),
  aadVersion: field('aadVersion', oneOf<AadEndpointVersion>('v1', 'v2')),
  graphApiVersion: field('graphApiVersion', matching(/^v\d+\.\d+$/, 'a Graph API version like `v23.0`')),
};

function isSettingKey(key: string): key is SettingKey {
  return Object.hasOwn(FIELDS, key);
}

/** The settings read, and every problem found (an empty list means the settings are usable). */
export interface ReadOAuthAppSettings {
  readonly settings: OAuthAppSettings;
  readonly issues: Issue[];
}

/** Reads app registration settings into a frozen {@link OAuthAppSettings}, reporting each bad or unknown key. */
export function readOAuthAppSettings(settings: Readonly<Record<string, unknown>>): ReadOAuthAppSettings {
  const issues: Issue[] = [];
  const out: MutableSettings = {};
  for (const [key, value] of Object.entries(settings)) {
    const path = jsonPointer('settings', key);
    if (!isSettingKey(key)) {
      issues.push({
        code: 'oauth-app-setting-unknown',
        severity: 'error',
        path,
        message: `OAuth app setting \`${key}\` is not known — use one of ${Object.keys(FIELDS).map((k) => `\`${k}\``).join(', ')}`,
      });
      continue;
    }
    if (value === undefined || value === null) continue;
    const problem = FIELDS[key](value, out);
    if (problem !== undefined) issues.push({ code: 'oauth-app-setting-invalid', severity: 'error', path, message: `OAuth app setting \`${key}\` ${problem}` });
  }
  return { settings: Object.freeze(out), issues };
}

/** Checks app registration settings (for the admin API); an empty list means they are usable. */
export function validateOAuthAppSettings(settings: Readonly<Record<string, unknown>>): Issue[] {
  return readOAuthAppSettings(settings).issues;
}
