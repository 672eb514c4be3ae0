/**
 * The connector port of the workflow engine over the gateway's invoker: a flow's connection
 * reference → a Plugboard connection, then `invoker.invoke` (OpenApiConnection: operation id and
 * unflattened parameters) or `invoker.invokeRaw` (ApiConnection: method, path, queries, headers,
 * body). Every call goes through the whole gateway chain (permission, credentials, policies, rate
 * limit, egress). A non-2xx answer is returned, not thrown; so is the gateway's own rate limit, as
 * the 429 a Power Platform connector answers (the engine's retry policy then applies).
 */
import type { Caller, InvokeResult, Invoker } from '../../gateway/index.ts';
import { RateLimitedError, isUpstreamError } from '../../gateway/index.ts';
import { isPlugboardError } from '../../core/index.ts';
import type { ConnectorAnswer, ConnectorOperationCall, ConnectorPort, ConnectorRawCall } from '../actions/index.ts';
import type { ResolvedConnectionReference } from './connection-references.ts';
import { callCancelled, referenceInvalid, referenceNotFound } from './errors.ts';
import { operationArguments } from './operation-arguments.ts';

/** Options of {@link createConnectorPort}. */
export interface ConnectorPortOptions {
  /** The gateway's invoker (`createInvoker`); only `invoke` and `invokeRaw` are used. */
  readonly invoker: Pick<Invoker, 'invoke' | 'invokeRaw'>;
  /** The environment the flow belongs to: its connections are looked up there. */
  readonly environment: string;
  /** Whom the run acts for (the flow's owner): the gateway checks that it may use each connection. */
  readonly caller: Caller;
  /**
   * The connection a reference key names, or undefined when the flow has no such reference
   * (`resolveConnectionReferences(…).resolve`). May throw a PlugboardError for an unusable entry.
   */
  readonly resolveReference: (reference: string) => ResolvedConnectionReference | undefined;
}

/** Creates the port the engine hands to connector actions as `ActionContext.connectors`. */
export function createConnectorPort(options: ConnectorPortOptions): ConnectorPort {
  const { invoker, environment, caller } = options;

  function connectionOf(reference: string): ResolvedConnectionReference {
    const resolved = options.resolveReference(reference);
    if (resolved === undefined) throw referenceNotFound(reference);
    return resolved;
  }

  return {
    async invokeOperation(call: ConnectorOperationCall): Promise<ConnectorAnswer> {
      const connection = connectionOf(call.connectionReference);
      const args = operationArguments(call.parameters);
      // Power Automate returns the first page unless the action turns pagination on.
      return within(() => answered(() => invoker.invoke({ environment, caller, connectionId: connection.connectionId, operationId: call.operationId, arguments: args, followPages: false, retry: 'none' })), {
        signal: call.signal,
        reference: call.connectionReference,
      });
    },

    async invokeRaw(call: ConnectorRawCall): Promise<ConnectorAnswer> {
      const connection = connectionOf(call.connectionReference);
      const connectorName = connection.connectorName;
      if (connectorName === undefined) {
        throw referenceInvalid(call.connectionReference, "names no connector, which an ApiConnection call needs to find its operation — add `connector` (the catalog name, such as office365) or the managed API's `id`");
      }
      const query = Object.entries(call.queries).map(([name, value]): [string, string] => [name, value]);
      // The action's retryPolicy retries (connector-retry.ts): the egress client must not retry too.
      const request = { environment, caller, connectorName, connectionId: connection.connectionId, method: call.method, path: call.path, query, headers: call.headers, body: call.body, retry: 'none' as const };
      const send = (): Promise<ConnectorAnswer> => answered(() => invoker.invokeRaw(request).catch((error: unknown) => Promise.reject(forReference(error, { reference: call.connectionReference, connectorName }))));
      return within(send, { signal: call.signal, reference: call.connectionReference });
    },
  };
}

/** The gateway's "connection belongs to another connector" said about the flow's reference. */
function forReference(error: unknown, call: { readonly reference: string; readonly connectorName: string }): unknown {
  if (!isPlugboardError(error) || error.code !== 'ConnectionConnectorMismatch') return error;
  return referenceInvalid(call.reference, `says connector '${call.connectorName}', but its connection belongs to another connector — correct the reference's \`connector\` (or \`id\`), or point it at a connection of '${call.connectorName}'`);
}

/** The gateway's answer as the port's: an UpstreamError (non-2xx) and the gateway's rate limit become answers. */
async function answered(call: () => Promise<InvokeResult>): Promise<ConnectorAnswer> {
  try {
    const result = await call();
    return { status: result.status, headers: result.headers, body: result.body, operationId: result.operationId };
  } catch (error) {
    if (isUpstreamError(error)) {
      const operationId = error.details?.['operationId'];
      return { status: error.status, headers: error.headers, body: error.body, ...(typeof operationId === 'string' ? { operationId } : {}) };
    }
    if (error instanceof RateLimitedError) {
      return { status: 429, headers: { 'retry-after': String(error.details.retryAfterSeconds) }, body: { error: { code: error.code, message: error.message } } };
    }
    throw error;
  }
}

/**
 * Starts `send` unless `signal` has aborted, and settles with its answer or as soon as `signal`
 * aborts. The invoker takes no signal, so an aborted call is abandoned rather than stopped: its
 * request ends by itself (at the latest with the egress timeout).
 */
function within(send: () => Promise<ConnectorAnswer>, call: { readonly signal: AbortSignal | undefined; readonly reference: string }): Promise<ConnectorAnswer> {
  const { signal, reference } = call;
  if (signal === undefined) return send();
  if (signal.aborted) return Promise.reject(callCancelled(reference));
  const answer = send();
  return new Promise<ConnectorAnswer>((resolve, reject) => {
    const onAbort = (): void => {
      // The abandoned call's own failure is no longer anyone's to report; it must not surface as unhandled.
      answer.catch(() => undefined);
      reject(callCancelled(reference));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    answer.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
