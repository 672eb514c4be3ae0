/**
 * stringtoarray: splits a delimited string into an array of objects `{childPropertyName: part}`
 * (Planner: `"id1;id2"` → `[{userId: "id1"}, {userId: "id2"}]`). Every character of
 * `delimiterList` is a delimiter; parts are trimmed and empty parts dropped (inferred: the
 * repository documents neither).
 */
import type { PolicyTemplate } from '../policy-template.ts';
import { bodyPolicy, readElementPaths, transformElements } from './body-transform.ts';

/** The stringtoarray template. */
export const stringToArrayTemplate: PolicyTemplate = {
  id: 'stringtoarray',
  sections: ['request', 'response'],
  defaultSection: 'request',
  compile({ params, section }) {
    const paths = readElementPaths(params);
    const delimiters = params.string('delimiterList', true);
    const child = params.string('childPropertyName', true);
    if (paths === undefined || delimiters === undefined || child === undefined || !params.ok) return undefined;
    if (delimiters === '' || child.trim() === '') {
      params.issue({ code: 'policy-parameter-invalid', severity: 'error', parameter: delimiters === '' ? 'delimiterList' : 'childPropertyName', message: delimiters === '' ? '`delimiterList` is empty — give at least one delimiter character' : '`childPropertyName` is empty — name the property each part goes into' });
      return undefined;
    }
    const splitter = new RegExp(`[${[...delimiters].map((c) => c.replace(/[\\\]^-]/g, '\\$&')).join('')}]`);
    return bodyPolicy(
      section,
      transformElements(paths, (source) => {
        if (typeof source !== 'string') return undefined;
        const parts = source.split(splitter).map((part) => part.trim()).filter((part) => part !== '');
        return { value: parts.map((part) => ({ [child]: part })) };
      }),
    );
  },
};
