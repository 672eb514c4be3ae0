/** Operation responses. */
import { asRecord, asString } from '../model/json.ts';
import type { OperationResponse } from '../model/operation.ts';
import { escapePointer } from './pointer.ts';
import { followRef } from './context.ts';
import type { DocumentContext } from './context.ts';
import { keyReader, leftovers, take } from './key-reader.ts';

/** Normalizes one (already dereferenced) response object. */
export function readResponse(raw: Readonly<Record<string, unknown>>, where: { status: string; pointer: string; definedAt?: string }): OperationResponse {
  const reader = keyReader(raw);
  return {
    status: where.status,
    pointer: where.pointer,
    definedAt: where.definedAt,
    description: take(reader, 'description', asString),
    schema: take(reader, 'schema', asRecord),
    headers: take(reader, 'headers', asRecord),
    summary: take(reader, 'x-ms-summary', asString),
    ...leftovers(reader),
  } satisfies OperationResponse;
}

/**
 * Reads an operation's `responses`. `x-*` keys of the responses object itself (not responses)
 * are returned separately so the operation can keep them.
 */
export function readResponses(
  context: DocumentContext,
  value: unknown,
  operationPointer: string,
): { responses: OperationResponse[] | undefined; extensions: Record<string, unknown> | undefined } {
  const record = asRecord(value);
  if (record === undefined) return { responses: undefined, extensions: undefined };
  const responses: OperationResponse[] = [];
  let extensions: Record<string, unknown> | undefined;
  for (const [status, entry] of Object.entries(record)) {
    const pointer = `${operationPointer}/responses/${escapePointer(status)}`;
    if (status.startsWith('x-')) {
      (extensions ??= {})[`responses.${status}`] = entry;
      continue;
    }
    const followed = followRef(context, entry);
    if (followed === undefined) continue;
    const raw = asRecord(followed.value);
    if (raw === undefined) {
      context.issues.push({
        code: 'response-invalid',
        severity: 'warning',
        path: pointer,
        file: context.file,
        message: `response \`${status}\` is not an object — write it as {"description": …, "schema": …}; it was ignored`,
      });
      continue;
    }
    responses.push(readResponse(raw, { status, pointer, definedAt: followed.definedAt }));
  }
  return { responses, extensions };
}
