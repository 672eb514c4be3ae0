/**
 * setvaluefromurl: makes an auxiliary call (through the gateway, `PolicyContext.send`) and copies a
 * value of its response into the request. Cradl AI fetches a client-credentials token into
 * `@headers('Authorization')`; Planner copies a task's `@odata.etag` into `If-Match`.
 * - `parameterValueUrl` is relative to the current base URL (so an earlier dynamichosturl counts),
 *   or absolute; `{name}` placeholders take path parameters; a `?query` is kept.
 * - `httpMethod`: GET (default), POST or PUT. The auxiliary request carries the current request's
 *   headers and no body.
 * - `parameterValuePathTemplate` is read with `body()` = the auxiliary response body.
 * - `parameterTemplate` names the target: `@headers('X')`, `@queryParameters('x')` or a body path.
 */
import type { Template } from '../../expressions/index.ts';
import { interpolationText } from '../../expressions/index.ts';
import { writePath } from '../body-path.ts';
import type { BodyHolder, BodyPath } from '../body-path.ts';
import { bodyPathOf } from '../body-path.ts';
import { POLICY_ERROR_CODES, PolicyError } from '../errors.ts';
import type { PolicyRequest } from '../model.ts';
import type { PolicyTemplate } from '../policy-template.ts';
import { absolutePath, renderPath, splitQuery } from '../url-path.ts';

/** Where the fetched value goes. */
type Target = { readonly kind: 'header'; readonly name: string } | { readonly kind: 'query'; readonly name: string } | { readonly kind: 'body'; readonly path: BodyPath };

const METHODS = new Set(['GET', 'POST', 'PUT']);

/** The setvaluefromurl template. */
export const setValueFromUrlTemplate: PolicyTemplate = {
  id: 'setvaluefromurl',
  sections: ['request'],
  defaultSection: 'request',
  compile({ params }) {
    const targetParameter = params.template('parameterTemplate', true);
    const url = params.template('parameterValueUrl', true);
    const valuePath = params.template('parameterValuePathTemplate', true);
    const method = (params.string('httpMethod', false)?.trim() || 'GET').toUpperCase();
    if (targetParameter === undefined || url === undefined || valuePath === undefined || !params.ok) return undefined;
    if (!METHODS.has(method)) {
      params.issue({ code: 'policy-parameter-invalid', severity: 'error', parameter: 'httpMethod', message: `\`httpMethod\` ${JSON.stringify(params.raw('httpMethod'))} is not supported — use GET, POST or PUT` });
      return undefined;
    }
    const target = targetOf(targetParameter.template, targetParameter.text);
    if (typeof target === 'string') {
      params.issue({ code: 'policy-parameter-invalid', severity: 'error', parameter: 'parameterTemplate', message: `\`parameterTemplate\` is ${JSON.stringify(targetParameter.text)}, but ${target} — write @headers('Name'), @queryParameters('name') or a body path such as @body().token` });
      return undefined;
    }
    return {
      touchesBody: target.kind === 'body',
      request: async (request, run) => {
        const rendered = renderPath(url, run);
        const auxiliary = auxiliaryRequest(request, { url: rendered, method });
        if (run.context === undefined) throw new PolicyError('the auxiliary call needs a running call to send it', { code: POLICY_ERROR_CODES.auxiliaryCall, location: run.location });
        const response = await run.context.send(auxiliary);
        const where = `${method} ${auxiliary.path}`;
        if (response.status < 200 || response.status > 299) {
          throw new PolicyError(`the auxiliary call ${where} answered ${response.status}, so the value for \`parameterTemplate\` could not be fetched`, {
            code: POLICY_ERROR_CODES.auxiliaryCall,
            kind: 'operational',
            retryable: response.status === 429 || response.status >= 500,
            location: run.location,
            details: { status: response.status },
          });
        }
        const found = run.tryEvaluate(valuePath, { body: response.body });
        if (found === undefined || found.value === undefined || found.value === null) {
          throw new PolicyError(`the response of the auxiliary call ${where} has no value at ${valuePath.text}`, {
            code: POLICY_ERROR_CODES.auxiliaryCall,
            kind: 'operational',
            location: run.location,
            details: { parameter: 'parameterValuePathTemplate' },
          });
        }
        write(request, { target, value: found.value });
      },
      describe: (view) => {
        if (target.kind === 'header') view.addedHeaders.add(target.name);
        else if (target.kind === 'query') view.addedQuery.add(target.name);
        else view.bodyTransformed = true;
      },
    };
  },
};

function targetOf(template: Template, text: string): Target | string {
  if (template.kind === 'expression' && template.expression.kind === 'call' && template.expression.args.length === 1) {
    const { lowerName, args } = template.expression;
    const [first] = args;
    if (lowerName === 'headers' || lowerName === 'header' || lowerName === 'queryparameters') {
      if (first?.kind !== 'string' || first.value.trim() === '') return 'the name must be a literal string';
      return lowerName === 'queryparameters' ? { kind: 'query', name: first.value } : { kind: 'header', name: first.value.toLowerCase() };
    }
  }
  const path = bodyPathOf(template, text);
  if (typeof path === 'string') return path;
  if (path.root !== 'body' || path.segments.length === 0) return 'a body target must name a property of body()';
  return { kind: 'body', path };
}

function auxiliaryRequest(request: PolicyRequest, call: { readonly url: string; readonly method: string }): PolicyRequest {
  const { url: rendered, method } = call;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) if (name !== 'content-length' && name !== 'host') headers[name] = value;
  if (/^https?:\/\//i.test(rendered)) {
    const url = new URL(rendered);
    return { method, baseUrl: url.origin, path: url.pathname, query: [...url.searchParams], headers, body: undefined };
  }
  const { path, query } = splitQuery(rendered);
  return { method, baseUrl: request.baseUrl, path: absolutePath(path), query, headers, body: undefined };
}

function write(request: PolicyRequest, found: { readonly target: Target; readonly value: unknown }): void {
  const { target, value } = found;
  if (target.kind === 'header') request.headers[target.name] = interpolationText(value);
  else if (target.kind === 'query') request.query = [...request.query.filter((pair) => pair[0] !== target.name), [target.name, interpolationText(value)]];
  else {
    const holder: BodyHolder = { body: request.body };
    writePath(target.path, { scope: { holder }, value });
    request.body = holder.body;
  }
}
