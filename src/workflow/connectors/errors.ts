/** Errors of the connector port: a reference that resolves to no connection, parameters that cannot be unflattened. */
import { NotFoundError, PlugboardError, UserInputError } from '../../core/index.ts';

/** Stable codes of the connector port. */
export const ConnectorPortErrorCode = {
  /** An action names a connection reference the flow does not have. */
  ConnectionReferenceNotFound: 'ConnectionReferenceNotFound',
  /** A connection reference exists but names no Plugboard connection (or no connector, for a raw call). */
  ConnectionReferenceInvalid: 'ConnectionReferenceInvalid',
  /** Flattened `parameters` contradict each other (`item` as text and `item/Title`). */
  ConnectorParametersInvalid: 'ConnectorParametersInvalid',
  /** The run was cancelled while the call was in flight. */
  Cancelled: 'Cancelled',
} as const;

/** The reference an action names is not among the flow's connection references. */
export function referenceNotFound(reference: string): NotFoundError {
  return new NotFoundError(
    `connection reference '${reference}' is not among the flow's connection references — add it to the flow's connectionReferences, such as { "${reference}": { "connection": "<plugboard connection id>", "connector": "<connector name>" } }`,
    { code: ConnectorPortErrorCode.ConnectionReferenceNotFound, details: { reference } },
  );
}

/** The reference `reference` exists but `problem` (a sentence part that says what to write). */
export function referenceInvalid(reference: string, problem: string): UserInputError {
  return new UserInputError(`connection reference '${reference}' ${problem}`, { code: ConnectorPortErrorCode.ConnectionReferenceInvalid, details: { reference } });
}

/** The parameters key `key` cannot be placed: `problem` says why and what to write. */
export function parametersInvalid(key: string, problem: string): UserInputError {
  return new UserInputError(`parameters key '${key}' ${problem}`, { code: ConnectorPortErrorCode.ConnectorParametersInvalid, details: { key } });
}

/** The call was abandoned because the run's signal aborted. */
export function callCancelled(reference: string): PlugboardError {
  return new PlugboardError(`the call on connection reference '${reference}' was cancelled`, { code: ConnectorPortErrorCode.Cancelled, kind: 'operational', details: { reference } });
}
