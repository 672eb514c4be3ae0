/**
 * setproperty: adds or updates a property of an object, or of each element of a collection. The
 * value (`propertyValuePathTemplate`) is a constant (`USA`, ` !`, `card`), a path (`@body().x`),
 * or text with `{@expr}` substitutions (`{@body().firstName} {@body().lastName}`), following
 * Microsoft Learn's description. Decisions beyond it, from published uses:
 * - a value that is exactly one `{@expr}` or `@expr` keeps its JSON type (`{@body().next}`);
 * - a result that reads as a JSON array or object becomes that value, so `["matter.created"]`
 *   (LawVu) is an array and `[{@body().payments}]` (Blackbaud) wraps an object in an array;
 *   substituted objects and arrays are written as JSON, strings as they are;
 * - an element whose expressions find nothing (a missing property) is left unchanged.
 */
import type { Template } from '../../expressions/index.ts';
import { readPath, targetsOf, writePath } from '../body-path.ts';
import type { PolicyTemplate } from '../policy-template.ts';
import { bodyPolicy } from './body-transform.ts';

/** The setproperty template. */
export const setPropertyTemplate: PolicyTemplate = {
  id: 'setproperty',
  sections: ['request', 'response'],
  defaultSection: 'request',
  compile({ params, section }) {
    const parent = params.bodyPath('newPropertyParentPathTemplate', true);
    const subPath = params.subPath('newPropertySubPathTemplate', true);
    const value = params.template('propertyValuePathTemplate', true);
    if (parent === undefined || subPath === undefined || value === undefined || !params.ok) return undefined;
    if (subPath.length === 0) {
      params.issue({ code: 'policy-parameter-invalid', severity: 'error', parameter: 'newPropertySubPathTemplate', message: '`newPropertySubPathTemplate` names no property — name the property to set' });
      return undefined;
    }
    const keepsType = isSingleValue(value.template);
    const constant = value.template.kind === 'literal' ? jsonOrText(value.template.value) : undefined;
    return bodyPolicy(section, (holder, run) => {
      for (const element of targetsOf(readPath(parent, { holder }), true)) {
        let next: unknown;
        if (constant !== undefined) next = typeof constant.value === 'object' && constant.value !== null ? structuredClone(constant.value) : constant.value;
        else {
          const result = run.tryEvaluate(value, { body: holder.body, item: element });
          if (result === undefined) continue;
          next = keepsType || typeof result.value !== 'string' ? result.value : jsonOrText(result.value).value;
        }
        writePath({ root: 'item', segments: subPath }, { scope: { holder, item: element }, value: next });
      }
    });
  },
};

/** True for `@expr` or a lone `{@expr}`: the value keeps its type. */
function isSingleValue(template: Template): boolean {
  if (template.kind === 'expression') return true;
  if (template.kind !== 'interpolated' || template.parts.length !== 1) return false;
  return template.parts[0]?.kind === 'expression' && template.parts[0].form === 'brace';
}

/** A JSON array or object when the text is one, else the text. */
function jsonOrText(text: string): { readonly value: unknown } {
  const trimmed = text.trim();
  if ((trimmed.startsWith('[') && trimmed.endsWith(']')) || (trimmed.startsWith('{') && trimmed.endsWith('}'))) {
    try {
      return { value: JSON.parse(trimmed) };
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
    }
  }
  return { value: text };
}
