/** Postman `{{variable}}` handling. */
import { child, elementsOf, isRecord, type SourceNode } from '../source-node.ts';

/** A Postman variable reference. */
export const VARIABLE_PATTERN = /\{\{([^{}]+)\}\}/g;

/** Variables defined inside variable values are followed this deep; deeper means a cycle. */
const MAX_DEPTH = 8;

/** The collection's `variable` list as a map; disabled entries and entries without a key are skipped. */
export function collectionVariables(collection: SourceNode): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of elementsOf(child(collection, 'variable'))) {
    const variable = entry.value;
    if (!isRecord(variable) || variable.disabled === true) continue;
    const key = typeof variable.key === 'string' ? variable.key : typeof variable.id === 'string' ? variable.id : undefined;
    if (key === undefined || variable.value === undefined || variable.value === null) continue;
    out.set(key, typeof variable.value === 'string' ? variable.value : JSON.stringify(variable.value));
  }
  return out;
}

/** The text with every `{{name}}` that has a non-empty value substituted; names left as written are listed in `unresolved`. */
export function substituteVariables(text: string, variables: ReadonlyMap<string, string>): { text: string; unresolved: string[] } {
  const unresolved = new Set<string>();
  let current = text;
  for (let depth = 0; depth < MAX_DEPTH && current.includes('{{'); depth++) {
    let changed = false;
    current = current.replace(VARIABLE_PATTERN, (whole, name: string) => {
      const value = variables.get(name.trim());
      if (value === undefined || value === '') {
        unresolved.add(name.trim());
        return whole;
      }
      changed = true;
      return value;
    });
    if (!changed) break;
  }
  return { text: current, unresolved: [...unresolved] };
}

/** True when the text still contains a `{{variable}}`. */
export function hasVariable(text: string): boolean {
  return /\{\{[^{}]+\}\}/.test(text);
}
