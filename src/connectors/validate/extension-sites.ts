/**
 * Collects the `x-*` keys of a definition that rules need to look at, with their location: keys
 * kept verbatim in `extensions` bags, and keys inside kept schemas (or verbatim parameter and
 * response objects). Correctly spelt keys whose value never needs checking (`x-ms-summary`, 56k
 * uses in the published corpus) are skipped to keep the walk cheap. One walk serves the
 * extension, visibility and dynamic-reference rules.
 */
import { escapePointerToken } from '../../core/index.ts';
import { KNOWN_EXTENSIONS } from '../extensions/known-extensions.ts';
import { isRecord } from '../model/json.ts';
import type { ConnectorDefinition } from '../model/definition.ts';
import type { Operation } from '../model/operation.ts';

/** One verbatim `x-*` key. */
export interface ExtensionSite {
  /** Pointer of the object carrying the key. */
  readonly pointer: string;
  readonly key: string;
  readonly value: unknown;
  /** The operation whose own (inline) parameter or schema carries it, when there is one. */
  readonly operation?: Operation;
  /** True when the key sits in a schema (or a verbatim parameter/response object), false for an entity's `extensions` bag. */
  readonly inSchema: boolean;
}

/** Known keys whose values rules check; every other known key is skipped. */
const CHECKED_KEYS: ReadonlySet<string> = new Set([
  'x-ms-visibility',
  'x-ms-url-encoding',
  'x-ms-dynamic-values',
  'x-ms-dynamic-list',
  'x-ms-dynamic-schema',
  'x-ms-dynamic-properties',
  'x-ms-dynamic-tree',
]);
const SKIPPED_KEYS: ReadonlySet<string> = new Set(KNOWN_EXTENSIONS.filter((key) => !CHECKED_KEYS.has(key)));

/** Keywords whose value is a map of names to schemas (response `headers` too). */
const SCHEMA_MAPS: ReadonlySet<string> = new Set(['properties', 'patternProperties', 'definitions', 'headers']);
/** Keywords whose value is one schema (`items` may also be a list). */
const SCHEMA_VALUES: ReadonlySet<string> = new Set(['additionalProperties', 'items', 'not', 'schema']);
/** Keywords whose value is a list of schemas. */
const SCHEMA_LISTS: ReadonlySet<string> = new Set(['allOf', 'anyOf', 'oneOf']);

function escape(token: string): string {
  return token.includes('~') || token.includes('/') ? escapePointerToken(token) : token;
}

function isReported(key: string): boolean {
  return key.length > 2 && key.charCodeAt(0) === 120 /* x */ && key.charCodeAt(1) === 45 /* - */ && !SKIPPED_KEYS.has(key);
}

/** Walks schemas with one pass over each node's keys; pointers are only built for reported keys. */
class SchemaWalker {
  readonly sites: ExtensionSite[] = [];
  operation: Operation | undefined;

  walk(node: unknown, pointer: string, depth = 0): void {
    if (!isRecord(node) || depth > 64) return;
    for (const key in node) {
      const child = node[key];
      if (isReported(key)) this.sites.push({ pointer, key, value: child, operation: this.operation, inSchema: true });
      else if (SCHEMA_MAPS.has(key)) {
        if (isRecord(child)) for (const name in child) this.walk(child[name], `${pointer}/${key}/${escape(name)}`, depth + 1);
      } else if (SCHEMA_VALUES.has(key)) {
        if (Array.isArray(child)) child.forEach((item, index) => this.walk(item, `${pointer}/${key}/${index}`, depth + 1));
        else this.walk(child, `${pointer}/${key}`, depth + 1);
      } else if (SCHEMA_LISTS.has(key) && Array.isArray(child)) child.forEach((item, index) => this.walk(item, `${pointer}/${key}/${index}`, depth + 1));
    }
  }

  bag(bag: Readonly<Record<string, unknown>> | undefined, pointer: string): void {
    if (bag === undefined) return;
    for (const key in bag) if (isReported(key)) this.sites.push({ pointer, key, value: bag[key], operation: this.operation, inSchema: false });
  }
}

/** Collects the `x-*` keys of a definition that rules check (see the module comment). */
export function collectExtensionSites(definition: ConnectorDefinition): ExtensionSite[] {
  const walker = new SchemaWalker();
  const seen = new Set<object>();
  const root = (node: Readonly<Record<string, unknown>> | undefined, pointer: string): void => {
    if (node === undefined || seen.has(node)) return;
    seen.add(node);
    walker.walk(node, pointer);
  };
  walker.bag(definition.extensions, '');
  walker.bag(definition.info.extensions, '/info');
  for (const item of definition.pathItems) {
    walker.bag(item.extensions, item.pointer);
    const notification = item.notificationContent;
    if (notification !== undefined) root(notification.schema, `${notification.pointer}/schema`);
  }
  for (const scheme of definition.securityDefinitions) walker.bag(scheme.extensions, scheme.pointer);
  for (const operation of definition.operations) {
    walker.operation = operation;
    walker.bag(operation.extensions, operation.pointer);
    for (const parameter of operation.parameters) {
      // Parameters and responses reached through $ref are walked once, with the root definitions below.
      if (parameter.definedAt !== undefined || seen.has(parameter)) continue;
      seen.add(parameter);
      walker.bag(parameter.extensions, parameter.pointer);
      root(parameter.schema, `${parameter.pointer}/schema`);
      if (isRecord(parameter.items)) root(parameter.items, `${parameter.pointer}/items`);
    }
    for (const response of operation.responses ?? []) {
      if (response.definedAt !== undefined) continue;
      walker.bag(response.extensions, response.pointer);
      root(response.schema, `${response.pointer}/schema`);
      if (response.headers !== undefined) root({ headers: response.headers }, response.pointer);
    }
  }
  walker.operation = undefined;
  const maps: [Readonly<Record<string, unknown>>, string][] = [
    [definition.schemaDefinitions, '/definitions'],
    [definition.parameterDefinitions, '/parameters'],
    [definition.responseDefinitions, '/responses'],
  ];
  for (const [map, pointer] of maps) {
    for (const name in map) {
      const node = map[name];
      if (isRecord(node)) root(node, `${pointer}/${escape(name)}`);
    }
  }
  return walker.sites;
}
