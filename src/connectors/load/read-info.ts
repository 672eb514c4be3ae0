/** `info` and the root `x-ms-connector-metadata`. */
import { asArray, asRecord, asString, asStringArray, isRecord, nonEmpty } from '../model/json.ts';
import type { ConnectorInfo, ConnectorMetadata } from '../model/definition.ts';
import { keyReader, leftovers, take } from './key-reader.ts';
import { readApiAnnotation } from './read-operations.ts';

function hasOtherKeys(value: unknown, keys: readonly string[]): boolean {
  const record = asRecord(value);
  return record !== undefined && Object.entries(record).some(([key, item]) => !keys.includes(key) || typeof item !== 'string');
}

function readContact(value: unknown): ConnectorInfo['contact'] {
  const record = asRecord(value);
  if (record === undefined) return undefined;
  return { name: asString(record['name']), url: asString(record['url']), email: asString(record['email']) };
}

function readLicense(value: unknown): ConnectorInfo['license'] {
  const record = asRecord(value);
  if (record === undefined) return undefined;
  return { name: asString(record['name']), url: asString(record['url']) };
}

/**
 * Normalizes `x-ms-connector-metadata`: `[{propertyName, propertyValue}]` (one published connector
 * writes `PropertyName/PropertyValue`). Names are matched case-insensitively; Categories is a
 * `;`-separated list. A value that is not such an array returns undefined (kept raw).
 */
export function readConnectorMetadata(value: unknown): ConnectorMetadata | undefined {
  const list = asArray(value);
  if (list === undefined) return undefined;
  const entries: { name: string; value: unknown }[] = [];
  let website: string | undefined;
  let privacyPolicy: string | undefined;
  const categories: string[] = [];
  for (const entry of list) {
    if (!isRecord(entry)) return undefined;
    const name = asString(entry['propertyName'] ?? entry['PropertyName']);
    if (name === undefined) return undefined;
    const item = entry['propertyValue'] ?? entry['PropertyValue'];
    entries.push({ name, value: item });
    const key = name.trim().toLowerCase();
    if (key === 'website' && typeof item === 'string') website = item;
    else if (key === 'privacy policy' && typeof item === 'string') privacyPolicy = item;
    else if (key === 'categories' && typeof item === 'string') categories.push(...item.split(';').map((c) => c.trim()).filter((c) => c !== ''));
  }
  return { website, privacyPolicy, categories, entries } satisfies ConnectorMetadata;
}

/** Reads `info` (title, description, version, contact, license and info-level x-ms-* keys). */
export function readInfo(value: unknown, metadata: ConnectorMetadata | undefined): ConnectorInfo {
  const record = asRecord(value) ?? {};
  const reader = keyReader(record);
  const info = {
    title: take(reader, 'title', asString) ?? '',
    description: take(reader, 'description', asString),
    version: take(reader, 'version', (v) => (typeof v === 'number' ? String(v) : asString(v))),
    termsOfService: take(reader, 'termsOfService', asString),
    contact: take(reader, 'contact', readContact),
    license: take(reader, 'license', readLicense),
    metadata,
    keywords: take(reader, 'x-ms-keywords', asStringArray),
    apiAnnotation: take(reader, 'x-ms-api-annotation', readApiAnnotation),
    deploymentVersion: take(reader, 'x-ms-deployment-version', asString),
  };
  const rest = leftovers(reader);
  // contact/license keys beyond name/url/email stay reachable: the whole object is kept verbatim too.
  const unmodelled: Record<string, unknown> = { ...rest.unmodelled };
  if (hasOtherKeys(record['contact'], ['name', 'url', 'email'])) unmodelled['contact'] = record['contact'];
  if (hasOtherKeys(record['license'], ['name', 'url'])) unmodelled['license'] = record['license'];
  return { ...info, extensions: rest.extensions, unmodelled: nonEmpty(unmodelled) } satisfies ConnectorInfo;
}
