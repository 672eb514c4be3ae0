/**
 * `operationOptions` of a trigger or action (wdl.md §3, §4): one comma-separated string such as
 * `"SingleInstance, IncludeAuthorizationHeadersInOutputs"`, options matched in any case. One reader
 * for every rule that asks about an option, so they all split and compare the same way.
 */
import { isRecord } from '../../expressions/index.ts';

/** True when the element's raw JSON (`trigger.raw`, `action.raw`) lists `name` in its `operationOptions`. */
export function hasOperationOption(raw: unknown, name: string): boolean {
  const options = isRecord(raw) ? raw['operationOptions'] : undefined;
  if (typeof options !== 'string') return false;
  const wanted = name.toLowerCase();
  return options.split(',').some((option) => option.trim().toLowerCase() === wanted);
}
