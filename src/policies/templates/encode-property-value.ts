/**
 * encodepropertyvalue: URL-encodes a string (or number) property (`encodeURIComponent`) and writes
 * it at `newPropertyPath`. Not documented anywhere; inferred from its one use (Planner encodes user
 * ids that become Graph dictionary keys, then also encodes `.` with stringreplace, which
 * `encodeURIComponent` leaves alone).
 */
import type { PolicyTemplate } from '../policy-template.ts';
import { bodyPolicy, readElementPaths, transformElements } from './body-transform.ts';

/** The encodepropertyvalue template. */
export const encodePropertyValueTemplate: PolicyTemplate = {
  id: 'encodepropertyvalue',
  sections: ['request', 'response'],
  defaultSection: 'request',
  compile({ params, section }) {
    const paths = readElementPaths(params);
    if (paths === undefined || !params.ok) return undefined;
    return bodyPolicy(
      section,
      transformElements(paths, (source) => (typeof source === 'string' || typeof source === 'number' ? { value: encodeURIComponent(String(source)) } : undefined)),
    );
  },
};
