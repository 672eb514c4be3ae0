/**
 * Argument values for every parameter of an operation, for the connector test harness: required
 * parameters always, optional ones too (all are cheap to generate). Path values are non-empty and
 * URL-safe, header values valid header text, `Content-Type`/`Accept` parameters a media type the
 * operation declares, formData files small byte buffers with a file name.
 */
import type { ConnectorDefinition, Operation, Parameter } from '../../connectors/index.ts';
import { createSchemaCleaner } from './clean-schema.ts';
import type { SchemaCleaner } from './clean-schema.ts';
import { createValueGenerator } from './generate-value.ts';
import type { ValueGenerator } from './generate-value.ts';
import { headerText } from './mock-response.ts';
import { conforms } from './schema-check.ts';

/** A formData file argument (the shape the gateway's request builder reads). */
export interface GeneratedFile {
  readonly filename: string;
  readonly contentType: string;
  readonly data: Uint8Array;
}

/** Options of {@link generateArguments}. */
export interface GenerateArgumentsOptions {
  /** Default 1. */
  readonly seed?: number;
  /** Also give optional parameters a value. Default true. */
  readonly includeOptional?: boolean;
}

const SAFE_PATH_VALUE = /^[A-Za-z0-9._~!$&'()*+,;=:@-]+$/;
const PATH_CANDIDATES = ['example', 'sample1', 'a', 'a1', '1', 'abc', 'ABC', '123', '12345678', 'item-1', 'example.json', '2024-05-10', 'A1b2C3', 'urn:example:1', 'user@example.com'];
const FILE_CONTENT = 'Plugboard mock test file.\n';

/** The parameter's own schema keywords (for non-body parameters). */
function parameterSchema(parameter: Parameter): Record<string, unknown> {
  return {
    ...parameter.constraints,
    type: parameter.type,
    format: parameter.format,
    enum: parameter.enum,
    items: parameter.items,
    default: parameter.default,
  };
}

/** Generates arguments for operations of one definition (schemas are cleaned once for all of them). */
export interface ArgumentGenerator {
  generate(operation: Operation): Record<string, unknown>;
}

/** Argument values keyed by parameter name (the body parameter's value is the whole body). */
export function generateArguments(operation: Operation, definition: ConnectorDefinition): Record<string, unknown> {
  return createArgumentGenerator(definition).generate(operation);
}

/** An argument generator for the operations of `definition`. */
export function createArgumentGenerator(definition: ConnectorDefinition, options: GenerateArgumentsOptions = {}): ArgumentGenerator {
  const seed = options.seed ?? 1;
  const includeOptional = options.includeOptional ?? true;
  const generator = createValueGenerator({ definitions: definition.schemaDefinitions, direction: 'request' });
  const cleaner = createSchemaCleaner({ definitions: definition.schemaDefinitions, refPrefix: '#/definitions/', direction: 'request' });
  return { generate: (operation) => argumentsOf(operation, { seed, includeOptional, generator, cleaner }) };
}

interface ArgumentRun {
  readonly seed: number;
  readonly includeOptional: boolean;
  readonly generator: ValueGenerator;
  readonly cleaner: SchemaCleaner;
}

function argumentsOf(operation: Operation, { seed, includeOptional, generator, cleaner }: ArgumentRun): Record<string, unknown> {
  const args: Record<string, unknown> = {};

  operation.parameters.forEach((parameter, index) => {
    if (parameter.in === 'unknown' || Object.hasOwn(args, parameter.name)) return;
    if (!parameter.required && !includeOptional) return;
    const at = { seed: seed + index };
    let value: unknown;
    switch (parameter.in) {
      case 'body':
        value = generator.generate(parameter.schema ?? {}, at);
        break;
      case 'formData':
        value = parameter.type === 'file' ? exampleFile() : generator.generate(parameterSchema(parameter), at);
        break;
      case 'path': {
        const schema = parameterSchema(parameter);
        value = urlSafe(generator.generate(schema, at), (candidate) => conforms(candidate, cleaner.clean(schema), cleaner.resolve));
        break;
      }
      case 'header':
        value = headerArgument(parameter, operation, generator.generate(parameterSchema(parameter), at));
        break;
      case 'query':
        value = generator.generate(parameterSchema(parameter), at);
        break;
    }
    Object.defineProperty(args, parameter.name, { value, enumerable: true, writable: true, configurable: true });
  });
  return args;
}

function exampleFile(): GeneratedFile {
  return { filename: 'example.txt', contentType: 'text/plain', data: new TextEncoder().encode(FILE_CONTENT) };
}

/** Keeps a valid, URL-safe value; otherwise the first safe candidate the schema accepts. */
function urlSafe(value: unknown, accepts: (candidate: unknown) => boolean): unknown {
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? '';
  if (text !== '' && text !== '.' && text !== '..' && SAFE_PATH_VALUE.test(text)) return value;
  for (const candidate of PATH_CANDIDATES) if (accepts(candidate)) return candidate;
  return text === '' || text === '.' || text === '..' ? 'example' : value;
}

/** The media type the operation's request body is sent as: its form kind when it takes form fields. */
function requestMediaType(operation: Operation): string {
  const form = operation.parameters.filter((parameter) => parameter.in === 'formData');
  if (form.length > 0) {
    const multipart = form.some((parameter) => parameter.type === 'file') || operation.consumes.some((type) => type.toLowerCase().startsWith('multipart/'));
    return multipart ? 'multipart/form-data' : 'application/x-www-form-urlencoded';
  }
  return operation.consumes[0] ?? 'application/json';
}

function headerArgument(parameter: Parameter, operation: Operation, generated: unknown): unknown {
  const name = parameter.name.toLowerCase();
  if (parameter.enum === undefined && name === 'content-type') return requestMediaType(operation);
  if (parameter.enum === undefined && name === 'accept') return operation.produces[0] ?? 'application/json';
  if (typeof generated === 'number' || typeof generated === 'boolean') return generated;
  if (Array.isArray(generated)) return generated.map((item) => (typeof item === 'string' ? headerText(item) : item));
  return headerText(generated);
}
