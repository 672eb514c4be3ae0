/**
 * Building URLs and paths from policy templates: `{name}` placeholders filled from the operation's
 * path parameters, expression values encoded as path segments, host templates completed with a
 * scheme.
 */
import type { Template } from '../expressions/index.ts';
import { interpolationText } from '../expressions/index.ts';
import { POLICY_ERROR_CODES, PolicyError } from './errors.ts';
import type { PolicyParameter, PolicyRun } from './run.ts';

const PLACEHOLDER = /\{([^{}/]+)\}/g;

/**
 * Renders a path template: `{name}` in the literal text becomes the encoded path parameter,
 * each embedded expression its encoded value. A whole-value expression is used as written (it
 * may deliberately produce several segments).
 */
export function renderPath(parameter: PolicyParameter, run: PolicyRun): string {
  const template = parameter.template;
  if (template.kind === 'expression') return interpolationText(run.evaluate(parameter));
  if (template.kind === 'literal') return fillPlaceholders(template.value, { parameterName: parameter.name, run });
  let out = '';
  for (const part of template.parts) {
    out += part.kind === 'text' ? fillPlaceholders(part.value, { parameterName: parameter.name, run }) : encodeURIComponent(interpolationText(run.evaluateExpression(part.expression, { parameter: parameter.name })));
  }
  return out;
}

function fillPlaceholders(text: string, where: { readonly parameterName: string; readonly run: PolicyRun }): string {
  const { parameterName, run } = where;
  if (!text.includes('{')) return text;
  const values = run.context?.pathParameters ?? {};
  return text.replace(PLACEHOLDER, (_match, name: string) => {
    const value = Object.hasOwn(values, name) ? values[name] : undefined;
    if (value === undefined) {
      throw new PolicyError(`\`${parameterName}\` uses the placeholder {${name}}, but the operation has no path parameter \`${name}\` — use one of ${Object.keys(values).map((key) => `{${key}}`).join(', ') || 'its path parameters'}`, {
        code: POLICY_ERROR_CODES.result,
        location: run.location,
        details: { parameter: parameterName, placeholder: name },
      });
    }
    return encodeURIComponent(value);
  });
}

/** The `{name}` placeholders and expressions of a path template as the mock backend should match them. */
export function pathPattern(template: Template): string {
  if (template.kind === 'literal') return template.value;
  if (template.kind === 'expression') return `{@${template.source}}`;
  return template.parts.map((part) => (part.kind === 'text' ? part.value : `{@${part.source}}`)).join('');
}

/** Joins a relative path onto nothing: makes sure it starts with one `/`. */
export function absolutePath(path: string): string {
  return path.startsWith('/') ? path : `/${path}`;
}

/**
 * A base URL from a host template's value: `https://` added when there is no scheme, the trailing
 * slash removed; undefined when the result is not an http(s) URL.
 */
export function baseUrlOf(value: string): string | undefined {
  const trimmed = value.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
  const url = URL.parse(withScheme);
  if (url === null || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.hostname === '') return undefined;
  return withScheme.replace(/\/+$/, '');
}

/** {@link baseUrlOf}, failing with the policy named when the value is not a URL. */
export function normalizeBaseUrl(value: string, where: { readonly parameterName: string; readonly run: PolicyRun }): string {
  const url = baseUrlOf(value);
  if (url !== undefined) return url;
  throw new PolicyError(`\`${where.parameterName}\` produced a value that is not an http(s) URL — check the connection parameters and headers it reads`, {
    code: POLICY_ERROR_CODES.result,
    location: where.run.location,
    details: { parameter: where.parameterName },
  });
}

/** Splits `path?query` into a path and ordered query pairs. */
export function splitQuery(pathAndQuery: string): { path: string; query: [string, string][] } {
  const mark = pathAndQuery.indexOf('?');
  if (mark < 0) return { path: pathAndQuery, query: [] };
  const query: [string, string][] = [];
  for (const [name, value] of new URLSearchParams(pathAndQuery.slice(mark + 1))) query.push([name, value]);
  return { path: pathAndQuery.slice(0, mark), query };
}
