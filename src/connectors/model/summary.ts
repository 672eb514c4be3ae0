/** The one-line figures shown in lists of connectors. */
import type { ConnectorDefinition } from './definition.ts';

/** Title and operation counts of a connector. */
export interface ConnectorSummary {
  readonly title: string;
  readonly actions: number;
  readonly triggers: number;
  readonly operations: number;
}

/** Counts a definition's actions and triggers. */
export function connectorSummary(definition: ConnectorDefinition): ConnectorSummary {
  let triggers = 0;
  for (const operation of definition.operations) if (operation.kind === 'trigger') triggers += 1;
  const operations = definition.operations.length;
  return { title: definition.info.title, actions: operations - triggers, triggers, operations };
}
