/**
 * ajv (draft-04) validation of request bodies and response bodies against a definition's schemas.
 * Schemas are cleaned first (see clean-schema.ts); the document's `definitions` are added once as
 * a shared schema so every `$ref` resolves without recompiling them per operation, and compiled
 * validators are cached per schema object.
 */
import ajvDraft04 from 'ajv-draft-04';
import type { ErrorObject, ValidateFunction } from 'ajv-draft-04';
import { createSchemaCleaner } from './clean-schema.ts';
import type { SchemaCleaner, SchemaDirection } from './clean-schema.ts';
import { CHECKED_FORMATS } from './formats.ts';

/** One thing wrong with a value: where (`body.items[0].name`) and what. */
export interface SchemaProblem {
  readonly where: string;
  readonly message: string;
}

/** The outcome of one check. `compileError` is set when the schema could not be compiled (the value was then not checked). */
export interface SchemaCheck {
  readonly problems: readonly SchemaProblem[];
  readonly compileError?: string;
}

/** Validates values against schemas of one definition. */
export interface SchemaValidator {
  /** Checks `value` against `schema` (a raw schema of the definition); `where` prefixes problem locations (e.g. `body`). */
  check(input: SchemaCheckInput): SchemaCheck;
}

/** What {@link SchemaValidator.check} checks. */
export interface SchemaCheckInput {
  readonly schema: unknown;
  readonly value: unknown;
  readonly direction: SchemaDirection;
  /** Prefix of problem locations, e.g. `body`. */
  readonly where: string;
}

const Ajv04 = ajvDraft04.default;
const DEFINITIONS_ID = 'https://plugboard.invalid/mock/definitions.json';
const MAX_PROBLEMS = 20;

interface DirectionState {
  readonly cleaner: SchemaCleaner;
  readonly ajv: InstanceType<typeof Ajv04>;
  readonly compiled: WeakMap<object, ValidateFunction | string>;
  definitionsAdded: boolean;
}

/** Creates a validator for the schemas of one definition (`ConnectorDefinition.schemaDefinitions`). */
export function createSchemaValidator(definitions: Readonly<Record<string, unknown>>): SchemaValidator {
  const states = new Map<SchemaDirection, DirectionState>();

  function stateFor(direction: SchemaDirection): DirectionState {
    let state = states.get(direction);
    if (state === undefined) {
      const ajv = new Ajv04({
        strict: false,
        logger: false,
        allErrors: direction === 'request',
        validateSchema: false,
        addUsedSchema: false,
        unicodeRegExp: false,
        formats: CHECKED_FORMATS,
        inlineRefs: false,
        code: { optimize: false },
      });
      state = { cleaner: createSchemaCleaner({ definitions, refPrefix: `${DEFINITIONS_ID}#/definitions/`, direction, annotations: false }), ajv, compiled: new WeakMap(), definitionsAdded: false };
      states.set(direction, state);
    }
    return state;
  }

  function compile(state: DirectionState, schema: object): ValidateFunction | string {
    const cached = state.compiled.get(schema);
    if (cached !== undefined) return cached;
    let result: ValidateFunction | string;
    try {
      if (!state.definitionsAdded) {
        state.ajv.addSchema({ id: DEFINITIONS_ID, definitions: state.cleaner.cleanDefinitions() });
        state.definitionsAdded = true;
      }
      result = state.ajv.compile(state.cleaner.clean(schema));
    } catch (error) {
      result = error instanceof Error ? error.message : String(error);
    }
    state.compiled.set(schema, result);
    return result;
  }

  return {
    check({ schema, value, direction, where }) {
      if (typeof schema !== 'object' || schema === null) return { problems: [] };
      const validate = compile(stateFor(direction), schema);
      if (typeof validate === 'string') return { problems: [], compileError: validate };
      if (validate(value)) return { problems: [] };
      return { problems: (validate.errors ?? []).slice(0, MAX_PROBLEMS).map((error) => toProblem(error, where)) };
    },
  };
}

/** `/items/0/name` → `items[0].name`, appended to `root`. */
function joinLocation(root: string, instancePath: string): string {
  let out = root;
  for (const raw of instancePath.split('/').slice(1)) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(token) ? `[${token}]` : out === '' ? token : `.${token}`;
  }
  return out;
}

function toProblem(error: ErrorObject, root: string): SchemaProblem {
  const where = joinLocation(root, error.instancePath);
  const params: Readonly<Record<string, unknown>> = error.params;
  switch (error.keyword) {
    case 'required': {
      const missing = String(params['missingProperty'] ?? '');
      return { where: joinLocation(where, `/${missing}`), message: `required property \`${missing}\` is missing — add it` };
    }
    case 'additionalProperties': {
      const extra = String(params['additionalProperty'] ?? '');
      return { where: joinLocation(where, `/${extra}`), message: `property \`${extra}\` is not allowed here — the schema declares no such property and forbids others` };
    }
    case 'enum': {
      const allowed = Array.isArray(params['allowedValues']) ? params['allowedValues'].map((v) => JSON.stringify(v)).join(', ') : '';
      return { where, message: `must be one of ${allowed}` };
    }
    default:
      return { where, message: error.message ?? `fails \`${error.keyword}\`` };
  }
}
