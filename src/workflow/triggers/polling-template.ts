/**
 * What a connector trigger's poll needs from the connector definition: the operation's trigger
 * cardinality (`x-ms-trigger: single | batch`) and its `pollingtrigger` policy template
 * (connector-corpus.md §5.1) — `triggerConfig` (query parameter → expression over the previous
 * response, so each poll asks only for newer items) and `triggerDataPath` (where the new items are).
 *
 * The poller reaches the definition through a small port ({@link PollingOperationLookup}) that the
 * engine wires to its connector catalog; {@link pollingOperationOf} is the pure part over a parsed
 * {@link ConnectorDefinition}, using the policies area's compiled template (via the gateway).
 */
import type { ConnectorDefinition } from '../../connectors/index.ts';
import { compilePolicies, matchOperation } from '../../gateway/index.ts';

/** A `pollingtrigger` template instance, compiled for one operation. */
export interface PollingTemplate {
  readonly operationId: string;
  /** JSON pointer of the policy instance in apiProperties.json, for messages. */
  readonly pointer: string;
  /**
   * Query parameters whose value is computed from the previous response: the trigger's state.
   * Empty when every `triggerConfig` entry is a literal (then there is no baseline poll).
   */
  readonly stateParameters: readonly string[];
  /** `x-ms-triggerConfig-nextLink` (default `@odata.nextLink`). */
  readonly nextLinkProperty: string;
  /** The query of the next poll from a response body: literal entries always; `unresolved` names found nothing to read. */
  nextQuery(previousBody: unknown): { readonly query: readonly (readonly [string, string])[]; readonly unresolved: readonly string[] };
  /** The items `triggerDataPath` selects in a response body (`[]` when absent). */
  items(body: unknown): unknown[];
}

/** What the poller learns about the connector operation a trigger calls. */
export interface PollingOperation {
  readonly operationId: string;
  /** `x-ms-trigger`; undefined when the operation is not declared a trigger (any operation can be polled). */
  readonly cardinality?: 'single' | 'batch';
  readonly template?: PollingTemplate;
}

/** Which operation: by id (OpenApiConnection) or by method and path (ApiConnection). */
export type PollingOperationSelector =
  | { readonly operationId: string }
  | { readonly method: string; readonly path: string };

/** The operation a trigger calls on one of the flow's connection references. */
export type PollingOperationTarget = PollingOperationSelector & { readonly connectionReference: string };

/**
 * Finds the connector operation for a trigger call: the engine resolves the reference to its
 * connector definition and returns {@link pollingOperationOf}. Undefined when unknown (the poll
 * then runs without a template). May throw a PlugboardError (a broken policy instance: `PolicyInvalid`).
 */
export type PollingOperationLookup = (target: PollingOperationTarget) => Promise<PollingOperation | undefined>;

type CompiledPolicies = ReturnType<typeof compilePolicies>;

// Compiling a connector's policies parses every template: once per definition object.
const compiled = new WeakMap<ConnectorDefinition, CompiledPolicies>();

function policiesOf(definition: ConnectorDefinition): CompiledPolicies {
  const cached = compiled.get(definition);
  if (cached !== undefined) return cached;
  const policies = compilePolicies(definition);
  compiled.set(definition, policies);
  return policies;
}

/**
 * The operation `selector` names in a parsed connector definition, with its cardinality and
 * compiled pollingtrigger template; undefined when the definition has no such operation. Throws the
 * policies' `PolicyInvalid` when the operation's pollingtrigger instance is broken.
 */
export function pollingOperationOf(definition: ConnectorDefinition, selector: PollingOperationSelector): PollingOperation | undefined {
  const operation = 'operationId' in selector
    ? (definition.operations.find((candidate) => candidate.operationId === selector.operationId) ?? definition.operations.find((candidate) => candidate.operationId.toLowerCase() === selector.operationId.toLowerCase()))
    : matchOperation(definition, selector.method, selector.path)?.operation;
  if (operation === undefined || operation.operationId === '') return undefined;
  const config = policiesOf(definition).pollingTrigger(operation.operationId);
  const template: PollingTemplate | undefined = config === undefined
    ? undefined
    : {
        operationId: config.operationId,
        pointer: config.pointer,
        stateParameters: config.queryTemplates.filter((entry) => entry.template.kind !== 'literal').map((entry) => entry.name),
        nextLinkProperty: config.nextLinkProperty,
        nextQuery: (previousBody) => config.nextPollQuery(previousBody),
        items: (body) => config.items(body),
      };
  return {
    operationId: operation.operationId,
    ...(operation.trigger === undefined ? {} : { cardinality: operation.trigger.cardinality }),
    ...(template === undefined ? {} : { template }),
  };
}
