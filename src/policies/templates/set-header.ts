/**
 * setheader: sets a request or response header (or a failure response's). `existsAction`:
 * `override` (default) replaces, `skip` keeps an existing value, `append` adds after it with `, `.
 */
import type { PolicyTemplate } from '../policy-template.ts';
import { readExistsAction } from './exists-action.ts';

/** The setheader template. */
export const setHeaderTemplate: PolicyTemplate = {
  id: 'setheader',
  sections: ['request', 'response', 'failure'],
  defaultSection: 'request',
  compile({ params, section }) {
    const name = params.string('name', true)?.trim();
    const value = params.template('value', true);
    const action = readExistsAction(params);
    if (name === undefined || value === undefined || !params.ok) return undefined;
    if (name === '') {
      params.issue({ code: 'policy-parameter-invalid', severity: 'error', parameter: 'name', message: 'the header name is empty — name the header to set' });
      return undefined;
    }
    const key = name.toLowerCase();
    const literal = value.template.kind === 'literal' ? value.template.value : undefined;
    const apply = (headers: Record<string, string>, text: string): void => {
      const existing = Object.hasOwn(headers, key) ? headers[key] : undefined;
      if (existing !== undefined && action === 'skip') return;
      headers[key] = existing !== undefined && action === 'append' ? `${existing}, ${text}` : text;
    };
    if (section === 'request') {
      return {
        request: (request, run) => apply(request.headers, literal ?? run.text(value)),
        describe: (view) => {
          view.addedHeaders.add(key);
        },
      };
    }
    return { response: (response, run) => apply(response.headers, literal ?? run.text(value)) };
  },
};
