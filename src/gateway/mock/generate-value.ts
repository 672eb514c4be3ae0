/**
 * A deterministic, schema-valid example value for a Swagger 2.0 / draft-04 schema. Declared
 * `example`/`x-example`/`default` values are used when they satisfy the schema; otherwise values
 * are built from the keywords: every declared property within a depth and size budget (required
 * ones always), one array item (or `minItems`), first enum value, format-shaped strings, numbers
 * inside their bounds. `$ref` cycles switch to "required only" and stop at a hard depth.
 */
import { createSchemaCleaner, isSchemaList } from './clean-schema.ts';
import type { CleanSchema, JsonType, SchemaCleaner, SchemaDirection } from './clean-schema.ts';
import { INTEGER_FORMATS, formatSample } from './formats.ts';
import { isRecord, jsonEqual } from './json.ts';
import { samplePattern } from './pattern-sample.ts';
import { conforms } from './schema-check.ts';

/** Options of {@link generateValue}. */
export interface GenerateValueOptions {
  /** The document's `definitions`, so `#/definitions/X` references resolve. */
  readonly definitions?: Readonly<Record<string, unknown>>;
  /** Varies the generated words and identifiers; the same seed always gives the same value. Default 1. */
  readonly seed?: number;
  /** `request` leaves optional `readOnly` properties out (the server owns them). Default `response`. */
  readonly direction?: SchemaDirection;
  /** Use declared `example` / `default` values when they are valid. Default true. */
  readonly useExamples?: boolean;
  /** Below this nesting depth optional properties are included. Default 8. */
  readonly maxDepth?: number;
  /** After this many generated values, only required properties and minimum array sizes are produced. Default 1500. */
  readonly maxNodes?: number;
}

/** Per-call options of a {@link ValueGenerator}. */
export type GenerateCallOptions = Pick<GenerateValueOptions, 'seed' | 'useExamples' | 'maxDepth' | 'maxNodes'>;

/** Generates values for schemas of one document (cleaned schemas are cached across calls). */
export interface ValueGenerator {
  generate(schema: unknown, options?: GenerateCallOptions): unknown;
}

const WORDS = ['example', 'sample', 'alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot'];
const FALLBACK_STRINGS = ['a', 'A', '1', 'abc', 'ABC', '123', 'a1', 'A1', 'ab-12', 'Example1', '0', '12345678', '2024-05-10', '2024-05-10T09:30:00Z', '192.0.2.10', 'https://example.com', 'user@example.com', 'true'];
const DEFAULT_SEED = 1;
const DEFAULT_MAX_DEPTH = 8;
const DEFAULT_MAX_NODES = 1500;
/** Beyond maxDepth plus this, recursion stops even for required properties (a required cycle). */
const HARD_DEPTH_MARGIN = 12;

/** A deterministic pseudo-random sequence (mulberry32). */
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Run {
  readonly cleaner: SchemaCleaner;
  readonly random: () => number;
  readonly direction: SchemaDirection;
  readonly useExamples: boolean;
  readonly maxDepth: number;
  readonly maxNodes: number;
  nodes: number;
}

/** Position of one value being generated. */
interface At {
  readonly depth: number;
  /** References followed to get here, for cycle detection. */
  readonly refs: readonly string[];
  /** Distinguishes siblings of a `uniqueItems` array. */
  readonly variant: number;
  /** Only required properties and minimum array sizes. */
  readonly minimal: boolean;
}

/** Creates a generator for schemas of one document. */
export function createValueGenerator(options: Pick<GenerateValueOptions, 'definitions' | 'direction'> = {}): ValueGenerator {
  const direction = options.direction ?? 'response';
  const cleaner = createSchemaCleaner({ definitions: options.definitions ?? {}, refPrefix: '#/definitions/', direction });
  return {
    generate(schema, call = {}) {
      const run: Run = {
        cleaner,
        random: createRandom(call.seed ?? DEFAULT_SEED),
        direction,
        useExamples: call.useExamples ?? true,
        maxDepth: call.maxDepth ?? DEFAULT_MAX_DEPTH,
        maxNodes: call.maxNodes ?? DEFAULT_MAX_NODES,
        nodes: 0,
      };
      return generate(run, cleaner.clean(schema), { depth: 0, refs: [], variant: 0, minimal: false });
    },
  };
}

/** A schema-valid example value for `schema` (see the module doc). Deterministic for a given seed. */
export function generateValue(schema: unknown, options: GenerateValueOptions = {}): unknown {
  return createValueGenerator(options).generate(schema, options);
}

function generate(run: Run, schema: CleanSchema, at: At): unknown {
  run.nodes += 1;
  const minimal = at.minimal || run.nodes > run.maxNodes || at.depth >= run.maxDepth;
  const here: At = minimal === at.minimal ? at : { ...at, minimal };
  if (schema.$ref !== undefined) return generateRef(run, schema.$ref, here);

  const merged = schema.allOf === undefined ? schema : mergeAllOf(run, schema, 0);
  const check = (value: unknown): boolean => conforms(value, schema, run.cleaner.resolve);

  if (run.useExamples) {
    for (const candidate of [merged.example, merged.default]) {
      if (candidate !== undefined && check(candidate)) return structuredClone(candidate);
    }
  }
  if (merged.enum !== undefined) return pickEnum(merged.enum, check, here.variant);

  const branches = merged.anyOf ?? merged.oneOf;
  if (branches !== undefined && branches.length > 0) {
    const rest: CleanSchema = { ...merged, anyOf: undefined, oneOf: undefined };
    let first: unknown;
    for (const branch of branches) {
      const value = generate(run, mergeSchemas([rest, resolveShallow(run, branch)]), { ...here, depth: here.depth + 1 });
      if (check(value)) return value;
      if (first === undefined) first = value;
    }
    return first;
  }

  const type = chooseType(merged);
  switch (type) {
    case 'null':
      return null;
    case 'boolean':
      return here.variant % 2 === 0;
    case 'integer':
    case 'number':
      return generateNumber(merged, type === 'integer' || (merged.format !== undefined && INTEGER_FORMATS.has(merged.format)), here.variant, check);
    case 'string':
      return generateString(run, merged, here.variant, check);
    case 'array':
      return generateArray(run, merged, here);
    case 'object':
      return generateObject(run, merged, here);
  }
}

function generateRef(run: Run, ref: string, at: At): unknown {
  const target = run.cleaner.resolve(ref);
  if (target === undefined) return WORDS[0];
  const seen = at.refs.filter((r) => r === ref).length;
  if (seen >= 3 || at.depth > run.maxDepth + HARD_DEPTH_MARGIN) return shallowValue(target, run);
  return generate(run, target, { ...at, depth: at.depth + 1, refs: [...at.refs, ref], minimal: at.minimal || seen >= 1 });
}

/** A value that does not recurse: used where a required cycle would never end. */
function shallowValue(schema: CleanSchema, run: Run): unknown {
  const resolved = resolveShallow(run, schema);
  if (resolved.enum !== undefined && resolved.enum.length > 0) return resolved.enum[0];
  switch (chooseType(resolved)) {
    case 'null':
      return null;
    case 'boolean':
      return true;
    case 'integer':
    case 'number':
      return resolved.minimum ?? 1;
    case 'string':
      return WORDS[0];
    case 'array':
      return [];
    case 'object':
      return {};
  }
}

function resolveShallow(run: Run, schema: CleanSchema): CleanSchema {
  let current = schema;
  for (let hops = 0; hops < 16 && current.$ref !== undefined; hops += 1) current = run.cleaner.resolve(current.$ref) ?? {};
  return current;
}

function pickEnum(values: readonly unknown[], check: (value: unknown) => boolean, variant: number): unknown {
  const valid = values.filter(check);
  const pool = valid.length > 0 ? valid : values;
  return structuredClone(pool[variant % pool.length]);
}

/** The type to generate: the first declared non-null type, else one inferred from the keywords (an object when there are none). */
function chooseType(schema: CleanSchema): JsonType {
  if (schema.type !== undefined) return schema.type.find((type) => type !== 'null') ?? 'null';
  if (schema.properties !== undefined || isRecord(schema.additionalProperties) || schema.required !== undefined || schema.patternProperties !== undefined || schema.minProperties !== undefined) return 'object';
  if (schema.items !== undefined || schema.minItems !== undefined || schema.maxItems !== undefined) return 'array';
  if (schema.format !== undefined && INTEGER_FORMATS.has(schema.format)) return 'integer';
  if (schema.format === 'float' || schema.format === 'double') return 'number';
  if (schema.minimum !== undefined || schema.maximum !== undefined || schema.multipleOf !== undefined) return 'number';
  if (schema.format !== undefined || schema.pattern !== undefined || schema.minLength !== undefined || schema.maxLength !== undefined) return 'string';
  // No keyword at all: most often a body whose shape is dynamic (`x-ms-dynamic-schema`), an object.
  return 'object';
}

// ---------------------------------------------------------------------------------------------
// allOf

function mergeAllOf(run: Run, schema: CleanSchema, depth: number): CleanSchema {
  const parts: CleanSchema[] = [{ ...schema, allOf: undefined }];
  for (const part of schema.allOf ?? []) {
    const resolved = resolveShallow(run, part);
    parts.push(resolved.allOf !== undefined && depth < 16 ? mergeAllOf(run, resolved, depth + 1) : resolved);
  }
  return mergeSchemas(parts);
}

function tighter(values: readonly (number | undefined)[], pick: (a: number, b: number) => number): number | undefined {
  let out: number | undefined;
  for (const value of values) if (value !== undefined) out = out === undefined ? value : pick(out, value);
  return out;
}

function firstDefined<T>(values: readonly (T | undefined)[]): T | undefined {
  return values.find((value) => value !== undefined);
}

/** One schema that asks for everything the parts ask for (as far as generation needs). */
function mergeSchemas(parts: readonly CleanSchema[]): CleanSchema {
  const typed = parts.filter((part) => part.type !== undefined).map((part) => part.type ?? []);
  let type: readonly JsonType[] | undefined;
  for (const list of typed) {
    if (type === undefined) type = list;
    else {
      const common = type.filter((t) => list.includes(t) || (t === 'integer' && list.includes('number')));
      const widened = list.filter((t) => t === 'integer' && type?.includes('number') === true);
      type = common.length + widened.length > 0 ? [...new Set([...common, ...widened])] : type;
    }
  }
  let enumValues: readonly unknown[] | undefined;
  for (const part of parts) {
    if (part.enum === undefined) continue;
    if (enumValues === undefined) enumValues = part.enum;
    else {
      const next = part.enum;
      const common = enumValues.filter((value) => next.some((other) => jsonEqual(value, other)));
      if (common.length > 0) enumValues = common;
    }
  }
  const properties: Record<string, CleanSchema> = {};
  let hasProperties = false;
  for (const part of parts) {
    for (const [name, property] of Object.entries(part.properties ?? {})) {
      hasProperties = true;
      const existing = Object.hasOwn(properties, name) ? properties[name] : undefined;
      Object.defineProperty(properties, name, { value: existing === undefined ? property : { allOf: [existing, property] }, enumerable: true, writable: true, configurable: true });
    }
  }
  // draft-04: a part with `additionalProperties: false` allows only the properties it declares
  // itself, even under allOf (AutoRest-style definitions rely on the opposite); keep only those.
  const closed = parts.filter((part) => part.additionalProperties === false);
  if (closed.length > 0) {
    for (const name of Object.keys(properties)) {
      if (!closed.every((part) => part.properties !== undefined && Object.hasOwn(part.properties, name))) Reflect.deleteProperty(properties, name);
    }
  }
  const required = [...new Set(parts.flatMap((part) => part.required ?? []))];
  const minimums = parts.map((part) => part.minimum);
  const maximums = parts.map((part) => part.maximum);
  const minimum = tighter(minimums, Math.max);
  const maximum = tighter(maximums, Math.min);
  const merged: CleanSchema = {
    type,
    enum: enumValues,
    format: firstDefined(parts.map((part) => part.format)),
    pattern: firstDefined(parts.map((part) => part.pattern)),
    minimum,
    exclusiveMinimum: parts.some((part) => part.minimum === minimum && part.exclusiveMinimum === true) ? true : undefined,
    maximum,
    exclusiveMaximum: parts.some((part) => part.maximum === maximum && part.exclusiveMaximum === true) ? true : undefined,
    multipleOf: firstDefined(parts.map((part) => part.multipleOf)),
    minLength: tighter(parts.map((part) => part.minLength), Math.max),
    maxLength: tighter(parts.map((part) => part.maxLength), Math.min),
    items: firstDefined(parts.map((part) => part.items)),
    additionalItems: firstDefined(parts.map((part) => part.additionalItems)),
    minItems: tighter(parts.map((part) => part.minItems), Math.max),
    maxItems: tighter(parts.map((part) => part.maxItems), Math.min),
    uniqueItems: parts.some((part) => part.uniqueItems === true) ? true : undefined,
    properties: hasProperties ? properties : undefined,
    patternProperties: firstDefined(parts.map((part) => part.patternProperties)),
    additionalProperties: closed.length > 0 ? false : firstDefined(parts.map((part) => part.additionalProperties)),
    required: required.length > 0 ? required : undefined,
    minProperties: tighter(parts.map((part) => part.minProperties), Math.max),
    maxProperties: tighter(parts.map((part) => part.maxProperties), Math.min),
    anyOf: firstDefined(parts.map((part) => part.anyOf)),
    oneOf: firstDefined(parts.map((part) => part.oneOf)),
    not: firstDefined(parts.map((part) => part.not)),
    example: firstDefined(parts.map((part) => part.example)),
    default: firstDefined(parts.map((part) => part.default)),
    readOnly: parts.some((part) => part.readOnly === true) ? true : undefined,
  };
  return merged;
}

// ---------------------------------------------------------------------------------------------
// scalars

function generateString(run: Run, schema: CleanSchema, variant: number, check: (value: unknown) => boolean): string {
  const base = WORDS[Math.floor(run.random() * WORDS.length)] ?? 'example';
  const word = variant === 0 ? base : `${base}${variant + 1}`;
  const candidates: string[] = [];
  const fromFormat = schema.format === undefined ? undefined : formatSample(schema.format, base, variant);
  if (fromFormat !== undefined) candidates.push(fromFormat);
  const fromPattern = schema.pattern === undefined ? undefined : samplePattern(schema.pattern, { minLength: schema.minLength, maxLength: schema.maxLength });
  if (fromPattern !== undefined) candidates.push(variant === 0 ? fromPattern : fromPattern + String(variant));
  if (fromPattern !== undefined) candidates.push(fromPattern);
  candidates.push(word, fitLength(word, schema), ...FALLBACK_STRINGS.map((text) => fitLength(text, schema)));
  if (fromFormat !== undefined) candidates.push(fitLength(fromFormat, schema));
  for (const candidate of candidates) if (check(candidate)) return candidate;
  return fromPattern ?? fromFormat ?? fitLength(word, schema);
}

/** Pads with `x` up to `minLength` and cuts at `maxLength`. */
function fitLength(text: string, schema: CleanSchema): string {
  let out = text;
  if (schema.minLength !== undefined && [...out].length < schema.minLength) out += 'x'.repeat(schema.minLength - [...out].length);
  if (schema.maxLength !== undefined && [...out].length > schema.maxLength) out = [...out].slice(0, schema.maxLength).join('');
  return out;
}

function generateNumber(schema: CleanSchema, integer: boolean, variant: number, check: (value: unknown) => boolean): number {
  const { minimum: lo, maximum: hi, multipleOf: step } = schema;
  const candidates: number[] = [];
  if (step !== undefined) {
    const start = lo ?? (integer ? 1 : 1);
    let k = Math.ceil(start / step) + variant;
    for (let tries = 0; tries < 64; tries += 1, k += 1) candidates.push(roundTo(k * step, step));
  }
  let value = (integer ? 1 : 1.5) + variant;
  if (lo !== undefined && (value < lo || (schema.exclusiveMinimum === true && value <= lo))) {
    value = integer ? Math.floor(lo) + 1 + variant : lo + (hi !== undefined ? Math.min(1, (hi - lo) / 2) : 1) + variant;
    if (!(schema.exclusiveMinimum === true) && integer && Number.isInteger(lo)) value = lo + variant;
  }
  if (hi !== undefined && (value > hi || (schema.exclusiveMaximum === true && value >= hi))) {
    if (integer) value = schema.exclusiveMaximum === true ? Math.ceil(hi) - 1 : Math.floor(hi);
    else value = lo !== undefined ? (lo + hi) / 2 : schema.exclusiveMaximum === true ? hi - 1 : hi;
  }
  candidates.push(value, ...(integer ? [0, 1] : [0, 1, 1.5]));
  if (lo !== undefined) candidates.push(integer ? Math.ceil(lo) : lo);
  if (hi !== undefined) candidates.push(integer ? Math.floor(hi) : hi);
  if (lo !== undefined && hi !== undefined) candidates.push(integer ? Math.round((lo + hi) / 2) : (lo + hi) / 2);
  for (const candidate of candidates) if (check(candidate)) return candidate;
  return value;
}

/** `k * step` without binary noise (0.1 * 3 → 0.3), so multipleOf checks pass. */
function roundTo(value: number, step: number): number {
  const decimals = (String(step).split('.')[1] ?? '').length;
  return Number(value.toFixed(Math.min(decimals, 12)));
}

// ---------------------------------------------------------------------------------------------
// containers

function generateArray(run: Run, schema: CleanSchema, at: At): unknown[] {
  const minItems = schema.minItems ?? 0;
  let count = at.minimal ? minItems : Math.max(minItems, 1);
  if (schema.maxItems !== undefined) count = Math.min(count, schema.maxItems);
  const items = schema.items;
  const out: unknown[] = [];
  const unique = schema.uniqueItems === true;
  if (items !== undefined && isSchemaList(items)) {
    const total = Math.max(count, at.minimal ? 0 : items.length);
    for (let i = 0; i < total && (schema.maxItems === undefined || i < schema.maxItems); i += 1) {
      const itemSchema = items[i] ?? (isRecord(schema.additionalItems) ? schema.additionalItems : {});
      out.push(generate(run, itemSchema, { ...at, depth: at.depth + 1, variant: unique ? i : at.variant }));
    }
    return out;
  }
  const itemSchema = items ?? {};
  for (let i = 0; i < count; i += 1) out.push(generate(run, itemSchema, { ...at, depth: at.depth + 1, variant: unique ? i : at.variant }));
  return out;
}

function isReadOnly(run: Run, schema: CleanSchema): boolean {
  return resolveShallow(run, schema).readOnly === true;
}

function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function generateObject(run: Run, schema: CleanSchema, at: At): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const required = new Set(schema.required ?? []);
  const properties = schema.properties ?? {};
  const child: At = { ...at, depth: at.depth + 1, variant: 0 };
  const additional = isRecord(schema.additionalProperties) ? schema.additionalProperties : undefined;
  let optionalBudget = schema.maxProperties === undefined ? Infinity : Math.max(0, schema.maxProperties - required.size);

  for (const [name, property] of Object.entries(properties)) {
    const isRequired = required.has(name);
    if (!isRequired) {
      if (at.minimal || optionalBudget <= 0) continue;
      if (run.direction === 'request' && isReadOnly(run, property)) continue;
      optionalBudget -= 1;
    }
    setOwn(out, name, generate(run, property, child));
  }
  for (const name of required) {
    if (Object.hasOwn(out, name)) continue;
    const byPattern = Object.entries(schema.patternProperties ?? {}).find(([source]) => new RegExp(source).test(name))?.[1];
    setOwn(out, name, generate(run, byPattern ?? additional ?? {}, child));
  }
  const wantsMore = !at.minimal && additional !== undefined && Object.keys(properties).length === 0 && optionalBudget > 0;
  let extra = 0;
  while ((wantsMore && extra === 0) || (schema.minProperties !== undefined && Object.keys(out).length < schema.minProperties && schema.additionalProperties !== false && extra < 64)) {
    extra += 1;
    const key = `additionalProp${extra}`;
    if (!Object.hasOwn(out, key)) setOwn(out, key, generate(run, additional ?? {}, child));
  }
  return out;
}
