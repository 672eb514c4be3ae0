/**
 * A flow's connection references → Plugboard connections. Entries come in three shapes:
 *
 * - Plugboard's own: `{ "connection": "<connection id>", "connector": "office365" }`;
 * - the Logic Apps `$connections` parameter value: `{ "connectionId": "/subscriptions/…/connections/office365",
 *   "connectionName": "office365", "id": "/subscriptions/…/managedApis/office365" }`;
 * - Power Automate's `connectionReferences`: `{ "connectionName": "shared-office365-…", "source": "Embedded",
 *   "id": "/providers/Microsoft.PowerApps/apis/shared_office365" }`.
 *
 * The connection id is `connection`, else the last segment of `connectionId` (an ARM resource id
 * ends with the connection's name), else `connectionName`, else `connection.id`/`connection.name`.
 * The connector is `connector`, else the last segment of `id`/`apiId`/`api.id`/`api.name`/`apiName`
 * without Power Automate's `shared_` prefix (`shared_office365` → `office365`). Solution-aware
 * references (`connection.connectionReferenceLogicalName`) name a Dataverse record, not a
 * connection, and are refused with a message saying what to write instead.
 */
import type { Issue } from '../../core/index.ts';
import { escapePointerToken } from '../../core/index.ts';
import { isRecord } from '../../expressions/index.ts';
import { referenceInvalid } from './errors.ts';

/** The Logic Apps parameter whose value maps reference keys to connections. */
const CONNECTIONS_PARAMETER = '$connections';

/** The Plugboard connection a reference names. */
export interface ResolvedConnectionReference {
  readonly connectionId: string;
  /** The catalog name of the connector; raw (ApiConnection) calls need it, operation calls do not. */
  readonly connectorName?: string;
}

/** A flow's references, ready for {@link createConnectorPort}'s `resolveReference`. */
export interface ConnectionReferenceTable {
  /**
   * The connection of `reference`: the entry with that key (exactly, else ignoring case), else the
   * entry whose raw `connectionId` is `reference` (an evaluated `$connections` lookup). Undefined
   * when no entry matches; throws `ConnectionReferenceInvalid` for an entry that names no connection.
   */
  resolve(reference: string): ResolvedConnectionReference | undefined;
  /** The reference keys, in order. */
  readonly names: readonly string[];
  /** One error per entry that names no connection (pointers: `/connectionReferences/<key>`, `/parameters/$connections/<key>`). */
  readonly issues: readonly Issue[];
}

type Entry = { readonly ok: true; readonly value: ResolvedConnectionReference; readonly rawConnectionId?: string } | { readonly ok: false; readonly problem: string; readonly rawConnectionId?: string };

/**
 * Reads the references of a flow: the entries of `parameters.$connections` (Logic Apps), then
 * `connectionReferences` (the flow's own; an entry wins over a `$connections` entry of the same key).
 */
export function resolveConnectionReferences(connectionReferences: Readonly<Record<string, unknown>> | undefined, parameters?: Readonly<Record<string, unknown>>): ConnectionReferenceTable {
  const entries = new Map<string, Entry>();
  // Per key: the issue of the entry in force (a later source's entry replaces an earlier one's).
  const issues = new Map<string, Issue>();
  const sources = [
    { raw: parameters?.[CONNECTIONS_PARAMETER], pointer: `/parameters/${escapePointerToken(CONNECTIONS_PARAMETER)}` },
    { raw: connectionReferences, pointer: '/connectionReferences' },
  ];
  for (const source of sources) {
    if (!isRecord(source.raw)) continue;
    for (const [key, raw] of Object.entries(source.raw)) {
      const entry = entryOf(raw);
      entries.set(key, entry);
      issues.delete(key);
      if (!entry.ok) issues.set(key, { code: 'connection-reference-invalid', severity: 'error', path: `${source.pointer}/${escapePointerToken(key)}`, message: `connection reference '${key}' ${entry.problem}` });
    }
  }
  const names = [...entries.keys()];

  function find(reference: string): [string, Entry] | undefined {
    const exact = entries.get(reference);
    if (exact !== undefined) return [reference, exact];
    const lower = reference.toLowerCase();
    for (const [key, entry] of entries) if (key.toLowerCase() === lower) return [key, entry];
    for (const [key, entry] of entries) if (entry.rawConnectionId === reference) return [key, entry];
    return undefined;
  }

  return {
    names,
    issues: [...issues.values()],
    resolve(reference) {
      const found = find(reference);
      if (found === undefined) return undefined;
      const [key, entry] = found;
      if (!entry.ok) throw referenceInvalid(key, entry.problem);
      return entry.value;
    },
  };
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);
const lastSegment = (value: string): string => value.split('/').filter((segment) => segment !== '').at(-1) ?? value;

function entryOf(raw: unknown): Entry {
  if (!isRecord(raw)) return { ok: false, problem: 'must be an object such as { "connection": "<plugboard connection id>", "connector": "office365" }' };
  const connection = raw['connection'];
  const connectionObject = isRecord(connection) ? connection : {};
  const api = isRecord(raw['api']) ? raw['api'] : {};
  const rawConnectionId = text(raw['connectionId']);
  const connectionId =
    text(connection) ??
    (rawConnectionId === undefined ? undefined : lastSegment(rawConnectionId)) ??
    text(raw['connectionName']) ??
    text(connectionObject['id']) ??
    text(connectionObject['name']);
  const apiName = text(raw['connector']) ?? [text(raw['id']), text(raw['apiId']), text(api['id']), text(api['name']), text(raw['apiName'])].find((value) => value !== undefined);
  const connectorName = apiName === undefined ? undefined : lastSegment(apiName).replace(/^shared_/i, '');
  const withRaw = rawConnectionId === undefined ? {} : { rawConnectionId };
  if (connectionId === undefined) {
    const logical = text(connectionObject['connectionReferenceLogicalName']);
    const problem =
      logical === undefined
        ? 'names no connection — set `connection` to the id of a Plugboard connection (or `connectionId` in a Logic Apps $connections entry, `connectionName` in a Power Automate reference)'
        : `is a solution connection reference (\`${logical}\`), which names a Dataverse record rather than a connection — set \`connection\` to the id of a Plugboard connection`;
    return { ok: false, problem, ...withRaw };
  }
  return { ok: true, value: { connectionId, ...(connectorName === undefined ? {} : { connectorName }) }, ...withRaw };
}
