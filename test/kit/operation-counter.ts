/**
 * An independent operation counter for the corpus tests: counts operations, triggers and the
 * webhook/polling split straight from the JSON, without the loader, so the tests compare the
 * loader against a second implementation rather than against its own output.
 */

/** Figures of one definition. */
export interface OperationCounts {
  readonly operations: number;
  readonly triggers: number;
  readonly webhook: number;
  readonly polling: number;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function lookup(document: Record<string, unknown>, ref: string): unknown {
  let node: unknown = document;
  for (const token of ref.replace(/^#\//, '').split('/')) node = isObject(node) ? node[token.replaceAll('~1', '/').replaceAll('~0', '~')] : undefined;
  return node;
}

function deref(document: Record<string, unknown>, node: unknown): unknown {
  return isObject(node) && typeof node['$ref'] === 'string' ? lookup(document, node['$ref']) : node;
}

function hasNotificationUrl(document: Record<string, unknown>, node: unknown, depth: number): boolean {
  const schema = deref(document, node);
  if (!isObject(schema) || depth > 6) return false;
  if (schema['x-ms-notification-url'] === true || schema['x-ms-notification-url'] === 'true') return true;
  const properties = schema['properties'];
  if (isObject(properties) && Object.values(properties).some((child) => hasNotificationUrl(document, child, depth + 1))) return true;
  const allOf = schema['allOf'];
  return Array.isArray(allOf) && allOf.some((child) => hasNotificationUrl(document, child, depth + 1));
}

/** Counts a parsed Swagger 2.0 document. */
export function countOperations(document: unknown): OperationCounts {
  let operations = 0;
  let webhook = 0;
  let polling = 0;
  if (!isObject(document) || !isObject(document['paths'])) return { operations, triggers: 0, webhook, polling };
  for (const item of Object.values(document['paths'])) {
    if (!isObject(item)) continue;
    const notification = item['x-ms-notification-content'] !== undefined;
    const pathParameters = Array.isArray(item['parameters']) ? item['parameters'] : [];
    for (const method of METHODS) {
      const operation = item[method];
      if (!isObject(operation)) continue;
      operations += 1;
      if (operation['x-ms-trigger'] === undefined) continue;
      const parameters = [...pathParameters, ...(Array.isArray(operation['parameters']) ? operation['parameters'] : [])].map((parameter) => deref(document, parameter));
      const callback = parameters.some((parameter) => isObject(parameter) && parameter['in'] === 'body' && hasNotificationUrl(document, parameter['schema'], 0));
      if (notification || callback) webhook += 1;
      else polling += 1;
    }
  }
  return { operations, triggers: webhook + polling, webhook, polling };
}
