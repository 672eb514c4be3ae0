/**
 * The connections a definition's connector actions use, from the shapes they come in: Power
 * Automate `connectionReferences` (`{ connectionName, id, source }`, solution-aware
 * `{ api: { name }, connection: { connectionReferenceLogicalName } }`), the Logic Apps
 * `$connections` parameter (`{ connectionId, connectionName, id }`), or the caller.
 */
import type { Issue } from '../../core/index.ts';
import { escapePointerToken } from '../../core/index.ts';
import { isRecord } from '../../expressions/index.ts';
import type { ConnectionReference } from './model.ts';

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** One reference in its normal form. */
export function connectionReferenceOf(name: string, raw: Readonly<Record<string, unknown>>): ConnectionReference {
  const api = isRecord(raw['api']) ? raw['api'] : {};
  const connection = isRecord(raw['connection']) ? raw['connection'] : {};
  const apiId = text(raw['apiId']) ?? text(api['id']) ?? text(raw['id']);
  const apiName = text(api['name']) ?? text(raw['apiName']) ?? apiId?.split('/').filter((s) => s !== '').at(-1);
  return {
    name,
    apiId,
    apiName,
    connectionName: text(raw['connectionName']) ?? text(connection['name']) ?? text(connection['connectionReferenceLogicalName']),
    connectionId: text(raw['connectionId']) ?? text(connection['id']),
    raw,
  };
}

/**
 * Merges references from the sources in increasing priority (later wins per name). Each source
 * is `{ raw, pointer }`; a source that is not an object, or an entry that is not, is reported.
 */
export function readConnectionReferences(sources: ReadonlyArray<{ readonly raw: unknown; readonly pointer: string } | undefined>, issues: Issue[]): Record<string, ConnectionReference> {
  const references: Record<string, ConnectionReference> = {};
  for (const source of sources) {
    if (source === undefined || source.raw === undefined) continue;
    if (!isRecord(source.raw)) {
      issues.push({ code: 'connection-references-invalid', severity: 'error', path: source.pointer, message: 'connection references must be an object of { "<name>": { "connectionName", "id" } }' });
      continue;
    }
    for (const [name, entry] of Object.entries(source.raw)) {
      if (!isRecord(entry)) {
        issues.push({ code: 'connection-reference-invalid', severity: 'error', path: `${source.pointer}/${escapePointerToken(name)}`, message: `connection reference \`${name}\` must be an object such as { "connectionName": "…", "id": "/providers/Microsoft.PowerApps/apis/shared_office365" }` });
        continue;
      }
      Object.defineProperty(references, name, { value: connectionReferenceOf(name, entry), enumerable: true, writable: true, configurable: true });
    }
  }
  return references;
}
