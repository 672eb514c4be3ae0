/**
 * Connection parameters for a plain OpenAPI/Postman import, which has no apiProperties.json: they
 * are derived from `securityDefinitions` the way the Power Platform custom-connector wizard does.
 */
import type { Issue } from '../../core/index.ts';
import type { ConnectionParameter } from '../model/connection.ts';
import type { SecurityScheme } from '../model/security.ts';

function uniqueName(taken: Set<string>, base: string, schemeName: string): string {
  const name = taken.has(base) ? `${base}_${schemeName}` : base;
  taken.add(name);
  return name;
}

/** Derives parameters: apiKey → `api_key` securestring; basic → `username` + `password`; oauth2 → `token` oauthSetting. */
export function deriveConnectionParameters(schemes: readonly SecurityScheme[], options: { file: string; issues: Issue[] }): ConnectionParameter[] {
  const out: ConnectionParameter[] = [];
  const taken = new Set<string>();
  for (const scheme of schemes) {
    if (scheme.type === 'apiKey') {
      out.push({
        name: uniqueName(taken, 'api_key', scheme.name),
        pointer: scheme.pointer,
        type: 'securestring',
        ui: { displayName: 'API Key', description: `The API key, sent in the \`${scheme.parameterName}\` ${scheme.in === 'header' ? 'header' : 'query parameter'}`, required: true },
      });
    } else if (scheme.type === 'basic') {
      out.push({ name: uniqueName(taken, 'username', scheme.name), pointer: scheme.pointer, type: 'string', ui: { displayName: 'Username', required: true } });
      out.push({ name: uniqueName(taken, 'password', scheme.name), pointer: scheme.pointer, type: 'securestring', ui: { displayName: 'Password', required: true } });
    } else if (scheme.type === 'oauth2') {
      const customParameters: Record<string, unknown> = {};
      if (scheme.authorizationUrl !== undefined) customParameters['authorizationUrl'] = { value: scheme.authorizationUrl };
      if (scheme.tokenUrl !== undefined) {
        customParameters['tokenUrl'] = { value: scheme.tokenUrl };
        customParameters['refreshUrl'] = { value: scheme.tokenUrl };
      }
      out.push({
        name: uniqueName(taken, 'token', scheme.name),
        pointer: scheme.pointer,
        type: 'oauthSetting',
        oauth: { identityProvider: 'oauth2', scopes: Object.keys(scheme.scopes), customParameters, properties: {}, hasClientSecret: false },
      });
    }
  }
  const described = out.map((parameter) => `\`${parameter.name}\` (${parameter.type})`).join(', ');
  options.issues.push({
    code: 'connection-parameters-derived',
    severity: 'info',
    path: '/securityDefinitions',
    file: options.file,
    message:
      out.length === 0
        ? 'no apiProperties.json and no usable securityDefinitions: the connector takes no connection parameters (anonymous API) — add an apiProperties.json if it needs credentials'
        : `no apiProperties.json: connection parameters ${described} were derived from securityDefinitions — add an apiProperties.json to control them`,
  });
  return out;
}
