/** Trigger and action types: present, known, supported; and how many triggers there are. */
import type { Issue } from '../../../core/index.ts';
import { ACTION_TYPES, TRIGGER_TYPES, actionTypeOf, supportedNames, triggerTypeOf } from '../action-types.ts';
import type { CheckInput } from './check.ts';
import { didYouMean, error } from './check.ts';

/** Consumption allows 10 triggers in JSON (wdl.md §10). */
const MAX_TRIGGERS = 10;

const names = (types: ReadonlyArray<{ readonly name: string; readonly supported: boolean }>): string[] => types.filter((t) => t.supported).map((t) => t.name);

/** Reports missing, unknown and unsupported trigger and action types, and the trigger count. */
export function checkTypes({ definition }: CheckInput): Issue[] {
  const issues: Issue[] = [];
  const triggerList = supportedNames(TRIGGER_TYPES);
  for (const trigger of definition.triggers) {
    const at = `${trigger.pointer}/type`;
    const written = trigger.raw['type'];
    const info = triggerTypeOf(trigger.type);
    if (typeof written !== 'string' || written === '') issues.push(error('trigger-type-missing', at, `trigger \`${trigger.name}\` has no \`type\` — add one of ${triggerList}`));
    else if (info === undefined) issues.push(error('trigger-type-unknown', at, `trigger \`${trigger.name}\`: type \`${written}\` is not a known trigger type${didYouMean(written, names(TRIGGER_TYPES))} (known: ${triggerList})`));
    else if (!info.supported) issues.push(error('trigger-type-unsupported', at, `trigger \`${trigger.name}\`: type \`${info.name}\` is not supported by Plugboard — use one of ${triggerList}`));
  }
  if (definition.triggers.length > MAX_TRIGGERS) {
    issues.push(error('trigger-count-exceeded', `${definition.pointer}/triggers`, `the workflow has ${definition.triggers.length} triggers; at most ${MAX_TRIGGERS} are allowed — split it into several workflows`));
  }
  if (definition.triggers.length === 0) {
    issues.push({ code: 'trigger-missing', severity: 'warning', path: `${definition.pointer}/triggers`, message: 'the workflow has no trigger, so it can only be run by hand — add one (e.g. a `Request` trigger named `manual`)' });
  }
  const actionList = supportedNames(ACTION_TYPES);
  for (const action of definition.allActions) {
    const at = `${action.pointer}/type`;
    const written = action.raw['type'];
    const info = actionTypeOf(action.type);
    if (typeof written !== 'string' || written === '') issues.push(error('action-type-missing', at, `action \`${action.name}\` has no \`type\` — add one of ${actionList}`));
    else if (info === undefined) issues.push(error('action-type-unknown', at, `action \`${action.name}\`: type \`${written}\` is not a known action type${didYouMean(written, names(ACTION_TYPES))} (known: ${actionList}; JavaScriptCode runs inline code)`));
    else if (!info.supported) issues.push(error('action-type-unsupported', at, `action \`${action.name}\`: type \`${info.name}\` is not supported by Plugboard — replace it with one of ${actionList}`));
  }
  return issues;
}
