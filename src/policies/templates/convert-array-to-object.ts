/**
 * convertarraytoobject: turns an array of objects into a dictionary keyed by
 * `keyWithinCollectionPath` (Planner sends `checklist` as `{id: {...}}`). With `retainKey`
 * "false" the key property is removed from each value; the default is "true". Elements without
 * a string or number key are left out.
 */
import { isRecord } from '../../expressions/index.ts';
import { readAt, removeAt } from '../body-path.ts';
import type { PolicyTemplate } from '../policy-template.ts';
import { bodyPolicy, readElementPaths, transformElements } from './body-transform.ts';

/** The convertarraytoobject template. */
export const convertArrayToObjectTemplate: PolicyTemplate = {
  id: 'convertarraytoobject',
  sections: ['request', 'response'],
  defaultSection: 'request',
  compile({ params, section }) {
    const paths = readElementPaths(params);
    const keyPath = params.subPath('keyWithinCollectionPath', true);
    const retainKey = params.flag('retainKey', true);
    if (paths === undefined || keyPath === undefined || !params.ok) return undefined;
    if (keyPath.length === 0) {
      params.issue({ code: 'policy-parameter-invalid', severity: 'error', parameter: 'keyWithinCollectionPath', message: '`keyWithinCollectionPath` names no property — name the property whose value becomes the key' });
      return undefined;
    }
    return bodyPolicy(
      section,
      transformElements(paths, (source) => {
        if (!Array.isArray(source)) return undefined;
        const result: Record<string, unknown> = {};
        for (const element of source) {
          const key = readAt(element, keyPath);
          if (typeof key !== 'string' && typeof key !== 'number') continue;
          let value: unknown = element;
          if (!retainKey && isRecord(element)) {
            value = keyPath.length === 1 ? { ...element } : structuredClone(element);
            removeAt(value, keyPath);
          }
          result[String(key)] = value;
        }
        return { value: result };
      }),
    );
  },
};
