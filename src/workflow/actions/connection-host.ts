/**
 * Which connection reference an ApiConnection's `host` names. Logic Apps writes
 * `host.connection.name` as `@parameters('$connections')['office365']['connectionId']`; the key
 * (`office365`) is read from the expression itself, so the flow's connection references resolve it
 * even when the `$connections` parameter has no such entry. Standard writes
 * `host.connection.referenceName`. Any other `name` is evaluated and its value is the reference
 * (a reference key, or the connection id a `$connections` entry holds).
 */
import { isRecord, parseTemplate } from '../../expressions/index.ts';
import type { Expression } from '../../expressions/index.ts';
import type { ActionContext, ActionInput } from './contract.ts';
import { badInput } from './errors.ts';
import { describe, memberOf } from './inputs.ts';
import { withPathPrefix } from './value-evaluator.ts';

/** The Logic Apps parameter whose entries are the connections of a workflow. */
const CONNECTIONS_PARAMETER = '$connections';

/** What run history shows as the evaluated host, and the reference to resolve. */
export interface HostConnection {
  readonly reference: string;
  /** `{ connection: { referenceName } }` or `{ connection: { name } }` with the evaluated name. */
  readonly recorded: Readonly<Record<string, unknown>>;
}

/** The connection reference of an ApiConnection action (raw `host`, not yet evaluated). */
export function apiConnectionHost(action: ActionInput, call: { readonly host: unknown; readonly context: ActionContext }): HostConnection {
  const { host, context } = call;
  const expected = 'with `connection: { "name": "@parameters(\'$connections\')[\'<key>\'][\'connectionId\']" }` (or `referenceName` in Standard workflows)';
  if (!isRecord(host)) throw badInput({ action: action.name, input: 'host' }, `must be an object ${expected} (got ${describe(host)})`);
  const connection = memberOf(host, 'connection');
  if (!isRecord(connection)) throw badInput({ action: action.name, input: 'host.connection' }, `must be an object ${expected} (got ${describe(connection)})`);

  const referenceName = evaluated(context, { value: memberOf(connection, 'referenceName'), path: ['host', 'connection', 'referenceName'] });
  if (referenceName !== undefined && referenceName !== null) {
    if (typeof referenceName !== 'string' || referenceName === '') throw badInput({ action: action.name, input: 'host.connection.referenceName' }, `must be the key of a connection reference (got ${describe(referenceName)})`);
    return { reference: referenceName, recorded: { connection: { referenceName } } };
  }
  const rawName = memberOf(connection, 'name');
  const key = typeof rawName === 'string' ? connectionsKeyOf(rawName) : undefined;
  if (key !== undefined) return { reference: key, recorded: { connection: { referenceName: key } } };
  const name = evaluated(context, { value: rawName, path: ['host', 'connection', 'name'] });
  if (typeof name !== 'string' || name === '') throw badInput({ action: action.name, input: 'host.connection.name' }, `must give the connection — write "@parameters('$connections')['<key>']['connectionId']" with a key of the flow's connection references (got ${describe(name)})`);
  return { reference: name, recorded: { connection: { name } } };
}

function evaluated(context: ActionContext, member: { readonly value: unknown; readonly path: readonly string[] }): unknown {
  if (member.value === undefined) return undefined;
  try {
    return context.evaluate(member.value);
  } catch (error) {
    throw withPathPrefix(error, [...member.path]);
  }
}

/**
 * The key in `@parameters('$connections')['<key>']…` (index or member access, `?` or not), or
 * undefined for any other text — including text that does not parse: evaluating it then reports the
 * syntax error with its position.
 */
export function connectionsKeyOf(text: string): string | undefined {
  if (!text.startsWith('@') || text.startsWith('@@') || text.startsWith('@{')) return undefined;
  let expression: Expression;
  try {
    const template = parseTemplate(text, { syntax: 'wdl' });
    if (template.kind !== 'expression') return undefined;
    expression = template.expression;
  } catch {
    return undefined;
  }
  // Walk down the access chain; the access applied right on parameters('$connections') is the key.
  let key: string | undefined;
  let current: Expression = expression;
  for (;;) {
    if (current.kind === 'index') {
      key = current.index.kind === 'string' ? current.index.value : undefined;
      current = current.object;
    } else if (current.kind === 'member') {
      key = current.property;
      current = current.object;
    } else break;
  }
  const isConnections = current.kind === 'call' && current.lowerName === 'parameters' && current.args.length === 1 && current.args[0]?.kind === 'string' && current.args[0].value === CONNECTIONS_PARAMETER;
  return isConnections && key !== undefined && key !== '' ? key : undefined;
}
