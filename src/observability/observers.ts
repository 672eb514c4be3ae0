/**
 * What the engine, the trigger service and the gateway report, as small ports. `PlugboardMetrics`
 * implements them; areas that report take them as optional options and default to
 * {@link silentObserver}. Implementations never throw into the caller, and callers pass only
 * bounded values (a status, a type, a connector name) — never an id, a URL or user text.
 */

/** A run was created and queued (`RunLauncher.start`). */
export interface RunStartedEvent {
  /** The type of the trigger that started it (`Request`, `Recurrence`, `ApiConnection`…), not its name. */
  readonly trigger: string;
}

/** A run reached its final status. */
export interface RunFinishedEvent {
  /** `Succeeded`, `Failed` or `Cancelled`. */
  readonly status: string;
  /** From the run's start (creation) to its end, waits included. */
  readonly durationMs: number;
}

/** One action attempt ended (a control action's time includes its children's). */
export interface ActionFinishedEvent {
  /** The canonical action type (`Http`, `Compose`, `OpenApiConnection`, `Foreach`…). */
  readonly type: string;
  /** The attempt's status (`Succeeded`, `Failed`, `Skipped`, `TimedOut`…). */
  readonly status: string;
  readonly durationMs: number;
}

/** What a run's execution reports. */
export interface RunObserver {
  runStarted(event: RunStartedEvent): void;
  runFinished(event: RunFinishedEvent): void;
  actionFinished(event: ActionFinishedEvent): void;
}

/** How one trigger check ended: it started runs, found nothing new (or its conditions said no), or failed. Same words as the trigger service's `PollOutcome`. */
export type TriggerPollOutcome = 'fired' | 'skipped' | 'failed';

/** A polling trigger was evaluated once. */
export interface TriggerPolledEvent {
  /** The trigger's type (`Recurrence`, `ApiConnection`, `Http`…), not its name. */
  readonly kind: string;
  readonly outcome: TriggerPollOutcome;
}

/** What the trigger service reports. */
export interface TriggerObserver {
  triggerPolled(event: TriggerPolledEvent): void;
}

/** One call through the gateway's invoker ended. */
export interface GatewayCallEvent {
  /** The connector of the connection called, as the catalog names it; `unknown` when the connection could not be resolved. */
  readonly connector: string;
  /** The backend's HTTP status, or `error` when no answer came back (refused, rate-limited, unreachable…). */
  readonly status: number | 'error';
  readonly durationMs?: number;
}

/** What the gateway reports. */
export interface GatewayCallObserver {
  gatewayCall(event: GatewayCallEvent): void;
}

/** Every observer port at once. */
export type PlugboardObserver = RunObserver & TriggerObserver & GatewayCallObserver;

/** Observes nothing (the default where no metrics are wired). */
export const silentObserver: PlugboardObserver = Object.freeze({
  runStarted: () => undefined,
  runFinished: () => undefined,
  actionFinished: () => undefined,
  triggerPolled: () => undefined,
  gatewayCall: () => undefined,
});
