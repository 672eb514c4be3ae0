/**
 * The flow service: flows of an environment (create, read, update into a new version, enable,
 * disable, delete), manual runs through the run launcher, and the run history views. The HTTP
 * API and the CLI both use it; permissions are the server's business (`server/permissions.ts`).
 *
 * Rules: every definition is loaded and validated before a version is stored (an invalid one is
 * never saved); a change of the definition or the connection references stores a new version,
 * a rename or enable/disable does not; a flow is addressed by id (names only when creating, and
 * in the CLI); a flow or run of another environment answers "not found".
 */
import { ConflictError, NotFoundError, PlugboardError, UserInputError, escapePointerToken } from '../../core/index.ts';
import { StorageErrorCode } from '../../storage/index.ts';
import type { EnvironmentRecord, FlowMemberAccess, FlowRecord, FlowState, RunSummary, Store } from '../../storage/index.ts';
import { ConnectorPortErrorCode } from '../connectors/errors.ts';
import { resolveConnectionReferences } from '../connectors/connection-references.ts';
import { loadWorkflowDefinition } from '../definition/load-workflow-definition.ts';
import type { RunLauncher } from '../engine/run-launcher-types.ts';
import { REFERENCES_POINTER, checkFlowDefinition } from './check-definition.ts';
import { FlowsErrorCode } from './errors.ts';
import { flowSummaryView, flowView, isoTime } from './flow-view.ts';
import type { FlowSummaryView, FlowView } from './flow-view.ts';
import { decodeRunCursor, encodeRunCursor } from './run-page-token.ts';
import { recordedActionNames, repetitionViews, runDocument, runSummaryView } from './run-views.ts';
import type { RepetitionView, RunDocument, RunSummaryView } from './run-views.ts';

/** Names and states as the API takes them. */
const NAME_MAX_LENGTH = 256;
const STATES: readonly FlowState[] = ['enabled', 'disabled'];

/** Runs per page: the default and the most a caller may ask for. */
export const RUN_PAGE_LIMITS: Readonly<{ default: number; max: number }> = Object.freeze({ default: 50, max: 250 });

/** Which flow: its id in an environment (by name). */
export interface FlowAddress {
  readonly environment: string;
  readonly flowId: string;
}

/** Which run of which flow. */
export interface RunAddress extends FlowAddress {
  readonly runId: string;
}

/** Who makes a change: a principal with its role in the flow's environment. */
export interface FlowEditor {
  readonly id: string;
  readonly role: string;
}

/**
 * Whether `actor` may use connection `connectionId` of `environment` (owns it, has it shared, or
 * is an admin there). The server answers it with the connection service; the flow service never
 * sees a connection's values.
 */
export type ConnectionUseCheck = (request: { readonly environment: string; readonly actor: FlowEditor; readonly connectionId: string }) => Promise<boolean>;

/** Input of {@link FlowService.create}. */
export interface CreateFlowRequest {
  /** Unique in the environment (case-sensitive). */
  readonly name: string;
  /** A workflow definition (bare, or any wrapper `loadWorkflowDefinition` accepts), stored as sent. */
  readonly definition: unknown;
  /** `{ "<name>": { connectionName, id, … } }`; default `{}`. */
  readonly connectionReferences?: Readonly<Record<string, unknown>>;
  /** Default `enabled`. */
  readonly state?: FlowState;
  /** The principal creating it (null/absent: the system). */
  readonly ownerId?: string | null;
  /** Who creates it: every connection it references must be one they may use. Absent: the system (CLI), unchecked. */
  readonly editor?: FlowEditor;
}

/** Input of {@link FlowService.update}: absent members stay as they are. */
export interface UpdateFlowRequest {
  readonly name?: string;
  readonly state?: FlowState;
  /** A new definition: stored as a new version. */
  readonly definition?: unknown;
  /** New connection references: stored as a new version (with the current definition if none is given). */
  readonly connectionReferences?: Readonly<Record<string, unknown>>;
  /**
   * Who makes the change: a connection the new version references and the current one does not
   * must be one they may use (references already there may stay). Absent: the system, unchecked.
   */
  readonly editor?: FlowEditor;
}

/** The trigger outputs of a manual run (`{ headers, queries, body }` of a Request trigger). */
export interface ManualTriggerOutputs {
  readonly headers?: Readonly<Record<string, string>>;
  readonly queries?: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

/** Input of {@link FlowService.startRun}. */
export interface StartRunRequest {
  readonly trigger: ManualTriggerOutputs;
  /** The principal starting it (recorded on the run). */
  readonly startedBy?: string;
}

/** Which page of runs {@link FlowService.listRuns} returns. */
export interface RunPageRequest {
  /** 1–{@link RUN_PAGE_LIMITS}.max; default {@link RUN_PAGE_LIMITS}.default. */
  readonly top?: number;
  /** The `skipToken` of the previous page. */
  readonly skipToken?: string;
  /** Only the runs this principal started (what a run-only user sees). */
  readonly startedBy?: string;
}

/** Which flows {@link FlowService.list} returns. */
export interface FlowListFilter {
  /** Only the flows this principal owns or is a member of (absent: all, as admins see them). */
  readonly visibleTo?: string;
}

/** How a principal shares a flow: its owner, a co-owner or a run-only user. */
export type FlowMemberRole = 'owner' | FlowMemberAccess;

/** A principal with access to a flow. */
export interface FlowMemberView {
  readonly principalId: string;
  readonly access: FlowMemberRole;
  /** When they got it (for the owner: when the flow was created). */
  readonly createdTime: string;
}

/** Input of {@link FlowService.setMember}. */
export interface SetFlowMemberRequest {
  readonly principalId: string;
  readonly access: FlowMemberAccess;
}

/** A page of runs, newest first. */
export interface RunPage {
  readonly value: readonly RunSummaryView[];
  /** Present when more runs follow: pass it as `skipToken` for the next page. */
  readonly skipToken?: string;
}

/** A run of an environment's listing, with its flow's name (for the CLI). */
export interface FlowRunEntry {
  readonly flowName: string;
  readonly run: RunSummaryView;
}

/** A run found by id alone, with where it lives (for the CLI). */
export interface FoundRun {
  readonly environment: string;
  readonly flowName: string;
  readonly run: RunDocument;
}

/** The service. */
export interface FlowService {
  /** Validates and stores version 1. ConflictError (`FlowExists`) when the name is taken. */
  create(environment: string, request: CreateFlowRequest): Promise<FlowView>;
  /** The environment's flows, by name (only those `filter.visibleTo` may see, when given). */
  list(environment: string, filter?: FlowListFilter): Promise<readonly FlowSummaryView[]>;
  /** The flow with its current version. */
  get(flow: FlowAddress): Promise<FlowView>;
  /** The flow with an older (or the current) version. */
  getVersion(flow: FlowAddress, version: number): Promise<FlowView>;
  /** Renames, enables/disables, and/or stores a new version; validated before anything changes. */
  update(flow: FlowAddress, request: UpdateFlowRequest): Promise<FlowView>;
  /** Deletes the flow, its versions and its runs. */
  delete(flow: FlowAddress): Promise<void>;
  /** Enables or disables (idempotent). */
  setState(flow: FlowAddress, state: FlowState): Promise<FlowView>;
  /** Starts a run of the current version through the launcher; ConflictError (`FlowDisabled`) for a disabled flow. */
  startRun(flow: FlowAddress, request: StartRunRequest): Promise<{ readonly runId: string }>;
  /** A page of the flow's runs, newest first. */
  listRuns(flow: FlowAddress, page?: RunPageRequest): Promise<RunPage>;
  /** One run with its trigger, outputs and actions. */
  getRun(run: RunAddress): Promise<RunDocument>;
  /** Every loop iteration of one action of a run. */
  listRepetitions(run: RunAddress, actionName: string): Promise<readonly RepetitionView[]>;
  /** The flow's owner, co-owners and run-only users (owner first). */
  listMembers(flow: FlowAddress): Promise<readonly FlowMemberView[]>;
  /** Makes a principal a co-owner or run-only user (or changes which); not the owner. */
  setMember(flow: FlowAddress, request: SetFlowMemberRequest): Promise<FlowMemberView>;
  /** Takes a member's access away; NotFoundError (`FlowMemberNotFound`) when they had none. */
  removeMember(flow: FlowAddress, principalId: string): Promise<void>;
  /** A flow by id, else by exact name (the CLI's `--flow <name|id>`). */
  findFlow(environment: string, nameOrId: string): Promise<FlowSummaryView>;
  /** The newest runs of an environment (of one flow when `flowId` is given), newest first. */
  recentRuns(environment: string, options: { readonly flowId?: string; readonly top: number }): Promise<readonly FlowRunEntry[]>;
  /** A run by id, in any environment (the CLI's `runs show <id>`). */
  findRun(runId: string): Promise<FoundRun>;
}

/** Options of {@link createFlowService}. */
export interface FlowServiceOptions {
  readonly store: Store;
  /** Starts runs; without it `startRun` fails with `RunLauncherUnavailable`. */
  readonly runs?: RunLauncher;
  /** Answers whether an editor may use a connection; without it, changes by an editor that add a connection reference are refused. */
  readonly connectionUse?: ConnectionUseCheck;
}

/** Creates the service. */
export function createFlowService(options: FlowServiceOptions): FlowService {
  const { store } = options;

  const environmentNamed = async (name: string): Promise<EnvironmentRecord> => {
    const environment = await store.environments.getByName(name);
    if (environment === undefined) {
      throw new NotFoundError(`environment "${name}" does not exist — list them with GET /api/environments (CLI: \`plugboard env list\`)`, {
        code: FlowsErrorCode.EnvironmentNotFound,
        details: { environment: name },
      });
    }
    return environment;
  };

  /** The flow of the address, or FlowNotFound naming it (with a hint when a name was given for an id). */
  const flowAt = async (address: FlowAddress): Promise<FlowRecord> => {
    const environment = await environmentNamed(address.environment);
    const flow = await store.flows.get(address.flowId);
    if (flow !== undefined && flow.environmentId === environment.id) return flow;
    const named = await store.flows.getByName(environment.id, address.flowId);
    const hint = named === undefined
      ? ` — list the flows with GET /api/environments/${address.environment}/flows`
      : ` — flows are addressed by id, and "${address.flowId}" is a name: use its id ${named.id}`;
    throw new NotFoundError(`flow ${address.flowId} does not exist in environment "${address.environment}"${hint}`, {
      code: FlowsErrorCode.FlowNotFound,
      details: { flowId: address.flowId },
    });
  };

  const currentView = async (flow: FlowRecord): Promise<FlowView> => flowView(flow, await versionOf(flow, flow.currentVersion));

  const versionOf = async (flow: FlowRecord, version: number) => {
    const found = await store.flows.getVersion(flow.id, version);
    if (found === undefined) {
      throw new NotFoundError(`flow ${flow.id} ("${flow.name}") has no version ${version} — its versions are 1 to ${flow.currentVersion}`, {
        code: FlowsErrorCode.FlowVersionNotFound,
        details: { flowId: flow.id, version },
      });
    }
    return found;
  };

  /**
   * The run of the address, read with `read`: `store.runs.getSummary` where the trigger outputs
   * and outputs are not shown (no blob is loaded), `store.runs.get` where they are.
   */
  const runAt = async <R extends RunSummary>(address: RunAddress, read: (id: string) => Promise<R | undefined>): Promise<{ flow: FlowRecord; run: R }> => {
    const flow = await flowAt(address);
    const run = await read(address.runId);
    if (run === undefined || run.flowId !== flow.id) {
      throw new NotFoundError(`run ${address.runId} of flow ${flow.id} ("${flow.name}") does not exist — list its runs with GET /api/environments/${address.environment}/flows/${flow.id}/runs`, {
        code: FlowsErrorCode.RunNotFound,
        details: { flowId: flow.id, runId: address.runId },
      });
    }
    return { flow, run };
  };

  /** A `FlowExists` conflict told with the id of the flow that has the name; other errors unchanged. */
  const nameTakenWithId = async (error: unknown, environment: Pick<EnvironmentRecord, 'id' | 'name'>, name: string): Promise<unknown> => {
    if (!(error instanceof ConflictError) || error.code !== StorageErrorCode.FlowExists) return error;
    const holder = await store.flows.getByName(environment.id, name);
    if (holder === undefined) return error;
    return new ConflictError(`a flow named "${name}" already exists in environment "${environment.name}" (id ${holder.id}) — choose another name, or change that flow with PATCH /api/environments/${environment.name}/flows/${holder.id}`, {
      code: StorageErrorCode.FlowExists,
      details: { name, flowId: holder.id },
    });
  };

  /**
   * Refuses a connection the editor may not use among those `next` references and `current` does
   * not; "does not exist" and "not yours" are told alike, so that ids of other principals'
   * connections cannot be probed.
   */
  const checkNewConnections = async (change: { environment: string; editor: FlowEditor; next: ReadonlyMap<string, string>; current: ReadonlySet<string> }): Promise<void> => {
    for (const [connectionId, reference] of change.next) {
      if (change.current.has(connectionId)) continue;
      if (options.connectionUse === undefined) {
        throw new PlugboardError('this server cannot check connection references (no connection service is wired in), so it refuses changes that add one', {
          code: FlowsErrorCode.ConnectionCheckUnavailable,
          kind: 'operational',
        });
      }
      if (await options.connectionUse({ environment: change.environment, actor: change.editor, connectionId })) continue;
      throw new UserInputError(
        `connection reference "${reference}" names connection ${connectionId}, which does not exist in environment "${change.environment}" or which you may not use — reference a connection you own or one shared with you (GET /api/environments/${change.environment}/connections lists them)`,
        { code: FlowsErrorCode.ConnectionReferenceNotUsable, details: { path: `${REFERENCES_POINTER}/${escapePointerToken(reference)}`, connectionId } },
      );
    }
  };

  return {
    async create(environmentName, request) {
      const environment = await environmentNamed(environmentName);
      checkName(request.name);
      if (request.state !== undefined) checkState(request.state);
      const connectionReferences = request.connectionReferences ?? {};
      const loaded = checkFlowDefinition({ flowName: request.name, definition: request.definition, connectionReferences });
      if (request.editor !== undefined) {
        await checkNewConnections({ environment: environmentName, editor: request.editor, next: referencedConnections(connectionReferences, loaded.parameters), current: new Set() });
      }
      try {
        const created = await store.flows.create({
          environmentId: environment.id,
          name: request.name,
          definition: request.definition,
          connectionReferences,
          ...(request.state === undefined ? {} : { state: request.state }),
          ...(request.ownerId === undefined ? {} : { ownerId: request.ownerId }),
        });
        return flowView(created.flow, created.version);
      } catch (error) {
        throw await nameTakenWithId(error, environment, request.name);
      }
    },

    async list(environmentName, filter = {}) {
      const environment = await environmentNamed(environmentName);
      const flows = filter.visibleTo === undefined ? await store.flows.list(environment.id) : await store.flows.listVisibleTo(environment.id, filter.visibleTo);
      return flows.map(flowSummaryView);
    },

    async get(address) {
      return currentView(await flowAt(address));
    },

    async getVersion(address, version) {
      const flow = await flowAt(address);
      return flowView(flow, await versionOf(flow, version));
    },

    async update(address, request) {
      const flow = await flowAt(address);
      if (request.name !== undefined) checkName(request.name);
      if (request.state !== undefined) checkState(request.state);
      const newVersion = request.definition !== undefined || request.connectionReferences !== undefined;
      let content: { definition: unknown; connectionReferences: Readonly<Record<string, unknown>> } | undefined;
      if (newVersion) {
        const current = await versionOf(flow, flow.currentVersion);
        content = {
          definition: request.definition === undefined ? current.definition : request.definition,
          connectionReferences: request.connectionReferences ?? current.connectionReferences,
        };
        const loaded = checkFlowDefinition({ flowName: request.name ?? flow.name, ...content });
        if (request.editor !== undefined) {
          await checkNewConnections({
            environment: address.environment,
            editor: request.editor,
            next: referencedConnections(content.connectionReferences, loaded.parameters),
            current: new Set(referencedConnections(current.connectionReferences, loadWorkflowDefinition(current.definition, { connectionReferences: current.connectionReferences }).parameters).keys()),
          });
        }
      }
      const patch = { ...(request.name === undefined ? {} : { name: request.name }), ...(request.state === undefined ? {} : { state: request.state }) };
      // One transaction: a taken name must not leave a new version behind, nor the reverse.
      const updated = await store
        .transaction(async (tx) => {
          const versioned = content === undefined ? undefined : await tx.flows.addVersion(flow.id, content);
          const renamed = Object.keys(patch).length === 0 ? undefined : await tx.flows.update(flow.id, patch);
          return { flow: renamed ?? versioned?.flow ?? flow, version: versioned?.version };
        })
        .catch(async (error: unknown) => {
          throw request.name === undefined ? error : await nameTakenWithId(error, { id: flow.environmentId, name: address.environment }, request.name);
        });
      return updated.version === undefined ? currentView(updated.flow) : flowView(updated.flow, updated.version);
    },

    async delete(address) {
      const flow = await flowAt(address);
      await store.flows.delete(flow.id);
    },

    async setState(address, state) {
      checkState(state);
      const flow = await flowAt(address);
      return currentView(flow.state === state ? flow : await store.flows.update(flow.id, { state }));
    },

    async startRun(address, { trigger, startedBy }) {
      const flow = await flowAt(address);
      if (flow.state !== 'enabled') {
        throw new ConflictError(`flow ${flow.id} ("${flow.name}") is disabled — enable it with POST /api/environments/${address.environment}/flows/${flow.id}/enable, then run it`, {
          code: FlowsErrorCode.FlowDisabled,
          details: { flowId: flow.id },
        });
      }
      if (options.runs === undefined) {
        throw new PlugboardError('this server cannot start runs: no run launcher is wired in', { code: FlowsErrorCode.RunLauncherUnavailable, kind: 'operational' });
      }
      // The starter is written with the run, in the same transaction.
      return options.runs.start({ flowId: flow.id, version: flow.currentVersion, triggerOutputs: manualTriggerOutputs(trigger), ...(startedBy === undefined ? {} : { startedBy }) });
    },

    async listRuns(address, page = {}) {
      const flow = await flowAt(address);
      const top = checkTop(page.top, '$top');
      const after = page.skipToken === undefined ? undefined : decodeRunCursor(page.skipToken);
      // One more than asked tells whether another page follows.
      const runs = await store.runs.listForFlow(flow.id, { limit: top + 1, ...(after === undefined ? {} : { after }), ...(page.startedBy === undefined ? {} : { startedBy: page.startedBy }) });
      const shown = runs.slice(0, top);
      const last = shown.at(-1);
      return {
        value: shown.map(runSummaryView),
        ...(runs.length > top && last !== undefined ? { skipToken: encodeRunCursor({ id: last.id, startedAt: last.startedAt }) } : {}),
      };
    },

    async getRun(address) {
      const { run } = await runAt(address, (id) => store.runs.get(id));
      return runDocument(run, await store.runs.listActions(run.id));
    },

    async listRepetitions(address, actionName) {
      const { run } = await runAt(address, (id) => store.runs.getSummary(id));
      const attempts = await store.runs.listActions(run.id);
      const repetitions = repetitionViews(attempts, actionName);
      if (repetitions === undefined) {
        const names = recordedActionNames(attempts);
        throw new NotFoundError(`run ${run.id} has no action named "${actionName}" — its actions are ${names.length === 0 ? '(none recorded yet)' : names.map((n) => `"${n}"`).join(', ')}`, {
          code: FlowsErrorCode.ActionNotFound,
          details: { runId: run.id, action: actionName },
        });
      }
      return repetitions;
    },

    async listMembers(address) {
      const flow = await flowAt(address);
      const members = (await store.flowMembers.list(flow.id)).map((member) => ({ principalId: member.principalId, access: member.access, createdTime: isoTime(member.createdAt) }));
      return flow.ownerId === null ? members : [{ principalId: flow.ownerId, access: 'owner' as const, createdTime: isoTime(flow.createdAt) }, ...members];
    },

    async setMember(address, request) {
      const flow = await flowAt(address);
      if (!MEMBER_ACCESS.some((access) => access === request.access)) {
        throw new UserInputError(`access ${JSON.stringify(request.access)} is invalid — use "co-owner" (may edit) or "run-only" (may start it and see their own runs)`, {
          code: FlowsErrorCode.FlowMemberInvalid,
          details: { parameter: 'access' },
        });
      }
      if (request.principalId === flow.ownerId) {
        throw new UserInputError(`principal ${request.principalId} owns flow ${flow.id} ("${flow.name}") already — add other principals as co-owners or run-only users`, {
          code: FlowsErrorCode.FlowMemberInvalid,
          details: { parameter: 'principalId' },
        });
      }
      if ((await store.principals.get(request.principalId)) === undefined) {
        throw new NotFoundError(`no principal has the id ${request.principalId} — give the id of an existing user or service account`, {
          code: FlowsErrorCode.PrincipalNotFound,
          details: { principalId: request.principalId },
        });
      }
      const member = await store.flowMembers.put({ flowId: flow.id, principalId: request.principalId, access: request.access });
      return { principalId: member.principalId, access: member.access, createdTime: isoTime(member.createdAt) };
    },

    async removeMember(address, principalId) {
      const flow = await flowAt(address);
      if (!(await store.flowMembers.delete(flow.id, principalId))) {
        throw new NotFoundError(`principal ${principalId} is not a co-owner or run-only user of flow ${flow.id} ("${flow.name}") — list them with GET /api/environments/${address.environment}/flows/${flow.id}/members`, {
          code: FlowsErrorCode.FlowMemberNotFound,
          details: { principalId },
        });
      }
    },

    async findFlow(environmentName, nameOrId) {
      const environment = await environmentNamed(environmentName);
      const byId = await store.flows.get(nameOrId);
      const flow = byId !== undefined && byId.environmentId === environment.id ? byId : await store.flows.getByName(environment.id, nameOrId);
      if (flow === undefined) {
        throw new NotFoundError(`no flow has the id or name "${nameOrId}" in environment "${environmentName}" — flows are created by \`plugboard flow run <file>\` (named after the file) or POST /api/environments/${environmentName}/flows`, {
          code: FlowsErrorCode.FlowNotFound,
          details: { flow: nameOrId },
        });
      }
      return flowSummaryView(flow);
    },

    async recentRuns(environmentName, { flowId, top }) {
      const environment = await environmentNamed(environmentName);
      const limit = checkTop(top, 'top');
      const flows = (await store.flows.list(environment.id)).filter((flow) => flowId === undefined || flow.id === flowId);
      const entries: { flowName: string; run: RunSummary }[] = [];
      for (const flow of flows) {
        for (const run of await store.runs.listForFlow(flow.id, { limit })) entries.push({ flowName: flow.name, run });
      }
      entries.sort((a, b) => b.run.startedAt - a.run.startedAt || (a.run.id < b.run.id ? 1 : a.run.id > b.run.id ? -1 : 0));
      return entries.slice(0, limit).map((entry) => ({ flowName: entry.flowName, run: runSummaryView(entry.run) }));
    },

    async findRun(runId) {
      const run = await store.runs.get(runId);
      const flow = run === undefined ? undefined : await store.flows.get(run.flowId);
      const environment = flow === undefined ? undefined : (await store.environments.list()).find((env) => env.id === flow.environmentId);
      if (run === undefined || flow === undefined || environment === undefined) {
        throw new NotFoundError(`run ${runId} does not exist — list runs with \`plugboard runs list\``, { code: FlowsErrorCode.RunNotFound, details: { runId } });
      }
      return { environment: environment.name, flowName: flow.name, run: runDocument(run, await store.runs.listActions(run.id)) };
    },
  };
}

/** The kinds of membership a flow has besides its owner. */
const MEMBER_ACCESS: readonly FlowMemberAccess[] = ['co-owner', 'run-only'];

/**
 * The connections a version references (from its `connectionReferences` and a Logic Apps
 * `$connections` parameter), each with the reference that names it. Entries that name no
 * connection are left out: the definition check reports them.
 */
function referencedConnections(connectionReferences: Readonly<Record<string, unknown>>, parameters: Readonly<Record<string, unknown>>): Map<string, string> {
  const table = resolveConnectionReferences(connectionReferences, parameters);
  const found = new Map<string, string>();
  for (const name of table.names) {
    try {
      const resolved = table.resolve(name);
      if (resolved !== undefined && !found.has(resolved.connectionId)) found.set(resolved.connectionId, name);
    } catch (error) {
      // An entry naming no connection references nothing to check.
      if (!(error instanceof PlugboardError && error.code === ConnectorPortErrorCode.ConnectionReferenceInvalid)) throw error;
    }
  }
  return found;
}

/** The trigger outputs a manual run starts with: every member present, as a Request trigger has them. */
export function manualTriggerOutputs(trigger: ManualTriggerOutputs): { headers: Readonly<Record<string, string>>; queries: Readonly<Record<string, string>>; body: unknown } {
  return { headers: trigger.headers ?? {}, queries: trigger.queries ?? {}, body: trigger.body ?? null };
}

function checkName(name: unknown): void {
  if (typeof name !== 'string' || name.length === 0 || name.length > NAME_MAX_LENGTH || name.trim() !== name || /\p{Cc}/u.test(name)) {
    throw new UserInputError(`flow name ${JSON.stringify(name)} is invalid — use 1 to ${NAME_MAX_LENGTH} characters without leading or trailing spaces or control characters`, {
      code: FlowsErrorCode.FlowInputInvalid,
      details: { parameter: 'name' },
    });
  }
}

function checkState(state: unknown): void {
  if (!STATES.some((allowed) => allowed === state)) {
    throw new UserInputError(`flow state ${JSON.stringify(state)} is invalid — use "enabled" or "disabled"`, { code: FlowsErrorCode.FlowInputInvalid, details: { parameter: 'state' } });
  }
}

function checkTop(top: number | undefined, parameter: string): number {
  if (top === undefined) return RUN_PAGE_LIMITS.default;
  if (!Number.isSafeInteger(top) || top < 1 || top > RUN_PAGE_LIMITS.max) {
    throw new UserInputError(`${parameter} ${top} is out of range — ask for 1 to ${RUN_PAGE_LIMITS.max} runs`, { code: FlowsErrorCode.FlowInputInvalid, details: { parameter } });
  }
  return top;
}
