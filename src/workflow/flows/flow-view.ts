/** What callers see of a flow: the Logic Apps management shape, times as ISO-8601 text. */
import type { FlowRecord, FlowState, FlowVersionRecord } from '../../storage/index.ts';

/** A flow with one of its versions (the current one unless a version was asked for). */
export interface FlowView {
  readonly id: string;
  readonly name: string;
  readonly state: FlowState;
  /** The version shown: 1, 2, 3… */
  readonly version: number;
  readonly definition: unknown;
  readonly connectionReferences: Readonly<Record<string, unknown>>;
  readonly createdTime: string;
  /** The last change of the flow: a rename, enable/disable, or a new version. */
  readonly changedTime: string;
}

/** A flow in a listing: no definition (a list of many flows would carry all of them). */
export interface FlowSummaryView {
  readonly id: string;
  readonly name: string;
  readonly state: FlowState;
  /** The current version. */
  readonly version: number;
  readonly createdTime: string;
  readonly changedTime: string;
}

/** The view of `flow` with `version`. */
export function flowView(flow: FlowRecord, version: FlowVersionRecord): FlowView {
  return {
    ...flowSummaryView(flow),
    version: version.version,
    definition: version.definition,
    connectionReferences: version.connectionReferences,
  };
}

/** The listing view of `flow`. */
export function flowSummaryView(flow: FlowRecord): FlowSummaryView {
  return {
    id: flow.id,
    name: flow.name,
    state: flow.state,
    version: flow.currentVersion,
    createdTime: isoTime(flow.createdAt),
    changedTime: isoTime(flow.updatedAt),
  };
}

/** Epoch milliseconds as ISO-8601 text. */
export function isoTime(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
