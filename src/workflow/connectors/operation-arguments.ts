/**
 * Power Automate's flattened OpenApiConnection `parameters` as the gateway's operation arguments.
 * The designer writes each property of an object parameter as its own key, joined with `/`:
 * `{ "emailMessage/To": "a@b.c", "emailMessage/Subject": "Hi", "importance": "Normal" }` is the
 * body parameter `emailMessage` = `{ To, Subject }` plus the parameter `importance`. Deeper keys
 * (`item/Address/City`) build nested objects; a key without `/` gives the parameter's whole
 * value, which keys with `/` may add properties to. Segments are always property names (the
 * designer gives arrays whole), so a parameter whose own name contains `/` cannot be addressed.
 */
import { isRecord, typeName } from '../../expressions/index.ts';
import { parametersInvalid } from './errors.ts';

/** Arguments keyed by parameter name (a body parameter's value is the whole body). Never changes `parameters`. */
export function operationArguments(parameters: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  // Objects this function made (or copied), which it may change; the caller's values are never changed.
  const owned = new WeakSet<object>([args]);
  const nested: { readonly key: string; readonly segments: readonly string[] }[] = [];
  for (const key of Object.keys(parameters)) {
    if (parameters[key] === undefined) continue;
    if (!key.includes('/')) setOwn(args, key, parameters[key]);
    else nested.push({ key, segments: key.split('/') });
  }
  // Shallow keys first, so `item/Address` = {…} and `item/Address/City` combine in any order.
  nested.sort((a, b) => a.segments.length - b.segments.length);
  for (const { key, segments } of nested) {
    if (segments.some((segment) => segment === '')) throw parametersInvalid(key, "has an empty segment — write the parameter name and property names joined by single slashes, such as 'item/Title'");
    let container = args;
    for (let depth = 0; depth < segments.length - 1; depth++) {
      const segment = segments[depth] ?? '';
      const existing = Object.hasOwn(container, segment) ? container[segment] : undefined;
      let next: Record<string, unknown>;
      if (existing === undefined || existing === null) {
        next = {};
        owned.add(next);
      } else if (isRecord(existing)) {
        next = owned.has(existing) ? (existing as Record<string, unknown>) : { ...existing };
        owned.add(next);
      } else {
        const prefix = segments.slice(0, depth + 1).join('/');
        throw parametersInvalid(key, `sets a property of '${prefix}', which is given as ${typeName(existing)}, not an object — give either the whole value of '${prefix}' or only its properties`);
      }
      setOwn(container, segment, next);
      container = next;
    }
    setOwn(container, segments.at(-1) ?? '', parameters[key]);
  }
  return args;
}

/** Sets an own property, also for names such as `__proto__`. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
