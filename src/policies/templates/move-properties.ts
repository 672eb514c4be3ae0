/**
 * moveproperties: not in the repository's schema and not documented; inferred from its one use
 * (AzureAD UpdateUser: src `@body()` + `customProperties`, dst `@body()` + `"null"`,
 * copyOnlySubProperties "true" — the user's extension attributes go to the top of the PATCH body).
 * Moves the value at src parent + sub-path: with `copyOnlySubProperties` "true" its properties are
 * merged into the destination object; otherwise the value itself is written at dst parent +
 * sub-path (or, without a dst sub-path, under its own name). The source is removed either way.
 */
import { isRecord } from '../../expressions/index.ts';
import { readAt, readPath, removeAt, writePath } from '../body-path.ts';
import type { PolicyTemplate } from '../policy-template.ts';
import { bodyPolicy } from './body-transform.ts';

/** The moveproperties template. */
export const movePropertiesTemplate: PolicyTemplate = {
  id: 'moveproperties',
  sections: ['request', 'response'],
  defaultSection: 'request',
  compile({ params, section }) {
    const srcParent = params.bodyPath('srcParentPath', true);
    const srcSubPath = params.subPath('srcSubPath');
    const dstParent = params.bodyPath('dstParentPath', true);
    const dstSubPath = params.subPath('dstSubPath');
    const onlyChildren = params.flag('copyOnlySubProperties', false);
    if (srcParent === undefined || srcSubPath === undefined || dstParent === undefined || dstSubPath === undefined || !params.ok) return undefined;
    if (srcSubPath.length === 0) {
      params.issue({ code: 'policy-parameter-invalid', severity: 'error', parameter: 'srcSubPath', message: '`srcSubPath` names no property — name the property to move' });
      return undefined;
    }
    return bodyPolicy(section, (holder) => {
      const parent = readPath(srcParent, { holder });
      const value = readAt(parent, srcSubPath);
      if (value === undefined) return;
      if (onlyChildren && !isRecord(value)) return;
      removeAt(parent, srcSubPath);
      if (!onlyChildren) {
        writePath(dstParent, { scope: { holder }, value, extra: dstSubPath.length > 0 ? dstSubPath : srcSubPath.slice(-1) });
        return;
      }
      let target = readAt(readPath(dstParent, { holder }), dstSubPath);
      if (!isRecord(target)) {
        target = {};
        if (!writePath(dstParent, { scope: { holder }, value: target, extra: dstSubPath })) return;
      }
      if (isRecord(target)) Object.assign(target, value);
    });
  },
};
