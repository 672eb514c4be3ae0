/**
 * What the trigger kinds share when they build values and messages: members set whatever their
 * names (a header or query named `__proto__` stays data), the text members of stored or answered
 * records, and messages of the actions area's executors said about the trigger.
 */
import { isRecord } from '../../expressions/index.ts';

/** Sets an own enumerable member, whatever its name (assigning `__proto__` would change the prototype). */
export function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** The string members of `value` (headers, queries, stored parameters); `{}` when it is not a record. */
export function textRecord(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isRecord(value)) return out;
  for (const key of Object.keys(value)) {
    const item = value[key];
    if (typeof item === 'string') setOwn(out, key, item);
  }
  return out;
}

/**
 * `message` said about a trigger: `trigger 'X'` replaces an executor's leading `action 'X'` (the
 * executors name the call an action) or is put in front; `phase` (`subscribe` …) follows the name.
 */
export function triggerMessage(message: string, about: { readonly trigger: string; readonly phase?: string }): string {
  const head = `trigger '${about.trigger}'`;
  const named = [`action '${about.trigger}'`, head].find((prefix) => message.startsWith(prefix));
  const rest = named === undefined ? `: ${message}` : message.slice(named.length);
  if (about.phase === undefined) return `${head}${rest}`;
  return `${head}: ${about.phase}${rest.startsWith(':') ? rest : `:${rest}`}`;
}
