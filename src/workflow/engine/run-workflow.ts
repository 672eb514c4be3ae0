/**
 * The first run engine: executes a loaded definition in-process, one action at a time, and
 * journals every action attempt in the store (`startAction`/`finishAction`, `recordAction` for
 * skips) before any successor starts. Leaf actions go through the executor registry; the control
 * actions (Scope, If, Switch, Foreach, Until) are handled here because they run other actions.
 *
 * First-version limits (said in the README): parallel branches and Foreach iterations run
 * sequentially; Http retries are not applied by the engine; Wait completes at once; no resume
 * after a crash (the JobQueue-driven engine comes next).
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../core/index.ts';
import { UserInputError } from '../../core/index.ts';
import { createWorkflowEvaluator, isRecord } from '../../expressions/index.ts';
import type { ExpressionContext } from '../../expressions/index.ts';
import type { Store } from '../../storage/index.ts';
import type { ActionContext, ActionErrorInfo, ActionInput, ActionOutcome, ActionResponse, HttpPort, RunTermination } from '../actions/contract.ts';
import { evaluateCondition } from '../actions/conditions.ts';
import { foreachItems } from '../actions/foreach-items.ts';
import { createBuiltInActionRegistry, failureOf } from '../actions/registry.ts';
import type { ActionRegistry } from '../actions/registry.ts';
import { historyView, inheritsSecureInputs, outputReferences, secureDataOf } from '../actions/secure-data.ts';
import type { SecuredProducer } from '../actions/secure-data.ts';
import { switchCase } from '../actions/switch-case.ts';
import type { SwitchCaseDefinition } from '../actions/switch-case.ts';
import { createValueEvaluator } from '../actions/value-evaluator.ts';
import { createVariableStore } from '../actions/variable-store.ts';
import type { VariableStore } from '../actions/variable-store.ts';
import type { LoadedWorkflow } from '../definition/load-workflow-definition.ts';
import type { ActionContainer, WorkflowAction, WorkflowDefinition } from '../definition/model.ts';
import { CONTAINER_FAILED_ERROR, loopStatus, runStatus, scopeStatus } from '../rules/aggregate-status.ts';
import type { ContainerStatus, FinishedAction } from '../rules/aggregate-status.ts';
import { parseIsoDuration } from '../rules/iso-duration.ts';
import { shouldRun, skipError } from '../rules/should-run.ts';
import type { ActionStatus, RunStatus } from '../rules/status.ts';

/** Defaults of an Until's `limit` (wdl.md §4). */
export const UNTIL_DEFAULTS: Readonly<{ count: number; timeoutMs: number }> = Object.freeze({ count: 60, timeoutMs: 3_600_000 });

/** Which flow the run belongs to: an existing flow id, or a flow found/created by name. */
export type RunFlowTarget =
  | { readonly id: string }
  | { readonly name: string; readonly environment?: string };

/** Options of {@link runWorkflow}. */
export interface RunWorkflowOptions {
  readonly store: Store;
  /** A loaded definition without errors (validate first: the engine does not). */
  readonly loaded: LoadedWorkflow;
  /** The trigger's outputs (`{ headers, queries, body }` for a Request trigger). */
  readonly triggerOutputs?: unknown;
  /** Values of declared parameters; override the loaded ones. */
  readonly parameters?: Readonly<Record<string, unknown>>;
  readonly clock: Clock;
  /** Outbound HTTP for Http actions (without it they fail with `HttpNotAvailable`). */
  readonly http?: HttpPort;
  /** Default: a new flow named `flow-run-<uuid>` in the `default` environment. */
  readonly flow?: RunFlowTarget;
  /** Default: {@link createBuiltInActionRegistry}. */
  readonly registry?: ActionRegistry;
}

/** How one action ended (its last attempt / last iteration). */
export interface RunActionResult {
  readonly status: ActionStatus;
  readonly outputs: unknown;
  readonly error: ActionErrorInfo | null;
}

/** The result of {@link runWorkflow}. */
export interface RunResult {
  readonly runId: string;
  readonly flowId: string;
  readonly status: RunStatus;
  readonly error: ActionErrorInfo | null;
  /** The definition's evaluated `outputs` (`{ name: value }`). */
  readonly outputs: Readonly<Record<string, unknown>>;
  readonly response: ActionResponse | null;
  /** Every action at any depth, by name. */
  readonly actions: Readonly<Record<string, RunActionResult>>;
}

/** Where an action runs: its loop iteration and the loop values visible there. */
interface Frame {
  readonly iterationKey: string;
  readonly items: Readonly<Record<string, unknown>>;
  readonly iterationIndexes: Readonly<Record<string, number>>;
  readonly item?: unknown;
  readonly hasItem: boolean;
}

/** What expressions see as `actions('X')` and what the result lists. */
interface HistoryEntry {
  readonly name: string;
  readonly status: ActionStatus;
  readonly inputs: unknown;
  readonly outputs: unknown;
  readonly error: ActionErrorInfo | null;
}

interface ExecutedAction {
  readonly status: ActionStatus;
  readonly inputs?: unknown;
  readonly outputs?: unknown;
  readonly error?: ActionErrorInfo;
  /** The unredacted outcome, for expressions of later actions (when history hides parts). */
  readonly real?: ActionOutcome;
}

const TERMINATED_SKIP: ActionErrorInfo = Object.freeze({ code: 'ActionSkipped', message: 'The action was skipped because a Terminate action ended the run.' });

/** Runs `loaded` to its end and returns the run's result; the store holds the full history. */
export async function runWorkflow(options: RunWorkflowOptions): Promise<RunResult> {
  const definition = options.loaded.definition;
  if (definition === undefined) throw new UserInputError('the workflow has no definition to run — load a definition object (with `triggers` and `actions`)', { code: 'WorkflowDefinitionMissing' });
  const { store, clock } = options;
  const flow = await flowVersionFor(options, definition);
  const trigger = definition.triggers[0];
  const run = await store.runs.create({ flowId: flow.id, flowVersion: flow.version, triggerName: trigger?.name ?? null, triggerOutputs: options.triggerOutputs ?? null });
  const engine = new RunEngine({
    store,
    clock,
    runId: run.id,
    registry: options.registry ?? createBuiltInActionRegistry(),
    parameters: { ...options.loaded.parameters, ...options.parameters },
    triggerOutputs: options.triggerOutputs ?? null,
    workflow: { id: flow.id, name: flow.name, type: 'Microsoft.Logic/workflows', run: { id: run.id, name: run.id, type: 'Microsoft.Logic/workflows/runs' } },
    ...(options.http === undefined ? {} : { http: options.http }),
  });
  const top = await engine.runContainer(definition.actions, ROOT_FRAME);
  const status = runStatus({ actions: top, ...(engine.terminated === undefined ? {} : { terminated: engine.terminated.runStatus }) });
  const error = runError(status, engine.terminated);
  const outputs = engine.definitionOutputs(definition);
  await store.runs.finish(run.id, { status, error, outputs });
  return { runId: run.id, flowId: flow.id, status, error, outputs, response: engine.response ?? null, actions: engine.resultsByName() };
}

const ROOT_FRAME: Frame = Object.freeze({ iterationKey: '', items: {}, iterationIndexes: {}, hasItem: false });

async function flowVersionFor(options: RunWorkflowOptions, definition: WorkflowDefinition): Promise<{ id: string; name: string; version: number }> {
  const { store } = options;
  const content = { definition: definition.raw };
  const target = options.flow ?? { name: `flow-run-${randomUUID()}` };
  if ('id' in target) {
    const flow = await store.flows.get(target.id);
    if (flow === undefined) throw new UserInputError(`no flow has the id '${target.id}' — give the id of an existing flow, or a name`, { code: 'FlowNotFound' });
    return { id: flow.id, name: flow.name, version: flow.currentVersion };
  }
  const environment = await store.environments.ensure(target.environment ?? 'default');
  const existing = await store.flows.getByName(environment.id, target.name);
  const saved = existing === undefined ? await store.flows.create({ environmentId: environment.id, name: target.name, ...content }) : await store.flows.addVersion(existing.id, content);
  return { id: saved.flow.id, name: saved.flow.name, version: saved.version.version };
}

function runError(status: RunStatus, terminated: RunTermination | undefined): ActionErrorInfo | null {
  if (terminated !== undefined) {
    if (terminated.runStatus !== 'Failed') return null;
    return { code: terminated.code ?? 'Terminated', message: terminated.message ?? 'The run was terminated with status Failed.' };
  }
  return status === 'Failed' ? { code: CONTAINER_FAILED_ERROR.code, message: CONTAINER_FAILED_ERROR.message } : null;
}

interface RunEngineOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly runId: string;
  readonly registry: ActionRegistry;
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly triggerOutputs: unknown;
  readonly workflow: unknown;
  readonly http?: HttpPort;
}

/** The state of one run while it executes. */
class RunEngine {
  terminated: RunTermination | undefined;
  response: ActionResponse | undefined;
  private readonly options: RunEngineOptions;
  private readonly variables: VariableStore = createVariableStore();
  /** What expressions read: real values, even of secured actions. */
  private readonly history = new Map<string, HistoryEntry>();
  /** What the result reports: run history's view (secured parts hidden), in the order actions finished. */
  private readonly reported = new Map<string, RunActionResult>();
  private readonly results = new Map<string, unknown[]>();
  /** Type and secured parts of every leaf action run so far, for secure-data propagation. */
  private readonly producers = new Map<string, SecuredProducer>();
  private readonly evaluateValue;

  constructor(options: RunEngineOptions) {
    this.options = options;
    this.evaluateValue = createValueEvaluator({ evaluator: createWorkflowEvaluator({ clock: options.clock }) });
  }

  /** Runs a container's actions in runAfter order; returns how each ended. */
  async runContainer(container: ActionContainer, frame: Frame): Promise<FinishedAction[]> {
    const statuses: Record<string, ActionStatus | undefined> = {};
    const finished: FinishedAction[] = [];
    const pending = [...container.actions];
    while (pending.length > 0) {
      let index = pending.findIndex((action) => this.terminated !== undefined || shouldRun(action.runAfter, statuses).kind !== 'wait');
      // A cycle (validation rejects it) would never become ready: settle the rest as skipped.
      if (index === -1) index = 0;
      const [action] = pending.splice(index, 1);
      if (action === undefined) break;
      const status = await this.runOne(action, frame, statuses);
      statuses[action.name] = status;
      finished.push({ name: action.name, status, runAfter: action.runAfter });
    }
    return finished;
  }

  private async runOne(action: WorkflowAction, frame: Frame, statuses: Readonly<Record<string, ActionStatus | undefined>>): Promise<ActionStatus> {
    if (this.terminated !== undefined) {
      await this.skip(action, frame, TERMINATED_SKIP);
      return 'Skipped';
    }
    const decision = shouldRun(action.runAfter, statuses);
    if (decision.kind !== 'run') {
      const error = decision.kind === 'skip' ? skipError(action.name, decision.unmet) : { code: 'ActionConditionFailed', message: `The runAfter condition of action '${action.name}' can never be met (a cycle).` };
      await this.skip(action, frame, error);
      return 'Skipped';
    }
    const attempt = await this.options.store.runs.startAction({ runId: this.options.runId, name: action.name, iterationKey: frame.iterationKey });
    const executed = await this.execute(action, frame);
    await this.options.store.runs.finishAction(attempt.id, {
      status: executed.status,
      inputs: executed.inputs ?? null,
      outputs: executed.outputs ?? null,
      error: executed.error ?? null,
    });
    return executed.status;
  }

  /** Records `action` (and everything nested in it) as Skipped. */
  private async skip(action: WorkflowAction, frame: Frame, error: ActionErrorInfo): Promise<void> {
    await this.options.store.runs.recordAction({ runId: this.options.runId, name: action.name, iterationKey: frame.iterationKey, status: 'Skipped', error });
    this.remember(action.name, { status: 'Skipped', error });
    this.reported.set(action.name, { status: 'Skipped', outputs: null, error });
    for (const container of action.containers) {
      for (const child of container.actions) await this.skip(child, frame, { code: 'ActionSkipped', message: `The action was skipped because its container '${action.name}' did not run it.` });
    }
  }

  private async execute(action: WorkflowAction, frame: Frame): Promise<ExecutedAction> {
    const input = actionInputOf(action);
    let executed: ExecutedAction;
    try {
      switch (action.type.toLowerCase()) {
        case 'scope':
          executed = await this.runScope(action, frame);
          break;
        case 'if':
          executed = await this.runIf(action, frame);
          break;
        case 'switch':
          executed = await this.runSwitch(action, frame);
          break;
        case 'foreach':
          executed = await this.runForeach(action, frame);
          break;
        case 'until':
          executed = await this.runUntil(action, frame);
          break;
        default:
          executed = await this.runLeaf(action, input, frame);
      }
    } catch (error) {
      executed = { status: 'Failed', error: failureOf(input, error) };
    }
    this.remember(action.name, executed.real ?? executed);
    this.reported.set(action.name, { status: executed.status, outputs: executed.outputs ?? null, error: executed.error ?? null });
    return executed;
  }

  private async runLeaf(action: WorkflowAction, input: ActionInput, frame: Frame): Promise<ExecutedAction> {
    const context: ActionContext = {
      evaluate: (value, extra) => this.evaluateValue(value, { ...this.expressionContext(frame), ...extra }),
      variables: this.variables,
      clock: this.options.clock,
      ...(this.options.http === undefined ? {} : { http: this.options.http }),
    };
    const outcome: ActionOutcome = await this.options.registry.execute(input, context);
    if (outcome.terminate !== undefined) this.terminated = outcome.terminate;
    if (outcome.response !== undefined && outcome.status === 'Succeeded') {
      if (this.response !== undefined) {
        return { status: 'Failed', error: { code: 'ActionResponseAlreadySent', message: `action '${action.name}': a Response was already sent by an earlier action; a run replies once` } };
      }
      this.response = outcome.response;
    }
    // An action whose inputs read a secured result hides its inputs too (Logic Apps propagates
    // secure data); otherwise a Compose of a secured Http body would show the secret in history.
    const readsSecured = inheritsSecureInputs(outputReferences(action.raw['inputs']), {
      producer: (name) => (name === null ? undefined : this.producers.get(name)),
      anySecured: [...this.producers.values()].some((producer) => producer.secure !== undefined && (producer.secure.inputs || producer.secure.outputs)),
    });
    // Compose, ParseJson and Response hand their inputs on as outputs: hidden inputs hide those too.
    const inherited = secureDataOf({ secureData: { properties: ['inputs'] } }, action.type);
    const effective: ActionOutcome = readsSecured ? { ...outcome, secure: { inputs: true, outputs: (outcome.secure?.outputs ?? false) || (inherited?.outputs ?? false) } } : outcome;
    this.producers.set(action.name, { type: action.type, ...(effective.secure === undefined ? {} : { secure: effective.secure }) });
    // Run history hides secured parts; expressions of later actions still read the real values.
    const shown = historyView(effective);
    return { status: outcome.status, inputs: shown.inputs, outputs: shown.outputs, real: outcome, ...(outcome.error === undefined ? {} : { error: outcome.error }) };
  }

  private async runScope(action: WorkflowAction, frame: Frame): Promise<ExecutedAction> {
    const body = action.containers[0];
    const children = body === undefined ? [] : await this.runContainer(body, frame);
    return this.containerEnd(action, scopeStatus(children), children);
  }

  private async runIf(action: WorkflowAction, frame: Frame): Promise<ExecutedAction> {
    const result = await this.beforeChildren(action, frame, () =>
      evaluateCondition(action.raw['expression'], { evaluate: (value, extra) => this.evaluateValue(value, { ...this.expressionContext(frame), ...extra }) }),
    );
    const taken = action.containers.find((c) => c.parent?.branch === (result ? 'actions' : 'else'));
    for (const other of action.containers) if (other !== taken) for (const child of other.actions) await this.skip(child, frame, notTaken(action.name));
    const children = taken === undefined ? [] : await this.runContainer(taken, frame);
    const ended = this.containerEnd(action, scopeStatus(children), children);
    return { ...ended, inputs: { expressionResult: result }, outputs: { expression: result } };
  }

  private async runSwitch(action: WorkflowAction, frame: Frame): Promise<ExecutedAction> {
    const on = await this.beforeChildren(action, frame, () => this.evaluateValue(action.raw['expression'], this.expressionContext(frame)));
    const rawCases = action.raw['cases'];
    const cases: Record<string, SwitchCaseDefinition> = {};
    if (isRecord(rawCases)) for (const [name, value] of Object.entries(rawCases)) cases[name] = isRecord(value) ? value : {};
    const matched = await this.beforeChildren(action, frame, () => switchCase(on, cases));
    const taken = action.containers.find((c) => (matched === undefined ? c.parent?.branch === 'default' : c.parent?.branch === 'case' && c.parent.caseName === matched));
    for (const other of action.containers) if (other !== taken) for (const child of other.actions) await this.skip(child, frame, notTaken(action.name));
    const children = taken === undefined ? [] : await this.runContainer(taken, frame);
    const ended = this.containerEnd(action, scopeStatus(children), children);
    return { ...ended, inputs: { expressionValue: on }, outputs: { case: matched ?? null } };
  }

  private async runForeach(action: WorkflowAction, frame: Frame): Promise<ExecutedAction> {
    const items = await this.beforeChildren(action, frame, () => foreachItems(this.evaluateValue(action.raw['foreach'], this.expressionContext(frame))));
    const body = action.containers[0];
    const iterations: ContainerStatus[] = [];
    for (let index = 0; index < items.length && this.terminated === undefined; index++) {
      const item = items[index];
      const inner = loopFrame(frame, { name: action.name, index, item, hasItem: true });
      const children = body === undefined ? [] : await this.runContainer(body, inner);
      iterations.push(scopeStatus(children));
      this.collectResults(action.name, children);
    }
    const status = loopStatus(iterations);
    return { status, inputs: { foreachItems: items.length }, outputs: { iterations: iterations.length }, ...(status === 'Failed' ? { error: { ...CONTAINER_FAILED_ERROR } } : {}) };
  }

  private async runUntil(action: WorkflowAction, frame: Frame): Promise<ExecutedAction> {
    const limit = untilLimit(action.raw['limit']);
    const body = action.containers[0];
    const started = this.options.clock.now();
    const iterations: ContainerStatus[] = [];
    let met = false;
    for (let index = 0; this.terminated === undefined; index++) {
      const inner = loopFrame(frame, { name: action.name, index, hasItem: false });
      const children = body === undefined ? [] : await this.runContainer(body, inner);
      iterations.push(scopeStatus(children));
      this.collectResults(action.name, children);
      met = evaluateCondition(action.raw['expression'], { evaluate: (value, extra) => this.evaluateValue(value, { ...this.expressionContext(inner), ...extra }) });
      // Limits are checked between passes: an overrunning pass is not interrupted (wdl.md §4).
      if (met || index + 1 >= limit.count || this.options.clock.now() - started >= limit.timeoutMs) break;
    }
    const status = loopStatus(iterations);
    return {
      status,
      inputs: { limit: { count: limit.count, timeoutMs: limit.timeoutMs } },
      outputs: { iterations: iterations.length, conditionMet: met },
      ...(status === 'Failed' ? { error: { ...CONTAINER_FAILED_ERROR } } : {}),
    };
  }

  /**
   * Runs a control action's own evaluation (condition, Switch value, Foreach items); when it
   * throws, the children will never run, so they are recorded Skipped before the action fails.
   */
  private async beforeChildren<T>(action: WorkflowAction, frame: Frame, work: () => T): Promise<T> {
    try {
      return work();
    } catch (error) {
      for (const container of action.containers) for (const child of container.actions) await this.skip(child, frame, notTaken(action.name));
      throw error;
    }
  }

  private containerEnd(action: WorkflowAction, status: ContainerStatus, children: readonly FinishedAction[]): ExecutedAction {
    this.results.set(action.name, children.map((child) => this.historyObject(child.name)));
    return status === 'Failed' ? { status, error: { ...CONTAINER_FAILED_ERROR } } : { status };
  }

  private collectResults(loop: string, children: readonly FinishedAction[]): void {
    const list = this.results.get(loop) ?? [];
    list.push(...children.map((child) => this.historyObject(child.name)));
    this.results.set(loop, list);
  }

  private remember(name: string, result: { readonly status: ActionStatus; readonly inputs?: unknown; readonly outputs?: unknown; readonly error?: ActionErrorInfo }): void {
    this.history.set(name, { name, status: result.status, inputs: result.inputs ?? null, outputs: result.outputs ?? null, error: result.error ?? null });
  }

  private historyObject(name: string): unknown {
    return this.history.get(name) ?? { name, status: 'Skipped', inputs: null, outputs: null, error: null };
  }

  /** The expression context of an evaluation in `frame`, built from the run's state now. */
  private expressionContext(frame: Frame): ExpressionContext {
    return {
      parameters: this.options.parameters,
      variables: this.variables.values(),
      trigger: { outputs: this.options.triggerOutputs },
      actions: Object.fromEntries(this.history),
      results: Object.fromEntries(this.results),
      items: frame.items,
      iterationIndexes: frame.iterationIndexes,
      workflow: this.options.workflow,
      utcNow: new Date(this.options.clock.now()).toISOString(),
      ...(frame.hasItem ? { item: frame.item } : {}),
    };
  }

  /** The definition's `outputs` section evaluated at the end; one that fails to evaluate is null. */
  definitionOutputs(definition: WorkflowDefinition): Record<string, unknown> {
    const declared = definition.raw['outputs'];
    const outputs: Record<string, unknown> = {};
    if (!isRecord(declared)) return outputs;
    for (const [name, entry] of Object.entries(declared)) {
      try {
        outputs[name] = this.evaluateValue(isRecord(entry) ? entry['value'] : null, this.expressionContext(ROOT_FRAME)) ?? null;
      } catch {
        // A failing output expression does not change the run's status; the output is absent (null).
        outputs[name] = null;
      }
    }
    return outputs;
  }

  /** Every action's last result, by name (a loop body's actions: their last iteration). */
  resultsByName(): Record<string, RunActionResult> {
    return Object.fromEntries(this.reported);
  }
}

function actionInputOf(action: WorkflowAction): ActionInput {
  return {
    name: action.name,
    type: action.type,
    inputs: action.inputs,
    pointer: action.pointer,
    ...(action.raw['runtimeConfiguration'] === undefined ? {} : { runtimeConfiguration: action.raw['runtimeConfiguration'] }),
    ...(action.kind === undefined ? {} : { kind: action.kind }),
  };
}

function notTaken(container: string): ActionErrorInfo {
  return { code: 'ActionBranchingConditionNotSatisfied', message: `The action was skipped because its branch of '${container}' was not taken.` };
}

function loopFrame(frame: Frame, loop: { readonly name: string; readonly index: number; readonly item?: unknown; readonly hasItem: boolean }): Frame {
  const key = `${loop.name}[${loop.index}]`;
  return {
    iterationKey: frame.iterationKey === '' ? key : `${frame.iterationKey}/${key}`,
    items: loop.hasItem ? { ...frame.items, [loop.name]: loop.item } : frame.items,
    iterationIndexes: { ...frame.iterationIndexes, [loop.name]: loop.index },
    ...(loop.hasItem ? { item: loop.item, hasItem: true } : frame.hasItem ? { item: frame.item, hasItem: true } : { hasItem: false }),
  };
}

function untilLimit(raw: unknown): { count: number; timeoutMs: number } {
  if (!isRecord(raw)) return { ...UNTIL_DEFAULTS };
  const count = typeof raw['count'] === 'number' && Number.isInteger(raw['count']) && raw['count'] > 0 ? raw['count'] : UNTIL_DEFAULTS.count;
  const timeout = typeof raw['timeout'] === 'string' ? parseIsoDuration(raw['timeout']) : undefined;
  return { count, timeoutMs: timeout ?? UNTIL_DEFAULTS.timeoutMs };
}
