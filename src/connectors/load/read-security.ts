/** `securityDefinitions` and `security`. */
import { asArray, asRecord, asString, asStringArray, isRecord } from '../model/json.ts';
import type { SecurityRequirement, SecurityScheme } from '../model/security.ts';
import { keyReader, leftovers, take } from './key-reader.ts';
import { escapePointer } from './pointer.ts';

/** Reads a `security` array: each entry maps scheme names to scope lists. Non-conforming input → undefined (kept raw). */
export function readSecurityRequirements(value: unknown): SecurityRequirement[] | undefined {
  const list = asArray(value);
  if (list === undefined) return undefined;
  const out: SecurityRequirement[] = [];
  for (const entry of list) {
    if (!isRecord(entry)) return undefined;
    const requirement: Record<string, readonly string[]> = {};
    for (const [name, scopes] of Object.entries(entry)) {
      const list = asStringArray(scopes);
      if (list === undefined) return undefined;
      requirement[name] = list;
    }
    out.push(requirement);
  }
  return out;
}

function readScopes(value: unknown): Record<string, string> | undefined {
  const record = asRecord(value);
  if (record === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const [scope, description] of Object.entries(record)) out[scope] = typeof description === 'string' ? description : '';
  return out;
}

function readScheme(name: string, raw: unknown, pointer: string): SecurityScheme {
  const record = asRecord(raw);
  if (record === undefined) return { name, pointer, type: 'unknown', raw };
  const reader = keyReader(record);
  const type = asString(record['type']);
  const description = take(reader, 'description', asString);
  if (type === 'apiKey') {
    const location = asString(record['in']);
    const parameterName = asString(record['name']);
    if ((location === 'header' || location === 'query') && parameterName !== undefined) {
      reader.taken.add('type').add('in').add('name');
      return { name, pointer, type: 'apiKey', in: location, parameterName, description, extensions: leftoversAsExtensions(reader) } satisfies SecurityScheme;
    }
  } else if (type === 'basic') {
    reader.taken.add('type');
    return { name, pointer, type: 'basic', description, extensions: leftoversAsExtensions(reader) } satisfies SecurityScheme;
  } else if (type === 'oauth2') {
    reader.taken.add('type');
    return {
      name,
      pointer,
      type: 'oauth2',
      flow: take(reader, 'flow', asString),
      authorizationUrl: take(reader, 'authorizationUrl', asString),
      tokenUrl: take(reader, 'tokenUrl', asString),
      scopes: take(reader, 'scopes', readScopes) ?? {},
      description,
      extensions: leftoversAsExtensions(reader),
    } satisfies SecurityScheme;
  }
  return { name, pointer, type: 'unknown', raw };
}

/** Every key the scheme reader did not consume (x-* or not): schemes have few keys, so one bag suffices. */
function leftoversAsExtensions(reader: ReturnType<typeof keyReader>): Record<string, unknown> | undefined {
  const rest = leftovers(reader);
  return rest.extensions === undefined && rest.unmodelled === undefined ? undefined : { ...rest.unmodelled, ...rest.extensions };
}

/** Reads `securityDefinitions`. */
export function readSecurityDefinitions(value: unknown): SecurityScheme[] {
  const record = asRecord(value);
  if (record === undefined) return [];
  return Object.entries(record).map(([name, raw]) => readScheme(name, raw, `/securityDefinitions/${escapePointer(name)}`));
}
