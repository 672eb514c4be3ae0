/**
 * `runWorkflow`: one run of a loaded definition in this process, start to end, without the job
 * queue (the CLI's `flow run` and tests). Durable runs that survive a crash go through
 * {@link createRunLauncher} and a run worker instead; both use the same {@link RunEngine}.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../core/index.ts';
import { UserInputError } from '../../core/index.ts';
import type { Store } from '../../storage/index.ts';
import type { ActionContext, ActionErrorInfo, ActionResponse, HttpPort } from '../actions/contract.ts';
import { createBuiltInActionRegistry } from '../actions/registry.ts';
import type { ActionRegistry } from '../actions/registry.ts';
import type { LoadedWorkflow } from '../definition/load-workflow-definition.ts';
import type { WorkflowDefinition } from '../definition/model.ts';
import type { RunStatus } from '../rules/status.ts';
import { commitRunEnd, runEnd, writeDeferredIn } from './run-end.ts';
import { RunEngine } from './run-engine.ts';
import type { RunActionResult } from './run-engine.ts';

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
  /** Ports for connector actions, child flows, inline code (see ActionContext). */
  readonly ports?: Partial<ActionContext>;
  /** Sleeps for a Wait; default: real timers. */
  readonly sleep?: (ms: number) => Promise<void>;
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

/** Runs `loaded` to its end and returns the run's result; the store holds the full history. */
export async function runWorkflow(options: RunWorkflowOptions): Promise<RunResult> {
  const definition = options.loaded.definition;
  if (definition === undefined) throw new UserInputError('the workflow has no definition to run — load a definition object (with `triggers` and `actions`)', { code: 'WorkflowDefinitionMissing' });
  const { store, clock } = options;
  const flow = await flowVersionFor(options, definition);
  const trigger = definition.triggers[0];
  const run = await store.runs.create({ flowId: flow.id, flowVersion: flow.version, triggerName: trigger?.name ?? null, triggerOutputs: options.triggerOutputs ?? null });
  const engine = new RunEngine({
    runs: store.runs,
    clock,
    runId: run.id,
    registry: options.registry ?? createBuiltInActionRegistry(),
    parameters: { ...options.loaded.parameters, ...options.parameters },
    triggerOutputs: options.triggerOutputs ?? null,
    workflow: workflowObject(flow, run.id),
    ...(options.http === undefined ? {} : { http: options.http }),
    ...(options.ports === undefined ? {} : { ports: options.ports }),
    ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
    writeDeferred: writeDeferredIn(store),
  });
  const top = await engine.runDefinition(definition);
  const ended = runEnd(top, engine.terminated);
  const outputs = engine.definitionOutputs(definition);
  await commitRunEnd(store, { runId: run.id, deferred: engine.takeDeferred(), ended, outputs });
  return { runId: run.id, flowId: flow.id, ...ended, outputs, response: engine.response ?? null, actions: engine.resultsByName() };
}

/** What `workflow()` returns in a run of this flow. */
export function workflowObject(flow: { readonly id: string; readonly name: string }, runId: string): unknown {
  return { id: flow.id, name: flow.name, type: 'Microsoft.Logic/workflows', run: { id: runId, name: runId, type: 'Microsoft.Logic/workflows/runs' } };
}

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
