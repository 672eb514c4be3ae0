/**
 * ParseJson: parses `content` (JSON text, a binary JSON body, or a value) and validates it against
 * `schema` with ajv. The schema draft follows `$schema` (draft-04, -06/-07, 2019-09, 2020-12);
 * without one, draft-07 — or draft-04 when the schema uses draft-04's boolean
 * `exclusiveMinimum`/`exclusiveMaximum` (the form Logic Apps' designer-era schemas use).
 * A mismatch fails the action with `ValidationFailed`; its outputs keep the content and list the
 * problems (as Logic Apps' `outputs.errors`).
 */
import ajvModule from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import ajv2019Module from 'ajv/dist/2019.js';
import ajv2020Module from 'ajv/dist/2020.js';
import ajvDraft04Module from 'ajv-draft-04';
import formatsModule from 'ajv-formats';
import { isRecord } from '../../../expressions/index.ts';
import type { ActionExecutor, ActionInput } from '../contract.ts';
import { ActionError, ActionErrorCode, badInput } from '../errors.ts';
import { describe, evaluateMember, inputsRecord } from '../inputs.ts';
import { wdlParseJson } from '../wdl-text.ts';

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

const MAX_PROBLEMS = 50;
const MAX_CACHED = 500;

/** `ParseJson` — `{ content, schema }` → `outputs.body` = the parsed content. */
export const parseJsonExecutor: ActionExecutor = {
  type: 'parsejson',
  async execute(action, context) {
    const raw = inputsRecord(action, { value: action.inputs, expected: '`content` and `schema`' });
    const content = evaluateMember(context, { record: raw, name: 'content' });
    const schema = evaluateMember(context, { record: raw, name: 'schema' });
    const inputs = { content, schema };
    if (!isRecord(schema) && typeof schema !== 'boolean') throw badInput({ action: action.name, input: 'schema' }, `must be a JSON schema object (got ${describe(schema)}) — paste one, or generate it from a sample payload`);
    const body = parseContent(action, content);
    const validate = compile(action, schema);
    if (validate(body)) return { status: 'Succeeded', inputs, outputs: { body } };
    const errors = (validate.errors ?? []).slice(0, MAX_PROBLEMS).map(toProblem);
    const first = errors[0];
    const more = (validate.errors?.length ?? 0) - 1;
    return {
      status: 'Failed',
      inputs,
      outputs: { body, errors },
      error: {
        code: ActionErrorCode.ValidationFailed,
        message: `The schema validation failed. Action '${action.name}': ${first === undefined ? 'the content does not match the schema' : `${first.path === '' ? 'the content' : `\`${first.path}\``} ${first.message}`}${more > 0 ? ` (and ${more} more; see outputs.errors)` : ''} — fix the content or loosen the schema (e.g. allow null with "type": ["string", "null"])`,
      },
    };
  },
};

function parseContent(action: ActionInput, content: unknown): unknown {
  let text: string | undefined;
  if (typeof content === 'string') text = content;
  else if (isRecord(content) && typeof content['$content'] === 'string' && Object.hasOwn(content, '$content-type')) {
    text = Buffer.from(content['$content'], 'base64').toString('utf8');
  }
  if (text === undefined) return content;
  try {
    return wdlParseJson(text);
  } catch (error) {
    throw new ActionError(`action '${action.name}': input \`content\` is text that is not JSON (${error instanceof Error ? error.message : String(error)}) — pass the JSON text or an object`, {
      code: ActionErrorCode.InvalidJson,
      details: { action: action.name, input: 'content' },
      cause: error,
    });
  }
}

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

function compile(action: ActionInput, schema: Readonly<Record<string, unknown>> | boolean): ValidateFunction {
  let key: string;
  try {
    key = JSON.stringify(schema);
  } catch (error) {
    throw invalidSchema(action, error);
  }
  const cached = compiled.get(key);
  if (cached !== undefined) return cached;
  let validate: ValidateFunction;
  try {
    // A fresh copy: ajv keeps references to the schema it compiled.
    validate = ajvFor(draftOf(schema)).compile(structuredClone(schema));
  } catch (error) {
    throw invalidSchema(action, error);
  }
  if (compiled.size >= MAX_CACHED) {
    const oldest = compiled.keys().next();
    if (oldest.done !== true) compiled.delete(oldest.value);
  }
  compiled.set(key, validate);
  return validate;
}

function invalidSchema(action: ActionInput, error: unknown): ActionError {
  return new ActionError(`action '${action.name}': input \`schema\` is not a usable JSON schema (${error instanceof Error ? error.message : String(error)}) — references must point inside the schema (no remote $ref)`, {
    code: ActionErrorCode.InvalidSchema,
    details: { action: action.name, input: 'schema' },
    cause: error,
  });
}

function toProblem(error: ErrorObject): SchemaValidationProblem {
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
