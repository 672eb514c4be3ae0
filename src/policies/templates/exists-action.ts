/** `existsAction` of setheader and setqueryparameter. */
import type { ParameterReader } from '../parameters.ts';

/** What to do when the header or query parameter is already there. */
export type ExistsAction = 'override' | 'skip' | 'append';

/** Reads `existsAction` (any case; default `override`); reports other values. */
export function readExistsAction(params: ParameterReader): ExistsAction {
  const text = params.string('existsAction', false)?.trim().toLowerCase();
  if (text === undefined || text === '' || text === 'override') return 'override';
  if (text === 'skip' || text === 'append') return text;
  params.issue({ code: 'policy-parameter-invalid', severity: 'error', parameter: 'existsAction', message: `\`existsAction\` is ${JSON.stringify(params.raw('existsAction'))} — use override, skip or append` });
  return 'override';
}
