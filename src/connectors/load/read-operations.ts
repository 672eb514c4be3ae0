/** Path items and their operations: the heart of the definition. */
import { readDynamicProperties, readDynamicSchema } from '../extensions/dynamic.ts';
import { readVisibility } from '../extensions/visibility.ts';
import { asFlag, asNumber, asRecord, asString, asStringArray, isRecord, nonEmpty } from '../model/json.ts';
import { HTTP_METHODS } from '../model/operation.ts';
import type { ApiAnnotation, HttpMethod, NotificationContent, Operation, PathItem, TriggerInfo, TriggerMetadata } from '../model/operation.ts';
import type { DocumentContext } from './context.ts';
import { findCallbackUrl } from './find-callback-url.ts';
import { keyReader, leftovers, skip, take } from './key-reader.ts';
import { escapePointer } from './pointer.ts';
import { mergeOperationParameters, readPathParameters } from './read-parameters.ts';
import type { PathLevelParameters } from './read-parameters.ts';
import { readResponses } from './read-responses.ts';
import { readSecurityRequirements } from './read-security.ts';

const METHODS: ReadonlySet<string> = new Set(HTTP_METHODS);

function isMethod(key: string): key is HttpMethod {
  return METHODS.has(key);
}

/** Reads `{family, revision, status}`; other keys are kept in `extra`. */
export function readApiAnnotation(value: unknown): ApiAnnotation | undefined {
  const record = asRecord(value);
  if (record === undefined) return undefined;
  const extra: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(record)) if (key !== 'family' && key !== 'revision' && key !== 'status') extra[key] = item;
  const revision = asNumber(record['revision']) ?? (typeof record['revision'] === 'string' && /^\d+$/.test(record['revision']) ? Number(record['revision']) : undefined);
  if (record['revision'] !== undefined && revision === undefined) extra['revision'] = record['revision'];
  return { family: asString(record['family']), revision, status: asString(record['status']), extra: nonEmpty(extra) } satisfies ApiAnnotation;
}

function readCardinality(value: unknown): 'single' | 'batch' | undefined {
  const text = asString(value)?.toLowerCase();
  return text === 'single' || text === 'batch' ? text : undefined;
}

function readTriggerMetadata(value: unknown): TriggerMetadata | undefined {
  const record = asRecord(value);
  if (record === undefined) return undefined;
  const extra: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(record)) if (key !== 'kind' && key !== 'mode') extra[key] = item;
  return { kind: asString(record['kind']), mode: asString(record['mode']), extra: nonEmpty(extra) } satisfies TriggerMetadata;
}

function readPageable(value: unknown): { nextLinkName: string | null } | undefined {
  const record = asRecord(value);
  if (record === undefined) return undefined;
  const name = record['nextLinkName'];
  if (name === null) return { nextLinkName: null };
  return typeof name === 'string' ? { nextLinkName: name } : undefined;
}

function readNotificationContent(value: unknown, pointer: string): NotificationContent | undefined {
  const record = asRecord(value);
  if (record === undefined) return undefined;
  const reader = keyReader(record);
  const description = take(reader, 'description', asString);
  const schema = take(reader, 'schema', asRecord);
  const headers = take(reader, 'headers', asRecord);
  const rest = leftovers(reader);
  const extensions = rest.extensions === undefined && rest.unmodelled === undefined ? undefined : { ...rest.unmodelled, ...rest.extensions };
  return { pointer, description, schema, headers, extensions } satisfies NotificationContent;
}

function readOperation(
  context: DocumentContext,
  raw: Readonly<Record<string, unknown>>,
  at: { path: string; method: HttpMethod; pointer: string; pathLevel: PathLevelParameters; notification: NotificationContent | undefined },
): Operation {
  const reader = keyReader(raw);
  skip(reader, 'parameters', 'responses');
  const { parameters, dropped } = mergeOperationParameters(context, at.pathLevel, raw['parameters'], at.pointer);
  const { responses, extensions: responsesExtensions } = readResponses(context, raw['responses'], at.pointer);
  const triggerRaw = raw['x-ms-trigger'];
  const isTrigger = triggerRaw !== undefined && triggerRaw !== null && triggerRaw !== false;
  // Trigger keys on an operation without x-ms-trigger have no effect; they stay raw in `extensions`.
  const cardinality = isTrigger ? take(reader, 'x-ms-trigger', readCardinality) : undefined;
  const hint = isTrigger ? take(reader, 'x-ms-trigger-hint', asString) : undefined;
  const metadata = isTrigger ? take(reader, 'x-ms-trigger-metadata', readTriggerMetadata) : undefined;
  const callbackUrl = findCallbackUrl(context, parameters);
  const trigger: TriggerInfo | undefined = isTrigger
    ? ({
        kind: callbackUrl !== undefined || at.notification !== undefined ? 'webhook' : 'polling',
        cardinality: cardinality ?? 'single',
        hint,
        metadata,
        notification: at.notification,
      } satisfies TriggerInfo)
    : undefined;
  const longRunningFlag = take(reader, 'x-ms-long-running-operation', asFlag);
  const longRunningOptions = take(reader, 'x-ms-long-running-operation-options', asRecord);
  const operation = {
    operationId: take(reader, 'operationId', asString) ?? '',
    method: at.method,
    path: at.path,
    pointer: at.pointer,
    summary: take(reader, 'summary', asString),
    description: take(reader, 'description', asString),
    visibility: take(reader, 'x-ms-visibility', readVisibility),
    deprecated: take(reader, 'deprecated', asFlag) ?? false,
    tags: take(reader, 'tags', asStringArray) ?? [],
    kind: isTrigger ? ('trigger' as const) : ('action' as const),
    trigger,
    callbackUrl,
    consumes: take(reader, 'consumes', asStringArray) ?? context.consumes,
    produces: take(reader, 'produces', asStringArray) ?? context.produces,
    parameters,
    droppedParameters: dropped.length > 0 ? dropped : undefined,
    responses,
    pageable: take(reader, 'x-ms-pageable', readPageable),
    noGenericTest: take(reader, 'x-ms-no-generic-test', asFlag),
    apiAnnotation: take(reader, 'x-ms-api-annotation', readApiAnnotation),
    openAiData: take(reader, 'x-ms-openai-data', asRecord),
    longRunning: longRunningFlag === undefined && longRunningOptions === undefined ? undefined : { enabled: longRunningFlag ?? false, options: longRunningOptions },
    dynamicSchema: take(reader, 'x-ms-dynamic-schema', readDynamicSchema),
    dynamicProperties: take(reader, 'x-ms-dynamic-properties', readDynamicProperties),
    security: take(reader, 'security', readSecurityRequirements),
  };
  // Leftovers only after every take above, so they hold exactly what the model did not consume.
  const rest = leftovers(reader);
  const extensions = responsesExtensions === undefined ? rest.extensions : { ...rest.extensions, ...responsesExtensions };
  return { ...operation, extensions, unmodelled: rest.unmodelled } satisfies Operation;
}

/** Reads `paths`: the flat list of operations, the path items, and `x-*` keys of `paths` itself. */
export function readPaths(
  context: DocumentContext,
  value: unknown,
): { operations: Operation[]; pathItems: PathItem[]; extensions: Record<string, unknown> | undefined } {
  const operations: Operation[] = [];
  const pathItems: PathItem[] = [];
  let extensions: Record<string, unknown> | undefined;
  const paths = asRecord(value);
  if (paths === undefined) return { operations, pathItems, extensions };
  for (const [path, item] of Object.entries(paths)) {
    if (path.startsWith('x-')) {
      (extensions ??= {})[path] = item;
      continue;
    }
    const pointer = `/paths/${escapePointer(path)}`;
    const raw = asRecord(item);
    if (raw === undefined) {
      context.issues.push({ code: 'path-item-invalid', severity: 'warning', path: pointer, file: context.file, message: `path \`${path}\` is not an object — write its operations as {"get": {…}}; it was ignored` });
      continue;
    }
    const reader = keyReader(raw);
    skip(reader, 'parameters');
    const notification = take(reader, 'x-ms-notification-content', (v) => readNotificationContent(v, `${pointer}/x-ms-notification-content`));
    const pathLevel = readPathParameters(context, raw['parameters'], pointer);
    for (const [key, operation] of Object.entries(raw)) {
      if (!isMethod(key)) continue;
      reader.taken.add(key);
      const operationRaw = asRecord(operation);
      const operationPointer = `${pointer}/${key}`;
      if (operationRaw === undefined || !isRecord(operationRaw)) {
        context.issues.push({ code: 'operation-invalid', severity: 'warning', path: operationPointer, file: context.file, message: `\`${key.toUpperCase()} ${path}\` is not an object — write the operation as {"operationId": …, "responses": …}; it was ignored` });
        continue;
      }
      operations.push(readOperation(context, operationRaw, { path, method: key, pointer: operationPointer, pathLevel, notification }));
    }
    const rest = leftovers(reader);
    pathItems.push({ path, pointer, notificationContent: notification, extensions: rest.extensions, unmodelled: rest.unmodelled } satisfies PathItem);
  }
  return { operations, pathItems, extensions };
}
