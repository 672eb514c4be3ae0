/**
 * routerequesttoendpoint: sends the request to another path on the same backend, optionally with
 * another method. `newPath` is relative to the base URL, like the operation paths it replaces
 * (JIRA: base `/rest/api`, operation `/issue`, newPath `/2/issue` → `/rest/api/2/issue`); a
 * missing leading `/` is added (DPIRD writes `stations/{stationCode}`). `{name}` placeholders take
 * the operation's path parameters; the query string is kept.
 */
import { HTTP_METHODS } from '../../connectors/index.ts';
import { POLICY_ERROR_CODES, PolicyError } from '../errors.ts';
import type { PolicyTemplate } from '../policy-template.ts';
import { absolutePath, pathPattern, renderPath } from '../url-path.ts';

const METHODS = new Set(HTTP_METHODS.map((method) => method.toUpperCase()));

/** The routerequesttoendpoint template. */
export const routeRequestToEndpointTemplate: PolicyTemplate = {
  id: 'routerequesttoendpoint',
  sections: ['request'],
  defaultSection: 'request',
  compile({ params }) {
    const newPath = params.template('newPath', true);
    const method = params.template('httpMethod', false);
    if (newPath === undefined || !params.ok) return undefined;
    let fixedMethod: string | undefined;
    let keepsMethod = method === undefined;
    if (method !== undefined) {
      const template = method.template;
      if (template.kind === 'literal') {
        fixedMethod = template.value.trim().toUpperCase();
        if (fixedMethod === '') keepsMethod = true;
        else if (!METHODS.has(fixedMethod)) {
          params.issue({ code: 'policy-parameter-invalid', severity: 'error', parameter: 'httpMethod', message: `\`httpMethod\` ${JSON.stringify(template.value)} is not an HTTP method — use one of ${[...METHODS].join(', ')} or @Request.OriginalHTTPMethod` });
          return undefined;
        }
      } else if (template.kind === 'expression' && template.expression.kind === 'member' && template.expression.object.kind === 'identifier' && template.expression.object.name.toLowerCase() === 'request') {
        keepsMethod = template.expression.property.toLowerCase() === 'originalhttpmethod';
      }
    }
    return {
      request: (request, run) => {
        request.path = absolutePath(renderPath(newPath, run));
        if (keepsMethod) return;
        const next = fixedMethod ?? (method === undefined ? request.method : run.text(method).trim().toUpperCase());
        if (!METHODS.has(next)) {
          throw new PolicyError(`\`httpMethod\` produced a value that is not an HTTP method — use one of ${[...METHODS].join(', ')}`, { code: POLICY_ERROR_CODES.result, location: run.location, details: { parameter: 'httpMethod' } });
        }
        request.method = next;
      },
      describe: (view) => {
        view.path = absolutePath(pathPattern(newPath.template));
        if (fixedMethod !== undefined && fixedMethod !== '') view.method = fixedMethod;
      },
    };
  },
};
