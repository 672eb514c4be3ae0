/**
 * JSON Schema validation shared by ParseJson and the Request trigger: ajv per draft (the draft
 * follows `$schema`; without one draft-07, or draft-04 when the schema uses draft-04's boolean
 * `exclusiveMinimum`/`exclusiveMaximum`), compiled schemas cached by their JSON text, and ajv's
 * errors turned into Logic Apps' problem shape.
 */
import ajvModule from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import ajv2019Module from 'ajv/dist/2019.js';
import ajv2020Module from 'ajv/dist/2020.js';
import ajvDraft04Module from 'ajv-draft-04';
import formatsModule from 'ajv-formats';
import { isRecord } from '../../expressions/index.ts';

type Draft = 'draft-04' | 'draft-07' | '2019-09' | '2020-12';

/** One schema problem, in the shape of Logic Apps' ParseJson `errors`. */
export interface SchemaValidationProblem {
  /** Where in the content: `Member.Email`, `items[0].id` (`''` = the whole content). */
  readonly path: string;
  readonly message: string;
  /** The schema keyword that failed (`type`, `required`, …). */
  readonly errorType: string;
  /** JSON pointer of the failing keyword in the schema. */
  readonly schemaId: string;
}

const MAX_CACHED = 500;

type AjvInstance = { compile(schema: object | boolean): ValidateFunction };
const instances = new Map<Draft, AjvInstance>();
const compiled = new Map<string, ValidateFunction>();

function ajvFor(draft: Draft): AjvInstance {
  const existing = instances.get(draft);
  if (existing !== undefined) return existing;
  const options = { strict: false, allErrors: true, logger: false, validateSchema: false, addUsedSchema: false, unicodeRegExp: false } as const;
  const made =
    draft === 'draft-04'
      ? new ajvDraft04Module.default(options)
      : draft === '2019-09'
        ? new ajv2019Module.default(options)
        : draft === '2020-12'
          ? new ajv2020Module.default(options)
          : new ajvModule.default(options);
  formatsModule.default(made);
  instances.set(draft, made);
  return made;
}

function draftOf(schema: Readonly<Record<string, unknown>> | boolean): Draft {
  if (typeof schema === 'boolean') return 'draft-07';
  const declared = schema['$schema'];
  if (typeof declared === 'string') {
    if (/draft-0[34]/.test(declared)) return 'draft-04';
    if (declared.includes('2019-09')) return '2019-09';
    if (declared.includes('2020-12')) return '2020-12';
    return 'draft-07';
  }
  return usesDraft04Exclusives(schema, 0) ? 'draft-04' : 'draft-07';
}

function usesDraft04Exclusives(value: unknown, depth: number): boolean {
  if (depth > 64) return false;
  if (Array.isArray(value)) return value.some((item) => usesDraft04Exclusives(item, depth + 1));
  if (!isRecord(value)) return false;
  if (typeof value['exclusiveMinimum'] === 'boolean' || typeof value['exclusiveMaximum'] === 'boolean') return true;
  return Object.keys(value).some((key) => usesDraft04Exclusives(value[key], depth + 1));
}

/**
 * Compiles (or finds cached) a validator; throws ajv's error for an unusable schema. The validator
 * accepts the WDL JSON parser's bigints (integers beyond 2^53): ajv's `integer`/`number` checks
 * refuse bigint, so it validates a copy with each bigint as the nearest number (the caller's value
 * keeps the exact one). `errors` is ajv's, set after each call.
 */
export function compileJsonSchema(schema: Readonly<Record<string, unknown>> | boolean): ValidateFunction {
  const key = JSON.stringify(schema);
  const cached = compiled.get(key);
  if (cached !== undefined) return cached;
  // A fresh copy: ajv keeps references to the schema it compiled.
  const validate = acceptingBigints(ajvFor(draftOf(schema)).compile(structuredClone(schema)));
  if (compiled.size >= MAX_CACHED) {
    const oldest = compiled.keys().next();
    if (oldest.done !== true) compiled.delete(oldest.value);
  }
  compiled.set(key, validate);
  return validate;
}

/** `validate` with bigints in the data validated as numbers; same `errors`, `schema` and `schemaEnv`. */
function acceptingBigints(validate: ValidateFunction): ValidateFunction {
  const check = (data: unknown): data is unknown => {
    const valid = validate(withoutBigints(data, 0));
    wrapper.errors = validate.errors;
    return valid;
  };
  const wrapper: ValidateFunction = Object.assign(check, { errors: null, schema: validate.schema, schemaEnv: validate.schemaEnv });
  return wrapper;
}

/** `value` with each bigint as a number; unchanged parts are shared, so data without bigints is not copied. */
function withoutBigints(value: unknown, depth: number): unknown {
  if (typeof value === 'bigint') return Number(value);
  // Deeper than any parsed JSON gets (the parser bounds nesting); left as is rather than recursing on.
  if (depth > 512 || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item: unknown, index) => {
      const changed = withoutBigints(item, depth + 1);
      if (changed !== item) (copy ??= [...value])[index] = changed;
    });
    return copy ?? value;
  }
  if (!isRecord(value)) return value;
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const item = value[key];
    const changed = withoutBigints(item, depth + 1);
    if (changed !== item) Object.defineProperty((copy ??= { ...value }), key, { value: changed, enumerable: true, writable: true, configurable: true });
  }
  return copy ?? value;
}

/** The first `max` problems of a validator's last failed call, as Logic Apps schema problems. */
export function schemaProblems(validate: ValidateFunction, max: number): SchemaValidationProblem[] {
  return (validate.errors ?? []).slice(0, max).map(toProblem);
}

/** An ajv error as a Logic Apps schema problem. */
export function toProblem(error: ErrorObject): SchemaValidationProblem {
  const params: Readonly<Record<string, unknown>> = error.params;
  let path = dotPath(error.instancePath);
  let message = error.message ?? `fails \`${error.keyword}\``;
  if (error.keyword === 'required' && typeof params['missingProperty'] === 'string') {
    path = dotPath(`${error.instancePath}/${params['missingProperty'].replaceAll('~', '~0').replaceAll('/', '~1')}`);
    message = 'is required but missing';
  } else if (error.keyword === 'additionalProperties' && typeof params['additionalProperty'] === 'string') {
    path = dotPath(`${error.instancePath}/${params['additionalProperty'].replaceAll('~', '~0').replaceAll('/', '~1')}`);
    message = 'is not allowed by the schema (additionalProperties is false)';
  }
  return { path, message, errorType: error.keyword, schemaId: error.schemaPath };
}

/** `/items/0/name` → `items[0].name` (Json.NET's path style, which Logic Apps shows). */
function dotPath(instancePath: string): string {
  let out = '';
  for (const raw of instancePath.split('/').slice(1)) {
    const token = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    out += /^\d+$/.test(token) ? `[${token}]` : out === '' ? token : `.${token}`;
  }
  return out;
}
