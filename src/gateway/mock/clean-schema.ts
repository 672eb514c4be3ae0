/**
 * Swagger 2.0 schemas as published are not valid draft-04: `type: file`, `required: true` on a
 * property, `nullable`, patterns JavaScript cannot compile, `$ref`s with siblings, `x-ms-*` keys.
 * The cleaner reduces a schema to the draft-04 subset that both ajv and the value generator read,
 * so both agree on what a schema allows. Annotations the generator needs (`default`, `example`,
 * `readOnly`) are kept; ajv ignores them.
 */
import { asCount, asNumber, asRecord, isRecord } from './json.ts';

/** A JSON Schema primitive type. */
export type JsonType = 'null' | 'boolean' | 'integer' | 'number' | 'string' | 'array' | 'object';

const JSON_TYPES: ReadonlySet<string> = new Set(['null', 'boolean', 'integer', 'number', 'string', 'array', 'object']);

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A schema in the draft-04 subset the mock understands; `type` is always a list. */
export interface CleanSchema {
  readonly $ref?: string;
  readonly type?: readonly JsonType[];
  readonly format?: string;
  readonly enum?: readonly unknown[];
  readonly minimum?: number;
  readonly exclusiveMinimum?: boolean;
  readonly maximum?: number;
  readonly exclusiveMaximum?: boolean;
  readonly multipleOf?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly items?: CleanSchema | readonly CleanSchema[];
  readonly additionalItems?: boolean | CleanSchema;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly uniqueItems?: boolean;
  readonly properties?: Readonly<Record<string, CleanSchema>>;
  readonly patternProperties?: Readonly<Record<string, CleanSchema>>;
  readonly additionalProperties?: boolean | CleanSchema;
  readonly required?: readonly string[];
  readonly minProperties?: number;
  readonly maxProperties?: number;
  readonly allOf?: readonly CleanSchema[];
  readonly anyOf?: readonly CleanSchema[];
  readonly oneOf?: readonly CleanSchema[];
  readonly not?: CleanSchema;
  /** Annotation: the schema's `default`. */
  readonly default?: unknown;
  /** Annotation: `example`, else `x-example`. */
  readonly example?: unknown;
  /** Annotation: `readOnly: true`. */
  readonly readOnly?: boolean;
}

/**
 * Which side of a call the schema checks. A `readOnly` property is written by the server only, so
 * on the request side it is never required (Swagger 2.0 §Schema Object `readOnly`).
 */
export type SchemaDirection = 'request' | 'response';

/** Options of {@link createSchemaCleaner}. */
export interface SchemaCleanerOptions {
  /** The document's `definitions` (`ConnectorDefinition.schemaDefinitions`). */
  readonly definitions: Readonly<Record<string, unknown>>;
  /** What a `#/definitions/` reference becomes; `#/definitions/` for in-process use, an absolute id for ajv. */
  readonly refPrefix: string;
  readonly direction: SchemaDirection;
  /**
   * Keep `default`, `example` and `readOnly` (for the generator). Default true. ajv gets schemas
   * without them: it walks unknown keywords looking for `id`s, and examples may hold `"id"` keys.
   */
  readonly annotations?: boolean;
}

/** Cleans raw schemas (cached per raw object) and resolves the references of cleaned ones. */
export interface SchemaCleaner {
  clean(raw: unknown): CleanSchema;
  /** The cleaned target of a `$ref` this cleaner produced; undefined when it resolves nowhere. */
  resolve(ref: string): CleanSchema | undefined;
  /** Every definition, cleaned (for ajv's shared definitions document). */
  cleanDefinitions(): Readonly<Record<string, CleanSchema>>;
}

/** True when `items` is a tuple (a list of schemas) rather than one schema for every item. */
export function isSchemaList(items: CleanSchema | readonly CleanSchema[]): items is readonly CleanSchema[] {
  return Array.isArray(items);
}

const DEFINITIONS_PREFIX = '#/definitions/';
const MAX_NESTING = 128;

/** The pointer tokens after `#/definitions/` of a local reference, or undefined for any other reference. */
function definitionTokens(ref: string, prefix: string = DEFINITIONS_PREFIX): string[] | undefined {
  if (!ref.startsWith(prefix)) return undefined;
  const rest = ref.slice(prefix.length);
  if (rest === '') return undefined;
  return rest.split('/').map((token) => {
    let decoded = token;
    try {
      decoded = decodeURIComponent(token);
    } catch {
      // A lone `%` in a definition name: the token is meant literally.
      decoded = token;
    }
    return decoded.replace(/~1/g, '/').replace(/~0/g, '~');
  });
}

function encodeTokens(tokens: readonly string[]): string {
  return tokens.map((token) => encodeURIComponent(token.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/');
}

function lookup(definitions: Readonly<Record<string, unknown>>, tokens: readonly string[]): unknown {
  let current: unknown = definitions;
  for (const token of tokens) {
    if (Array.isArray(current)) current = current[Number(token)];
    else if (isRecord(current) && Object.hasOwn(current, token)) current = current[token];
    else return undefined;
  }
  return current;
}

/** True when JavaScript (without the `u` flag, as ajv is configured) can compile the pattern. */
function compilesAsPattern(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

/** Creates a cleaner for one definition, one reference style and one direction. */
export function createSchemaCleaner(options: SchemaCleanerOptions): SchemaCleaner {
  const cache = new WeakMap<object, CleanSchema>();
  const resolved = new Map<string, CleanSchema | undefined>();
  const { definitions, refPrefix, direction } = options;
  const annotations = options.annotations ?? true;

  function cleanRef(ref: string): CleanSchema {
    const tokens = definitionTokens(ref);
    if (tokens === undefined || !isRecord(lookup(definitions, tokens))) return {};
    return { $ref: `${refPrefix}${encodeTokens(tokens)}` };
  }

  function cleanList(value: unknown, depth: number): CleanSchema[] | undefined {
    if (!Array.isArray(value)) return undefined;
    const out = value.filter(isRecord).map((entry) => cleanAt(entry, depth + 1));
    return out.length > 0 ? out : undefined;
  }

  function cleanMap(value: unknown, depth: number, keyFilter: (key: string) => boolean): Record<string, CleanSchema> | undefined {
    const record = asRecord(value);
    if (record === undefined) return undefined;
    return Object.fromEntries(
      Object.entries(record)
        .filter(([key]) => keyFilter(key))
        .map(([key, entry]) => [key, cleanAt(entry, depth + 1)]),
    );
  }

  function cleanType(raw: Readonly<Record<string, unknown>>): { type?: JsonType[]; binary: boolean } {
    const declared = raw['type'];
    const names = typeof declared === 'string' ? [declared] : Array.isArray(declared) ? declared.filter((t): t is string => typeof t === 'string') : [];
    const binary = names.includes('file');
    const types = names.filter((name): name is JsonType => JSON_TYPES.has(name));
    if (types.length === 0) return { binary };
    if ((raw['nullable'] === true || raw['x-nullable'] === true) && !types.includes('null')) types.push('null');
    return { type: types, binary };
  }

  function cleanRequired(raw: Readonly<Record<string, unknown>>, properties: Readonly<Record<string, unknown>> | undefined): string[] | undefined {
    const list = raw['required'];
    if (!Array.isArray(list)) return undefined;
    const names = [...new Set(list.filter((name): name is string => typeof name === 'string'))].filter((name) => {
      if (direction !== 'request') return true;
      const property = properties === undefined ? undefined : asRecord(properties[name]);
      return property?.['readOnly'] !== true;
    });
    return names.length > 0 ? names : undefined;
  }

  function cleanAt(value: unknown, depth: number): CleanSchema {
    const raw = asRecord(value);
    if (raw === undefined || depth > MAX_NESTING) return {};
    const cached = cache.get(raw);
    if (cached !== undefined) return cached;
    let out: CleanSchema;
    // draft-04: a $ref replaces its siblings.
    if (typeof raw['$ref'] === 'string') out = cleanRef(raw['$ref']);
    else out = cleanObject(raw, depth);
    cache.set(raw, out);
    return out;
  }

  function cleanObject(raw: Readonly<Record<string, unknown>>, depth: number): CleanSchema {
    const { type, binary } = cleanType(raw);
    const format = typeof raw['format'] === 'string' && raw['format'] !== '' ? raw['format'] : binary ? 'binary' : undefined;
    let enumValues = cleanEnum(raw['enum'], type);
    if (enumValues !== undefined && type?.includes('null') === true && !enumValues.includes(null)) enumValues = [...enumValues, null];

    let minimum = asNumber(raw['minimum']);
    let maximum = asNumber(raw['maximum']);
    let exclusiveMinimum: boolean | undefined;
    let exclusiveMaximum: boolean | undefined;
    const exMin = raw['exclusiveMinimum'];
    const exMax = raw['exclusiveMaximum'];
    if (typeof exMin === 'boolean' && minimum !== undefined) exclusiveMinimum = exMin;
    else if (typeof exMin === 'number' && Number.isFinite(exMin) && (minimum === undefined || exMin >= minimum)) {
      minimum = exMin;
      exclusiveMinimum = true;
    }
    if (typeof exMax === 'boolean' && maximum !== undefined) exclusiveMaximum = exMax;
    else if (typeof exMax === 'number' && Number.isFinite(exMax) && (maximum === undefined || exMax <= maximum)) {
      maximum = exMax;
      exclusiveMaximum = true;
    }
    const multipleOf = asNumber(raw['multipleOf']);
    const pattern = typeof raw['pattern'] === 'string' && compilesAsPattern(raw['pattern']) ? raw['pattern'] : undefined;

    const rawItems = raw['items'];
    const items = isRecord(rawItems) ? cleanAt(rawItems, depth + 1) : cleanList(rawItems, depth);
    const rawAdditionalItems = raw['additionalItems'];
    const additionalItems = typeof rawAdditionalItems === 'boolean' ? rawAdditionalItems : isRecord(rawAdditionalItems) ? cleanAt(rawAdditionalItems, depth + 1) : undefined;

    const rawProperties = asRecord(raw['properties']);
    const properties = cleanMap(rawProperties, depth, () => true);
    const patternProperties = cleanMap(raw['patternProperties'], depth, compilesAsPattern);
    const rawAdditional = raw['additionalProperties'];
    const additionalProperties = typeof rawAdditional === 'boolean' ? rawAdditional : isRecord(rawAdditional) ? cleanAt(rawAdditional, depth + 1) : undefined;

    const example = raw['example'] !== undefined ? raw['example'] : raw['x-example'];
    // Built key by key (no undefined values), so ajv and JSON output never see `"minimum": undefined`.
    const out: Mutable<CleanSchema> = {};
    if (type !== undefined) out.type = type;
    if (format !== undefined) out.format = format;
    if (enumValues !== undefined) out.enum = enumValues;
    if (minimum !== undefined) out.minimum = minimum;
    if (exclusiveMinimum !== undefined) out.exclusiveMinimum = exclusiveMinimum;
    if (maximum !== undefined) out.maximum = maximum;
    if (exclusiveMaximum !== undefined) out.exclusiveMaximum = exclusiveMaximum;
    if (multipleOf !== undefined && multipleOf > 0) out.multipleOf = multipleOf;
    const minLength = asCount(raw['minLength']);
    if (minLength !== undefined) out.minLength = minLength;
    const maxLength = asCount(raw['maxLength']);
    if (maxLength !== undefined) out.maxLength = maxLength;
    if (pattern !== undefined) out.pattern = pattern;
    if (items !== undefined) out.items = items;
    if (additionalItems !== undefined) out.additionalItems = additionalItems;
    const minItems = asCount(raw['minItems']);
    if (minItems !== undefined) out.minItems = minItems;
    const maxItems = asCount(raw['maxItems']);
    if (maxItems !== undefined) out.maxItems = maxItems;
    if (typeof raw['uniqueItems'] === 'boolean') out.uniqueItems = raw['uniqueItems'];
    if (properties !== undefined) out.properties = properties;
    if (patternProperties !== undefined) out.patternProperties = patternProperties;
    if (additionalProperties !== undefined) out.additionalProperties = additionalProperties;
    const required = cleanRequired(raw, rawProperties);
    if (required !== undefined) out.required = required;
    const minProperties = asCount(raw['minProperties']);
    if (minProperties !== undefined) out.minProperties = minProperties;
    const maxProperties = asCount(raw['maxProperties']);
    if (maxProperties !== undefined) out.maxProperties = maxProperties;
    const allOf = cleanList(raw['allOf'], depth);
    if (allOf !== undefined) out.allOf = allOf;
    const anyOf = cleanList(raw['anyOf'], depth);
    if (anyOf !== undefined) out.anyOf = anyOf;
    const oneOf = cleanList(raw['oneOf'], depth);
    if (oneOf !== undefined) out.oneOf = oneOf;
    if (isRecord(raw['not'])) out.not = cleanAt(raw['not'], depth + 1);
    if (annotations) {
      if (raw['default'] !== undefined) out.default = raw['default'];
      if (example !== undefined) out.example = example;
      if (raw['readOnly'] === true) out.readOnly = true;
    }
    return out;
  }

  return {
    clean: (raw) => cleanAt(raw, 0),
    resolve(ref) {
      if (resolved.has(ref)) return resolved.get(ref);
      const tokens = definitionTokens(ref, refPrefix);
      const target = tokens === undefined ? undefined : lookup(definitions, tokens);
      const result = isRecord(target) ? cleanAt(target, 0) : undefined;
      resolved.set(ref, result);
      return result;
    },
    cleanDefinitions: () => Object.fromEntries(Object.entries(definitions).map(([name, raw]) => [name, cleanAt(raw, 0)])),
  };
}

/** A workflow expression (`@{addDays(utcnow(), 29)}`): its value is only known when the flow runs. */
function isExpression(value: unknown): boolean {
  return typeof value === 'string' && /^@[{A-Za-z]/.test(value) && /[({]/.test(value);
}

/**
 * The enum, with string values of a number or boolean type read as that type (published
 * definitions write `"type": "integer", "enum": ["0", "1"]` and mean 0 and 1). An enum holding a
 * workflow expression is dropped: the platform evaluates it, so the backend sees a computed value.
 */
function cleanEnum(value: unknown, type: readonly JsonType[] | undefined): unknown[] | undefined {
  if (!Array.isArray(value) || value.length === 0 || value.some(isExpression)) return undefined;
  if (type === undefined || type.includes('string')) return [...value];
  return value.map((entry) => {
    if (typeof entry !== 'string') return entry;
    const text = entry.trim();
    if (type.includes('boolean') && /^(true|false)$/i.test(text)) return text.toLowerCase() === 'true';
    if (type.includes('integer') && /^[-+]?\d+$/.test(text)) return Number(text);
    if (type.includes('number') && text !== '' && Number.isFinite(Number(text))) return Number(text);
    return entry;
  });
}

