/**
 * Puts a connection's credentials on an outgoing request, as its connector's `securityDefinitions`
 * say: API key in a header or the query, HTTP basic, or an OAuth 2.0 bearer token.
 *
 * Credentials are applied before request policies, so a policy that rewrites `Authorization`
 * (setheader, setvaluefromurl) has the last word, as it does in Power Platform.
 */
import type { ConnectorDefinition, SecurityScheme } from '../../connectors/index.ts';
import type { OutgoingRequest } from './outgoing-request.ts';

/** Where the connection keeps the values a scheme needs. */
export interface CredentialValues {
  /** Connection parameter values, keyed by parameter name (secrets decrypted). */
  readonly parameters: Readonly<Record<string, unknown>>;
  /** The current OAuth access token, when the connector uses OAuth. */
  readonly accessToken?: string;
}

/** The scheme a connection of this connector authenticates with, or undefined for none. */
export function activeScheme(definition: ConnectorDefinition, values: CredentialValues): SecurityScheme | undefined {
  const schemes = definition.securityDefinitions.filter((scheme) => scheme.type !== 'unknown');
  if (schemes.length === 0) return undefined;
  if (schemes.length === 1) return schemes[0];
  // Several schemes (e.g. API key or OAuth): use the one whose values the connection has.
  if (values.accessToken !== undefined) {
    const oauth = schemes.find((scheme) => scheme.type === 'oauth2');
    if (oauth !== undefined) return oauth;
  }
  for (const scheme of schemes) {
    if (scheme.type === 'basic' && hasValue(values.parameters['username'])) return scheme;
    if (scheme.type === 'apiKey' && apiKeyValue(definition, values.parameters) !== undefined) return scheme;
  }
  return schemes[0];
}

/** Adds the credentials of `values` to `request`. Returns the secret strings it put on the wire (for redaction). */
export function applyCredentials(definition: ConnectorDefinition, request: OutgoingRequest, values: CredentialValues): string[] {
  if (values.accessToken !== undefined) {
    // An OAuth connection sends its bearer token, also when the definition declares no oauth2
    // scheme (the oauthSetting connection parameter is what makes it OAuth, e.g. AvePoint's sets).
    request.headers['authorization'] = `Bearer ${values.accessToken}`;
    return [values.accessToken];
  }
  const scheme = activeScheme(definition, values);
  if (scheme === undefined) return [];
  switch (scheme.type) {
    case 'apiKey': {
      const key = apiKeyValue(definition, values.parameters);
      if (key === undefined) return [];
      if (scheme.in === 'header') request.headers[scheme.parameterName.toLowerCase()] = key;
      else request.query.push([scheme.parameterName, key]);
      return [key];
    }
    case 'basic':
      return applyBasic(request, values);
    case 'oauth2': {
      if (values.accessToken === undefined) {
        // A parameter set without OAuth (e.g. Scrive eSign's "Email/password" set next to its OAuth set):
        // its username and password are sent as basic auth; anything else is left to the policies.
        return applyBasic(request, values);
      }
      request.headers['authorization'] = `Bearer ${values.accessToken}`;
      return [values.accessToken];
    }
    default:
      return [];
  }
}

function applyBasic(request: OutgoingRequest, values: CredentialValues): string[] {
  const username = stringValue(values.parameters['username']);
  const password = stringValue(values.parameters['password']);
  if (username === undefined && password === undefined) return [];
  const encoded = Buffer.from(`${username ?? ''}:${password ?? ''}`).toString('base64');
  request.headers['authorization'] = `Basic ${encoded}`;
  return password === undefined ? [encoded] : [encoded, password];
}

/**
 * The API key of a connection: `api_key` by convention (526 of 548 corpus connectors), else the
 * only `securestring` parameter.
 */
function apiKeyValue(definition: ConnectorDefinition, parameters: Readonly<Record<string, unknown>>): string | undefined {
  const conventional = stringValue(parameters['api_key']);
  if (conventional !== undefined) return conventional;
  const all = [...definition.connection.parameters, ...(definition.connection.parameterSets?.values.flatMap((set) => set.parameters) ?? [])];
  const secure = all.filter((parameter) => parameter.type === 'securestring');
  for (const parameter of secure) {
    const value = stringValue(parameters[parameter.name]);
    if (value !== undefined) return value;
  }
  return undefined;
}

function stringValue(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

function hasValue(value: unknown): boolean {
  return stringValue(value) !== undefined;
}
