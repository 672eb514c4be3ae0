/**
 * The Request trigger's side of an incoming call: the method and `relativePath` the trigger
 * declares, its JSON schema checked against the body, and the trigger outputs the run starts with
 * (`headers`, `queries`, `body`, `relativePathParameters`). What every callback kind shares (the
 * caller's headers and queries as outputs show them, the 400 of a schema mismatch) lives here too.
 */
import { PlugboardError, UserInputError, escapePointerToken } from '../../core/index.ts';
import type { Issue } from '../../core/index.ts';
import { isRecord } from '../../expressions/index.ts';
import { compileJsonSchema, toProblem } from '../actions/json-schema.ts';
import type { SchemaValidationProblem } from '../actions/json-schema.ts';
import type { WorkflowTrigger } from '../definition/model.ts';
import { hasOperationOption } from '../definition/operation-options.ts';
import { setOwn } from './values.ts';

/** The query members of a callback URL (lower case) that are its signature, not the caller's own queries. */
const CALLBACK_QUERY_MEMBERS: ReadonlySet<string> = new Set(['api-version', 'sp', 'sv', 'sig']);

/** The operation option that keeps `Authorization` in the outputs (Request and webhook triggers, as Logic Apps). */
export const INCLUDE_AUTHORIZATION_OPTION = 'IncludeAuthorizationHeadersInOutputs';

/** At most this many schema problems are listed in a 400 answer (all callback kinds). */
export const MAX_SCHEMA_PROBLEMS = 20;

/** True for a trigger that is started by calling its URL (Request, Power Automate's manual kinds). */
export function isCallableTrigger(trigger: WorkflowTrigger): boolean {
  return trigger.type.toLowerCase() === 'request';
}

/** What the trigger declares about the calls it accepts. */
export interface RequestTriggerSpec {
  /** Upper case; undefined accepts any method. */
  readonly method: string | undefined;
  /** The relative path template without leading slash (`customers/{id}`). */
  readonly relativePath: string | undefined;
  readonly schema: Readonly<Record<string, unknown>> | undefined;
}

/** Reads a Request trigger's inputs. */
export function requestTriggerSpec(trigger: WorkflowTrigger): RequestTriggerSpec {
  const inputs = isRecord(trigger.inputs) ? trigger.inputs : {};
  const method = typeof inputs['method'] === 'string' && inputs['method'] !== '' ? inputs['method'].toUpperCase() : undefined;
  const relativePath = typeof inputs['relativePath'] === 'string' && inputs['relativePath'].replace(/^\/+/, '') !== '' ? inputs['relativePath'].replace(/^\/+/, '') : undefined;
  const schema = isRecord(inputs['schema']) && Object.keys(inputs['schema']).length > 0 ? inputs['schema'] : undefined;
  return { method, relativePath, schema };
}

/** An incoming call of a callback URL. */
export interface IncomingCall {
  readonly method: string;
  /** The path after `/paths/invoke` (no leading slash; `''` when none), still percent-encoded. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly queries: Readonly<Record<string, string>>;
  /** The parsed JSON body, a string, a binary `{ $content-type, $content }`, or undefined. */
  readonly body: unknown;
}

/**
 * A call as it arrives, its body still bytes: the trigger service parses it ({@link callBody}) only
 * once the signature holds, so an unsigned caller cannot make it parse up to the body limit.
 */
export interface CallbackRequest extends Omit<IncomingCall, 'body'> {
  readonly body: Uint8Array | undefined;
}

/** The body as trigger outputs show it: JSON parsed, text as a string, anything else as binary content. */
export function callBody(contentType: string | undefined, raw: Uint8Array | undefined): unknown {
  if (raw === undefined || raw.length === 0) return undefined;
  const bytes = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  const type = (contentType ?? '').toLowerCase();
  if (type.includes('json') || type === '') {
    try {
      return JSON.parse(bytes.toString('utf8'));
    } catch {
      // Without a Content-Type the body may be anything: it is kept as it is below.
      if (type.includes('json')) throw new PlugboardError('the request body is not valid JSON although its Content-Type says so — send valid JSON or another Content-Type', { code: 'RequestBodyInvalid', kind: 'user' });
    }
  }
  if (type.startsWith('text/') || type.includes('x-www-form-urlencoded') || type.includes('xml')) return bytes.toString('utf8');
  return { '$content-type': contentType ?? 'application/octet-stream', $content: bytes.toString('base64') };
}

/** Why a call is refused: the HTTP status and the error. */
export class CallRefusedError extends PlugboardError {
  readonly statusCode: number;
  constructor(statusCode: number, message: string, options: { code: string; details?: Readonly<Record<string, unknown>> }) {
    super(message, { code: options.code, kind: statusCode === 404 ? 'not-found' : statusCode === 401 ? 'unauthorized' : statusCode === 409 ? 'conflict' : 'user', ...(options.details === undefined ? {} : { details: options.details }) });
    this.statusCode = statusCode;
  }
}

/**
 * The trigger outputs of a call, or a {@link CallRefusedError} (400 schema, 404 path, 405 method).
 * `Authorization` is left out unless the trigger's `operationOptions` has
 * `IncludeAuthorizationHeadersInOutputs`; the signature's query members are never shown.
 */
export function requestTriggerOutputs(trigger: WorkflowTrigger, call: IncomingCall): Readonly<Record<string, unknown>> {
  const spec = requestTriggerSpec(trigger);
  if (spec.method !== undefined && call.method.toUpperCase() !== spec.method) {
    throw new CallRefusedError(405, `trigger '${trigger.name}' accepts ${spec.method} requests only (got ${call.method.toUpperCase()}) — send it with ${spec.method}`, { code: 'TriggerMethodNotAllowed' });
  }
  const relativePathParameters = matchRelativePath(trigger, spec.relativePath, call.path);
  if (spec.schema !== undefined) {
    const problems = schemaProblems(trigger, spec.schema, call.body);
    if (problems.length > 0) {
      throw schemaMismatchError({ what: `the request body does not match the schema of trigger '${trigger.name}'`, problems, fix: "fix the body, or change the trigger's schema", code: 'TriggerInputSchemaMismatch' });
    }
  }
  const queries = callerQueries(call.queries);
  return {
    headers: callerHeaders(trigger, call.headers),
    ...(Object.keys(queries).length > 0 ? { queries } : {}),
    ...(call.body === undefined ? {} : { body: call.body }),
    ...(relativePathParameters === undefined ? {} : { relativePathParameters }),
  };
}

function matchRelativePath(trigger: WorkflowTrigger, template: string | undefined, path: string): Record<string, string> | undefined {
  const segments = path === '' ? [] : path.replace(/\/+$/, '').split('/');
  if (template === undefined) {
    if (segments.length > 0) throw new CallRefusedError(404, `trigger '${trigger.name}' declares no relative path, so its URL takes nothing after /paths/invoke`, { code: 'TriggerPathNotFound' });
    return undefined;
  }
  const parts = template.replace(/\/+$/, '').split('/');
  const parameters: Record<string, string> = {};
  const mismatch = () => new CallRefusedError(404, `the path '/${path}' does not match the relative path '/${template}' of trigger '${trigger.name}'`, { code: 'TriggerPathNotFound' });
  if (parts.length !== segments.length) throw mismatch();
  parts.forEach((part, index) => {
    const segment = segments[index] ?? '';
    const name = /^\{([^{}]+)\}$/.exec(part)?.[1];
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      throw mismatch();
    }
    if (name !== undefined) {
      if (decoded === '') throw mismatch();
      parameters[name] = decoded;
    } else if (part.toLowerCase() !== decoded.toLowerCase()) throw mismatch();
  });
  return parameters;
}

function schemaProblems(trigger: WorkflowTrigger, schema: Readonly<Record<string, unknown>>, body: unknown): SchemaValidationProblem[] {
  let validate;
  try {
    validate = compileJsonSchema(schema);
  } catch (error) {
    throw new UserInputError(`the schema of trigger '${trigger.name}' is not a usable JSON schema (${error instanceof Error ? error.message : String(error)}) — fix the flow's definition at ${trigger.pointer}/inputs/schema`, {
      code: 'TriggerSchemaInvalid',
    });
  }
  // A call without a body validates as null (a schema that requires an object refuses it).
  if (validate(body ?? null)) return [];
  return (validate.errors ?? []).slice(0, MAX_SCHEMA_PROBLEMS).map(toProblem);
}

/**
 * The headers of a call as trigger outputs show them: `Authorization` (any case) is left out
 * unless the trigger's `operationOptions` has `IncludeAuthorizationHeadersInOutputs` — the
 * caller's credentials would otherwise sit in run history (Logic Apps does the same).
 */
export function callerHeaders(trigger: Pick<WorkflowTrigger, 'raw'>, headers: Readonly<Record<string, string>>): Record<string, string> {
  const keepAuthorization = hasOperationOption(trigger.raw, INCLUDE_AUTHORIZATION_OPTION);
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!keepAuthorization && name.toLowerCase() === 'authorization') continue;
    setOwn(kept, name, value);
  }
  return kept;
}

/** The caller's own queries: the callback URL's signature members (`api-version`, `sp`, `sv`, `sig`, any case) left out. */
export function callerQueries(queries: Readonly<Record<string, string>>): Record<string, string> {
  const own: Record<string, string> = {};
  for (const [name, value] of Object.entries(queries)) if (!CALLBACK_QUERY_MEMBERS.has(name.toLowerCase())) setOwn(own, name, value);
  return own;
}

/** A 400 refusing a body that breaks a schema: `<what>: <first problem> (and N more; see details.errors) — <fix>`, the problems in `details.errors`. */
export function schemaMismatchError(mismatch: { readonly what: string; readonly problems: readonly SchemaValidationProblem[]; readonly fix: string; readonly code: string }): CallRefusedError {
  const { what, problems, fix, code } = mismatch;
  const first = problems[0];
  const firstText = first === undefined ? '' : `${first.path === '' ? 'the body' : `\`${first.path}\``} ${first.message}`;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more; see details.errors)` : '';
  return new CallRefusedError(400, `${what}: ${firstText}${more} — ${fix}`, { code, details: { errors: problems } });
}

/** Trigger members a Request trigger does not apply yet, and what to do instead. */
const UNSUPPORTED_REQUEST_MEMBERS: readonly { readonly member: string; readonly instead: string }[] = [
  { member: 'splitOn', instead: 'send one call per item, or loop over the array with a Foreach action on triggerBody()' },
  { member: 'conditions', instead: 'refuse bad calls with the trigger\'s schema, or check the call in a Condition action and end the run with Terminate' },
];

/**
 * What a Request trigger declares that calls would silently ignore: `splitOn` and `conditions`
 * (the call path has no evaluator for them yet), refused at save with the member's pointer.
 */
export function requestTriggerIssues(trigger: WorkflowTrigger): Issue[] {
  if (!isCallableTrigger(trigger)) return [];
  const issues: Issue[] = [];
  for (const { member, instead } of UNSUPPORTED_REQUEST_MEMBERS) {
    // The member as written (definitions vary in case; splitOn and conditions are read in any case).
    const key = Object.keys(trigger.raw).find((candidate) => candidate.toLowerCase() === member.toLowerCase());
    if (key === undefined || trigger.raw[key] === undefined || trigger.raw[key] === null) continue;
    issues.push({
      code: 'request-trigger-member-unsupported',
      severity: 'error',
      path: `${trigger.pointer}/${escapePointerToken(key)}`,
      message: `trigger '${trigger.name}': \`${member}\` is not supported on Request triggers yet — remove it and ${instead}`,
    });
  }
  return issues;
}
