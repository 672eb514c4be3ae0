/**
 * Collection functions over strings, arrays and objects: chunk, contains, empty, first,
 * intersection, join, last, length, reverse, skip, sort, take, union.
 */
import { isRecord } from '../evaluate.ts';
import { MAX_VALUE_DEPTH, ValueError, copyRecord, isContent, kindName, setOwn, toJsonText, wdlCompare, wdlEquals } from '../values.ts';
import { definer } from './arguments.ts';
import type { Arguments } from './arguments.ts';
import type { FunctionFamily, FunctionRuntime } from './runtime.ts';

/** A key that equal values (by {@link wdlEquals}) share, so union and intersection stay linear. */
function equalityKey(value: unknown): string {
  return JSON.stringify(normalize(value, 0));
}

function normalize(value: unknown, depth: number): unknown {
  if (depth > MAX_VALUE_DEPTH) throw new ValueError(`the value is nested more than ${MAX_VALUE_DEPTH} levels deep`);
  if (value === null || value === undefined || value === '') return ['s', ''];
  if (typeof value === 'string') return ['s', value];
  if (typeof value === 'boolean') return ['n', value ? 1 : 0];
  if (Array.isArray(value)) return ['a', value.map((item) => normalize(item, depth + 1))];
  if (isRecord(value)) {
    const keys = Object.keys(value).filter((key) => value[key] !== undefined).sort();
    return ['o', keys.map((key) => [key, normalize(value[key], depth + 1)])];
  }
  // Numbers of every kind compare by value; the canonical text of a double is its shortest form.
  const text = toJsonText(value);
  return ['n', Number.isFinite(Number(text)) && !/^-?\d{16,}$/.test(text) ? Number(text) : text];
}

/** The functions of this family. */
export function collectionFunctions(runtime: FunctionRuntime): FunctionFamily {
  const { fn } = definer(runtime);
  return {
    chunk: fn([2, 2], (args) => {
      const collection = args.raw(0);
      const size = args.integer(1, 'length');
      if (size < 1) args.fail('argument 2 (length) must be at least 1');
      if (typeof collection !== 'string' && !Array.isArray(collection)) return args.fail(`argument 1 (collection) must be a string or an array, not ${kindName(collection)}`);
      const count = Math.ceil(collection.length / size);
      args.producedArray(count);
      const out: unknown[] = [];
      for (let i = 0; i < collection.length; i += size) out.push(collection.slice(i, i + size));
      return out;
    }),
    contains: fn([2, 2], (args) => {
      const collection = args.raw(0);
      const value = args.raw(1);
      if (typeof collection === 'string') {
        if (typeof value !== 'string') return args.fail(`argument 2 (value) must be a string to find in a string, not ${kindName(value)}`);
        return collection.includes(value);
      }
      if (Array.isArray(collection)) return args.guard(() => collection.some((item) => wdlEquals(item, value)));
      if (isRecord(collection)) {
        if (typeof value !== 'string') return args.fail(`argument 2 (value) must be a string key to find in an object, not ${kindName(value)}`);
        return Object.hasOwn(collection, value) && collection[value] !== undefined;
      }
      return args.fail(`argument 1 (collection) must be a string, an array or an object, not ${kindName(collection)}`);
    }),
    empty: fn([1, 1], (args) => {
      const collection = args.raw(0);
      if (collection === null || collection === undefined) return true;
      if (typeof collection === 'string' || Array.isArray(collection)) return collection.length === 0;
      if (isRecord(collection)) return Object.keys(collection).length === 0;
      return args.fail(`argument 1 (collection) must be a string, an array or an object, not ${kindName(collection)}`);
    }),
    first: fn([1, 1], (args) => {
      const collection = args.raw(0);
      if (collection === null || collection === undefined) return null;
      if (typeof collection === 'string') return collection.length === 0 ? null : collection.charAt(0);
      if (Array.isArray(collection)) return collection.length === 0 ? null : collection[0];
      return args.fail(`argument 1 (collection) must be a string or an array, not ${kindName(collection)}`);
    }),
    last: fn([1, 1], (args) => {
      const collection = args.raw(0);
      if (collection === null || collection === undefined) return null;
      if (typeof collection === 'string') return collection.length === 0 ? null : collection.charAt(collection.length - 1);
      if (Array.isArray(collection)) return collection.length === 0 ? null : collection[collection.length - 1];
      return args.fail(`argument 1 (collection) must be a string or an array, not ${kindName(collection)}`);
    }),
    length: fn([1, 1], (args) => {
      const collection = args.raw(0);
      if (typeof collection === 'string' || Array.isArray(collection)) return collection.length;
      return args.fail(`argument 1 (collection) must be a string or an array, not ${kindName(collection)}`);
    }),
    intersection: fn([1, Infinity], (args) => {
      const collections = collectionsOf(args);
      if (collections.kind === 'arrays') {
        const [head = [], ...rest] = collections.values;
        return args.guard(() => {
          const sets = rest.map((array) => new Set(array.map(equalityKey)));
          const seen = new Set<string>();
          const out: unknown[] = [];
          for (const item of head) {
            const key = equalityKey(item);
            if (seen.has(key) || !sets.every((set) => set.has(key))) continue;
            seen.add(key);
            out.push(item);
          }
          return out;
        });
      }
      const [head = {}, ...rest] = collections.values;
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(head)) {
        if (!rest.every((object) => Object.hasOwn(object, key))) continue;
        const lastObject = rest.length === 0 ? head : rest[rest.length - 1];
        setOwn(out, [key, lastObject === undefined ? head[key] : lastObject[key]]);
      }
      return out;
    }),
    union: fn([1, Infinity], (args) => {
      const collections = collectionsOf(args);
      if (collections.kind === 'arrays') {
        const total = collections.values.reduce((sum, array) => sum + array.length, 0);
        args.producedArray(total);
        return args.guard(() => {
          const seen = new Set<string>();
          const out: unknown[] = [];
          for (const array of collections.values) {
            for (const item of array) {
              const key = equalityKey(item);
              if (seen.has(key)) continue;
              seen.add(key);
              out.push(item);
            }
          }
          return out;
        });
      }
      const out: Record<string, unknown> = {};
      for (const object of collections.values) for (const key of Object.keys(object)) setOwn(out, [key, object[key]]);
      return out;
    }),
    join: fn([2, 2], (args) => {
      const items = args.array(0, 'collection');
      const delimiter = args.string(1, 'delimiter');
      const parts: string[] = [];
      let length = Math.max(0, items.length - 1) * delimiter.length;
      if (length > runtime.limits.maxStringLength) args.producedString(length);
      for (const item of items) {
        const text = args.written(item);
        length += text.length;
        if (length > runtime.limits.maxStringLength) args.producedString(length);
        parts.push(text);
      }
      args.producedString(length);
      return parts.join(delimiter);
    }),
    reverse: fn([1, 1], (args) => {
      const items = args.array(0, 'collection');
      args.producedArray(items.length);
      return [...items].reverse();
    }),
    skip: fn([2, 2], (args) => {
      const collection = args.raw(0);
      const count = args.integer(1, 'count');
      if (count < 0) args.fail('argument 2 (count) must not be negative');
      if (typeof collection === 'string' || Array.isArray(collection)) return collection.slice(count);
      return args.fail(`argument 1 (collection) must be an array or a string, not ${kindName(collection)}`);
    }),
    take: fn([2, 2], (args) => {
      const collection = args.raw(0);
      const count = args.integer(1, 'count');
      if (count < 0) args.fail('argument 2 (count) must not be negative');
      if (typeof collection === 'string' || Array.isArray(collection)) return collection.slice(0, count);
      return args.fail(`argument 1 (collection) must be a string or an array, not ${kindName(collection)}`);
    }),
    sort: fn([1, 2], (args) => {
      const items = args.array(0, 'collection');
      const sortBy = args.optionalString(1, 'sortBy');
      args.producedArray(items.length);
      const keyOf = (item: unknown): unknown => {
        if (sortBy === undefined) {
          if (isRecord(item) && !isContent(item)) args.fail('the items are objects; give argument 2 (sortBy), the key to sort them by');
          return item;
        }
        if (!isRecord(item)) return args.fail(`sortBy needs objects, but an item is ${kindName(item)}`);
        return Object.hasOwn(item, sortBy) ? item[sortBy] : null;
      };
      const keyed = items.map((item, index) => ({ item, key: keyOf(item), index }));
      return args.guard(() => {
        keyed.sort((a, b) => wdlCompare(a.key, b.key) || a.index - b.index);
        return keyed.map((entry) => entry.item);
      });
    }),
  };
}

/** The arguments of union/intersection: all arrays or all objects (null counts as empty). */
function collectionsOf(args: Arguments): { readonly kind: 'arrays'; readonly values: readonly (readonly unknown[])[] } | { readonly kind: 'objects'; readonly values: readonly Readonly<Record<string, unknown>>[] } {
  const values = args.values.map((value) => (value === null ? undefined : value));
  const firstKind = values.find((value) => value !== undefined);
  if (Array.isArray(firstKind) || firstKind === undefined) {
    const arrays = values.map((value, i) => {
      if (value === undefined) return [];
      if (!Array.isArray(value)) return args.fail(`argument ${i + 1} must be an array like the first, not ${kindName(value)}`);
      return value;
    });
    return { kind: 'arrays', values: arrays };
  }
  const objects = values.map((value, i) => {
    if (value === undefined) return {};
    if (!isRecord(value)) return args.fail(`argument ${i + 1} must be an object like the first, not ${kindName(value)}`);
    return copyRecord(value);
  });
  return { kind: 'objects', values: objects };
}
