/**
 * setqueryparameter: sets a query parameter of the request. `existsAction`: `override` (default)
 * replaces every existing value, `skip` keeps an existing one, `append` adds another `name=value`.
 */
import type { PolicyTemplate } from '../policy-template.ts';
import { readExistsAction } from './exists-action.ts';

/** The setqueryparameter template. */
export const setQueryParameterTemplate: PolicyTemplate = {
  id: 'setqueryparameter',
  sections: ['request'],
  defaultSection: 'request',
  compile({ params }) {
    const name = params.string('name', true)?.trim();
    const value = params.template('value', true);
    const action = readExistsAction(params);
    if (name === undefined || value === undefined || !params.ok) return undefined;
    if (name === '') {
      params.issue({ code: 'policy-parameter-invalid', severity: 'error', parameter: 'name', message: 'the query parameter name is empty — name the parameter to set' });
      return undefined;
    }
    const literal = value.template.kind === 'literal' ? value.template.value : undefined;
    return {
      request: (request, run) => {
        const exists = request.query.some((pair) => pair[0] === name);
        if (exists && action === 'skip') return;
        const text = literal ?? run.text(value);
        if (exists && action === 'override') request.query = request.query.filter((pair) => pair[0] !== name);
        request.query.push([name, text]);
      },
      describe: (view) => {
        view.addedQuery.add(name);
      },
    };
  },
};
