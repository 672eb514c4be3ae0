/**
 * convertobjecttoarray: turns a dictionary into an array of `{keyName: key, valueName: value}`
 * (Planner's `assignments` keyed by user id become `[{userId, value}]`). Defaults: keyName `key`,
 * valueName `value`. The source stays unless the new path overwrites it.
 */
import { isRecord } from '../../expressions/index.ts';
import type { PolicyTemplate } from '../policy-template.ts';
import { bodyPolicy, readElementPaths, transformElements } from './body-transform.ts';

/** The convertobjecttoarray template. */
export const convertObjectToArrayTemplate: PolicyTemplate = {
  id: 'convertobjecttoarray',
  sections: ['request', 'response'],
  defaultSection: 'request',
  compile({ params, section }) {
    const paths = readElementPaths(params);
    const keyName = params.string('keyName', false) || 'key';
    const valueName = params.string('valueName', false) || 'value';
    if (paths === undefined || !params.ok) return undefined;
    return bodyPolicy(
      section,
      transformElements(paths, (source) => {
        if (!isRecord(source)) return undefined;
        return { value: Object.entries(source).map(([key, value]) => ({ [keyName]: key, [valueName]: value })) };
      }),
    );
  },
};
