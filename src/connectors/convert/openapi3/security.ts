/**
 * components.securitySchemes → securityDefinitions, and security requirements. HTTP bearer becomes
 * an API key in the `Authorization` header, which is how Power Platform models a pasted bearer token.
 */
import type { OpenApi3Context } from './context.ts';
import { deref } from './context.ts';
import { child, cloneJson, copyExtensions, elementsOf, entriesOf, isRecord, setOwn, stringOf, type JsonObject, type SourceNode } from '../source-node.ts';

/** OAuth2 flows in order of preference (Power Platform connectors mostly use authorization code), with their Swagger 2.0 names. */
const FLOWS: ReadonlyArray<readonly [string, string]> = [
  ['authorizationCode', 'accessCode'],
  ['clientCredentials', 'application'],
  ['implicit', 'implicit'],
  ['password', 'password'],
];

/** Converts every security scheme; dropped ones are recorded in `ctx.droppedSchemes`. */
export function convertSecuritySchemes(ctx: OpenApi3Context, node: SourceNode): JsonObject {
  const out: JsonObject = {};
  for (const [name, schemeNode] of entriesOf(node)) {
    const scheme = deref(ctx, schemeNode);
    const converted = convertScheme(ctx, { name, node: scheme });
    if (converted === undefined) {
      ctx.droppedSchemes.add(name);
      continue;
    }
    setOwn(out, name, converted);
    ctx.schemeTypes.set(name, String(converted.type));
  }
  return out;
}

function convertScheme(ctx: OpenApi3Context, args: { name: string; node: SourceNode }): JsonObject | undefined {
  const { name, node } = args;
  const scheme = node.value;
  if (!isRecord(scheme)) return undefined;
  const dropped = (message: string): undefined => {
    ctx.log.warning({ code: 'convert-security-scheme-dropped', path: node.path, message: `security scheme \`${name}\` is dropped: ${message}` });
    return undefined;
  };
  let out: JsonObject;
  const type = stringOf(scheme.type);
  if (type === 'apiKey') {
    const location = stringOf(scheme.in);
    if (location === 'cookie') return dropped('Swagger 2.0 API keys go in a header or the query, not a cookie — ask for a header key, or set the cookie from a request policy');
    out = { type: 'apiKey', name: stringOf(scheme.name) ?? '', in: location ?? 'header' };
  } else if (type === 'http') {
    const httpScheme = (stringOf(scheme.scheme) ?? '').toLowerCase();
    if (httpScheme === 'basic') out = { type: 'basic' };
    else if (httpScheme === 'bearer') {
      ctx.log.info({
        code: 'convert-bearer-as-api-key',
        path: node.path,
        message: `HTTP bearer scheme \`${name}\` becomes an API key sent in the \`Authorization\` header, as Power Platform models bearer tokens: connection users enter \`Bearer <token>\``,
      });
      out = { type: 'apiKey', name: 'Authorization', in: 'header' };
    } else return dropped(`HTTP scheme \`${httpScheme}\` has no Swagger 2.0 form — only basic and bearer do`);
  } else if (type === 'oauth2') {
    const oauth = convertOAuth2(ctx, { name, node });
    if (oauth === undefined) return dropped('it declares no supported OAuth2 flow (authorizationCode, clientCredentials, implicit or password)');
    out = oauth;
  } else if (type === 'openIdConnect') {
    return dropped("Swagger 2.0 has no OpenID Connect discovery — describe the provider's authorization-code flow as an oauth2 scheme with its authorize and token URLs");
  } else {
    return dropped(`type \`${String(type)}\` has no Swagger 2.0 form`);
  }
  if (typeof scheme.description === 'string') out.description = scheme.description;
  copyExtensions(scheme, out);
  return out;
}

function convertOAuth2(ctx: OpenApi3Context, args: { name: string; node: SourceNode }): JsonObject | undefined {
  const flows = child(args.node, 'flows');
  const present = FLOWS.filter(([key]) => isRecord(child(flows, key).value));
  const chosen = present[0];
  if (chosen === undefined) return undefined;
  const [key, flowName] = chosen;
  const flowNode = child(flows, key);
  const flow = flowNode.value;
  if (!isRecord(flow)) return undefined;
  const out: JsonObject = { type: 'oauth2', flow: flowName };
  if (flowName === 'accessCode' || flowName === 'implicit') out.authorizationUrl = stringOf(flow.authorizationUrl) ?? '';
  if (flowName !== 'implicit') out.tokenUrl = stringOf(flow.tokenUrl) ?? '';
  out.scopes = isRecord(flow.scopes) ? cloneJson(flow.scopes) : {};
  if (present.length > 1) {
    ctx.log.warning({
      code: 'convert-oauth2-flows-dropped',
      path: flows.path,
      message: `oauth2 scheme \`${args.name}\` keeps its ${key} flow (Swagger 2.0 \`${flowName}\`); ${present.slice(1).map(([k]) => k).join(', ')} dropped — Swagger 2.0 allows one flow per scheme`,
    });
  }
  if (flow.refreshUrl !== undefined) {
    ctx.log.info({
      code: 'convert-oauth2-refresh-url-dropped',
      path: `${flowNode.path}/refreshUrl`,
      message: 'refreshUrl has no Swagger 2.0 field and is dropped; tokens are refreshed at the token URL',
    });
  }
  return out;
}

/** Converts a root or operation `security` list; requirements naming only dropped schemes are removed. */
export function convertSecurityRequirements(ctx: OpenApi3Context, node: SourceNode): JsonObject[] | undefined {
  if (!Array.isArray(node.value)) return undefined;
  const out: JsonObject[] = [];
  for (const element of elementsOf(node)) {
    const requirement = element.value;
    if (!isRecord(requirement)) continue;
    const converted: JsonObject = {};
    let droppedAny = false;
    for (const [name, scopes] of Object.entries(requirement)) {
      if (ctx.droppedSchemes.has(name)) {
        droppedAny = true;
        continue;
      }
      // Swagger 2.0 allows scopes only for oauth2 schemes (bearer became apiKey).
      setOwn(converted, name, ctx.schemeTypes.get(name) === 'oauth2' && Array.isArray(scopes) ? cloneJson(scopes) : []);
    }
    if (droppedAny && Object.keys(converted).length === 0) continue;
    out.push(converted);
  }
  if (out.length === 0 && node.value.length > 0) return undefined;
  return out;
}
