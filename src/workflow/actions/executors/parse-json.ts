/**
 * ParseJson: parses `content` (JSON text, a binary JSON body, or a value) and validates it against
 * `schema` with ajv. The schema draft follows `$schema` (draft-04, -06/-07, 2019-09, 2020-12);
 * without one, draft-07 — or draft-04 when the schema uses draft-04's boolean
 * `exclusiveMinimum`/`exclusiveMaximum` (the form Logic Apps' designer-era schemas use).
 * A mismatch fails the action with `ValidationFailed`; its outputs keep the content and list the
 * problems (as Logic Apps' `outputs.errors`).
 */
import type { ValidateFunction } from 'ajv';
import { isRecord } from '../../../expressions/index.ts';
import type { ActionExecutor, ActionInput } from '../contract.ts';
import { ActionError, ActionErrorCode, badInput } from '../errors.ts';
import { describe, evaluateMember, inputsRecord } from '../inputs.ts';
import { wdlParseJson } from '../wdl-text.ts';
import { compileJsonSchema, schemaProblems } from '../json-schema.ts';
import type { SchemaValidationProblem } from '../json-schema.ts';

export type { SchemaValidationProblem };

const MAX_PROBLEMS = 50;

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
    const errors = schemaProblems(validate, MAX_PROBLEMS);
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

function compile(action: ActionInput, schema: Readonly<Record<string, unknown>> | boolean): ValidateFunction {
  try {
    return compileJsonSchema(schema);
  } catch (error) {
    throw invalidSchema(action, error);
  }
}

function invalidSchema(action: ActionInput, error: unknown): ActionError {
  return new ActionError(`action '${action.name}': input \`schema\` is not a usable JSON schema (${error instanceof Error ? error.message : String(error)}) — references must point inside the schema (no remote $ref)`, {
    code: ActionErrorCode.InvalidSchema,
    details: { action: action.name, input: 'schema' },
    cause: error,
  });
}

