/**
 * Postman `auth` → Swagger 2.0 securityDefinitions and requirements. Credential values (keys,
 * tokens, passwords) are never copied: only where the credential goes is kept.
 */
import type { PostmanContext } from './context.ts';
import { hasVariable, substituteVariables } from './variables.ts';
import { child, elementsOf, isRecord, sameJson, setOwn, type JsonObject, type SourceNode } from '../source-node.ts';

/** Postman grant types → Swagger 2.0 oauth2 flows. */
const GRANT_FLOWS: Readonly<Record<string, string>> = {
  authorization_code: 'accessCode',
  authorization_code_with_pkce: 'accessCode',
  client_credentials: 'application',
  implicit: 'implicit',
  password_credentials: 'password',
};

/** Registers the security definitions met while converting requests and answers each request's requirement. */
export interface SecurityRegistry {
  /** The definitions registered so far, keyed by name. */
  readonly definitions: JsonObject;
  /**
   * The requirement for an effective `auth` node: undefined when there is none (or it is
   * unsupported), `[]` for `noauth`, else one requirement naming a definition.
   */
  requirementFor(auth: SourceNode | undefined): JsonObject[] | undefined;
  /** The requirement implied by a literal `Authorization` header, for requests without `auth`. */
  requirementForHeader(header: { value: string; node: SourceNode }): JsonObject[];
}

/** A new registry for one collection. */
export function createSecurityRegistry(ctx: PostmanContext): SecurityRegistry {
  const definitions: JsonObject = {};
  const register = (args: { baseName: string; definition: JsonObject; node: SourceNode }): JsonObject[] => {
    for (const [name, existing] of Object.entries(definitions)) if (sameJson(existing, args.definition)) return [{ [name]: [] }];
    let name = args.baseName;
    for (let n = 2; Object.hasOwn(definitions, name); n++) name = `${args.baseName}_${n}`;
    setOwn(definitions, name, args.definition);
    const names = Object.keys(definitions);
    if (names.length > 1) {
      ctx.log.warning({
        code: 'convert-postman-multiple-auth',
        path: args.node.path,
        message: `this auth adds a second security definition (${names.join(', ')}): a Power Platform connector has one authentication type — keep the one the API needs and remove the others`,
      });
    }
    return [{ [name]: [] }];
  };
  return {
    definitions,
    requirementFor(auth) {
      if (auth === undefined) return undefined;
      const converted = convertAuth(ctx, auth);
      if (converted === 'none') return [];
      if (converted === undefined) return undefined;
      return register({ ...converted, node: auth });
    },
    requirementForHeader(header) {
      if (/^basic\s/i.test(header.value)) return register({ baseName: 'basic_auth', definition: { type: 'basic' }, node: header.node });
      reportBearer(ctx, header.node);
      return register({ baseName: 'bearer_auth', definition: bearerDefinition(), node: header.node });
    },
  };
}

function bearerDefinition(): JsonObject {
  return { type: 'apiKey', name: 'Authorization', in: 'header', description: 'Bearer token: enter `Bearer <token>`' };
}

function reportBearer(ctx: PostmanContext, node: SourceNode): void {
  ctx.log.info({
    code: 'convert-bearer-as-api-key',
    path: node.path,
    message: 'bearer token auth becomes an API key sent in the `Authorization` header, as Power Platform models bearer tokens: connection users enter `Bearer <token>`',
  });
}

/** The auth's attributes (v2.1: `[{ key, value }]`; the v2.0 object form is read too) as strings. */
function attributesOf(node: SourceNode): Map<string, string> {
  const out = new Map<string, string>();
  const value = node.value;
  if (Array.isArray(value)) {
    for (const entry of elementsOf(node)) {
      const attribute = entry.value;
      if (isRecord(attribute) && typeof attribute.key === 'string' && attribute.value !== undefined && attribute.value !== null) {
        out.set(attribute.key, typeof attribute.value === 'string' ? attribute.value : JSON.stringify(attribute.value));
      }
    }
  } else if (isRecord(value)) {
    for (const [key, member] of Object.entries(value)) if (typeof member === 'string') out.set(key, member);
  }
  return out;
}

function convertAuth(ctx: PostmanContext, node: SourceNode): { baseName: string; definition: JsonObject } | 'none' | undefined {
  const auth = node.value;
  if (!isRecord(auth) || typeof auth.type !== 'string') return undefined;
  const type = auth.type;
  const attributes = attributesOf(child(node, type));
  switch (type) {
    case 'noauth':
      return 'none';
    case 'basic':
      return { baseName: 'basic_auth', definition: { type: 'basic' } };
    case 'bearer':
      reportBearer(ctx, node);
      return { baseName: 'bearer_auth', definition: bearerDefinition() };
    case 'apikey': {
      const location = attributes.get('in') === 'query' ? 'query' : 'header';
      let name = attributes.get('key') ?? '';
      if (name === '' || hasVariable(name)) {
        ctx.log.warning({
          code: 'convert-postman-auth-incomplete',
          path: `${node.path}/apikey`,
          message: `API key auth has no literal key name, so \`api_key\` is used — set the ${location} name the API expects in the security definition`,
        });
        name = 'api_key';
      }
      return { baseName: 'api_key', definition: { type: 'apiKey', name, in: location } };
    }
    case 'oauth2':
      return { baseName: 'oauth2', definition: convertOAuth2(ctx, { node, attributes }) };
    default:
      ctx.log.warning({
        code: 'convert-postman-auth-unsupported',
        path: node.path,
        message: `\`${type}\` auth has no Swagger 2.0 form and is dropped — the connector supports API key, basic, bearer and OAuth2; reproduce it with a request policy if needed`,
      });
      return undefined;
  }
}

function convertOAuth2(ctx: PostmanContext, args: { node: SourceNode; attributes: Map<string, string> }): JsonObject {
  const { node, attributes } = args;
  const grant = attributes.get('grant_type') ?? 'authorization_code';
  const flow = GRANT_FLOWS[grant] ?? 'accessCode';
  const definition: JsonObject = { type: 'oauth2', flow };
  const missing: string[] = [];
  const url = (attribute: string, placeholder: string): string => {
    const resolved = substituteVariables(attributes.get(attribute) ?? '', ctx.variables).text;
    if (resolved === '' || hasVariable(resolved)) {
      missing.push(attribute);
      return placeholder;
    }
    return resolved;
  };
  if (flow === 'accessCode' || flow === 'implicit') definition.authorizationUrl = url('authUrl', 'https://login.invalid/oauth2/authorize');
  if (flow !== 'implicit') definition.tokenUrl = url('accessTokenUrl', 'https://login.invalid/oauth2/token');
  const scopes: JsonObject = {};
  for (const scope of (attributes.get('scope') ?? '').split(/[\s,]+/)) if (scope !== '') setOwn(scopes, scope, scope);
  definition.scopes = scopes;
  if (GRANT_FLOWS[grant] === undefined) {
    ctx.log.warning({ code: 'convert-postman-auth-incomplete', path: `${node.path}/oauth2`, message: `OAuth2 grant type \`${grant}\` is unknown; the authorization-code flow is assumed — check the security definition` });
  }
  if (missing.length > 0) {
    ctx.log.warning({
      code: 'convert-postman-oauth2-urls-missing',
      path: `${node.path}/oauth2`,
      message: `OAuth2 auth has no usable ${missing.join(' and ')} (missing or an undefined {{variable}}), so placeholder URLs under login.invalid are used — set the provider's URLs in the security definition`,
    });
  }
  return definition;
}
