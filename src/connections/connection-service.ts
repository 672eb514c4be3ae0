/**
 * The connection service: create, list, show, update, delete and share connections, and the
 * hooks the gateway and the OAuth flows use (resolve for use, read and compare-and-swap the
 * secrets, record the status).
 *
 * Rules: the creator owns a connection; the owner or an admin may change, share and delete it;
 * principals it is shared with may use it (never read its secrets, never reshare). A connection
 * the caller may not see answers "not found", whether it exists or not. Secret parameter values
 * live only in the encrypted envelope (bound to environment and connection id) and never appear
 * in a view, an error message or a log line.
 */
import type { ConnectionModel } from '../connectors/index.ts';
import { NotFoundError, PlugboardError, UserInputError, errorMessage, newId, silentLogger } from '../core/index.ts';
import type { Logger } from '../core/index.ts';
import { redactSecrets } from '../secrets/index.ts';
import type { SecretContext, Secrets } from '../secrets/index.ts';
import type { ConnectionRecord, ConnectionShareRecord, ConnectionStatus, EnvironmentRecord, Store } from '../storage/index.ts';
import { ConnectionsErrorCode } from './errors.ts';
import { effectiveParameters, parameterKind, validateConnectionValues } from './validate-values.ts';

/** Who is asking: a principal with a role (`admin` sees and manages every connection of an environment). */
export interface Actor {
  readonly id: string;
  readonly role: string;
}

/** What the service needs to know about a connector. */
export interface ConnectorConnectionInfo {
  readonly title: string;
  readonly connection: ConnectionModel;
}

/** Finds a connector of an environment by catalog name (the server passes the catalog); NotFoundError when missing. */
export type ConnectorConnectionLookup = (environment: string, connectorName: string) => Promise<ConnectorConnectionInfo>;

/** How the caller relates to a connection. */
export type ConnectionAccess = 'owner' | 'shared' | 'admin';

/** A connection as callers see it: never a secret value. */
export interface ConnectionView {
  readonly id: string;
  /** Environment name. */
  readonly environment: string;
  readonly connectorName: string;
  readonly displayName: string;
  readonly ownerId: string;
  readonly parameterSet: string | null;
  /** Non-secret parameter values. */
  readonly values: Readonly<Record<string, unknown>>;
  /** Each secret parameter that holds a value, as `{ set: true }`; values are never shown. */
  readonly secrets: Readonly<Record<string, { readonly set: true }>>;
  readonly status: ConnectionStatus;
  readonly lastError: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** How the caller relates to it. */
  readonly access: ConnectionAccess;
}

/** Input of {@link ConnectionService.create}. */
export interface CreateConnectionRequest {
  readonly connectorName: string;
  /** Defaults to the connector's title. */
  readonly displayName?: string;
  /** Required when the connector has `connectionParameterSets`. */
  readonly parameterSet?: string;
  /** Parameter values by name, secret ones included. */
  readonly values?: Readonly<Record<string, unknown>>;
}

/** Input of {@link ConnectionService.update}. */
export interface UpdateConnectionRequest {
  readonly displayName?: string;
  /** Values to set (null removes one); parameters not named keep their value, secret ones included. */
  readonly values?: Readonly<Record<string, unknown>>;
}

/** A connection resolved for use by a caller who may use it. */
export interface ResolvedConnection {
  readonly connection: ConnectionView;
  readonly id: string;
  readonly environmentId: string;
  readonly connectorName: string;
  readonly status: ConnectionStatus;
  /** Plain and decrypted secret values by parameter name (`api_key`, `token:TenantId`, OAuth tokens under their parameter). */
  readonly parameterValues: Readonly<Record<string, unknown>>;
  /** The secret string values among them, for redacting echoes. */
  readonly secretValues: readonly string[];
}

/** The decrypted secrets of a connection with the revision to compare-and-swap against. */
export interface ConnectionSecrets {
  readonly revision: number;
  readonly values: Readonly<Record<string, unknown>>;
}

/** What a connection test found. */
export type ConnectionTestOutcome =
  | { readonly status: 'connected' }
  | { readonly status: 'error' | 'unauthenticated'; readonly message: string };

/** Input of a {@link ConnectionTester}. */
export interface ConnectionTestInput {
  readonly environment: string;
  readonly connection: ResolvedConnection;
}

/** Tries a connection (the gateway supplies one that calls the connector's test operation). */
export type ConnectionTester = (input: ConnectionTestInput) => Promise<ConnectionTestOutcome>;

/** Result of {@link ConnectionService.test}. */
export interface ConnectionTestResult {
  readonly connection: ConnectionView;
  readonly outcome: ConnectionTestOutcome;
}

/** The service. */
export interface ConnectionService {
  create(environment: string, actor: Actor, request: CreateConnectionRequest): Promise<ConnectionView>;
  /** Admins see every connection of the environment; others the ones they own or that are shared with them. */
  list(environment: string, actor: Actor): Promise<readonly ConnectionView[]>;
  get(environment: string, actor: Actor, id: string): Promise<ConnectionView>;
  update(environment: string, actor: Actor, id: string, request: UpdateConnectionRequest): Promise<ConnectionView>;
  delete(environment: string, actor: Actor, id: string): Promise<void>;
  share(environment: string, actor: Actor, id: string, principalId: string): Promise<readonly ConnectionShareRecord[]>;
  unshare(environment: string, actor: Actor, id: string, principalId: string): Promise<readonly ConnectionShareRecord[]>;
  listShares(environment: string, actor: Actor, id: string): Promise<readonly ConnectionShareRecord[]>;
  /** The connection with decrypted values, after checking `actor` may use it (owner, shared with them, or admin). */
  resolveForUse(environment: string, actor: Actor, id: string): Promise<ResolvedConnection>;
  /** Decrypted secrets for internal callers (OAuth refresh); no permission check. */
  readSecrets(id: string): Promise<ConnectionSecrets>;
  /** Replaces all secrets if the revision is unchanged (compare-and-swap); true when this call won. */
  replaceSecrets(id: string, expectedRevision: number, values: Readonly<Record<string, unknown>>): Promise<boolean>;
  /** Records the status; the error text is redacted of the connection's own secret values. */
  setStatus(id: string, status: ConnectionStatus, lastError: string | null): Promise<void>;
  /** Runs `tester` on the connection (actor must be allowed to use it) and records the outcome. */
  test(environment: string, actor: Actor, id: string, tester: ConnectionTester): Promise<ConnectionTestResult>;
}

/** Options of {@link createConnectionService}. */
export interface ConnectionServiceOptions {
  readonly store: Pick<Store, 'environments' | 'principals' | 'connections'>;
  readonly secrets: Secrets;
  readonly connectors: ConnectorConnectionLookup;
  readonly logger?: Logger;
}

/** The envelope purpose of connection secrets (part of the authenticated data). */
export const CONNECTION_SECRETS_PURPOSE = 'connection-secrets';

const MAX_ERROR_LENGTH = 2000;

/** Creates the service. */
export function createConnectionService(options: ConnectionServiceOptions): ConnectionService {
  const { store, secrets, connectors } = options;
  const logger = options.logger ?? silentLogger;

  const environmentNamed = async (name: string): Promise<EnvironmentRecord> => {
    const environment = await store.environments.getByName(name);
    if (environment === undefined) {
      throw new NotFoundError(`environment "${name}" does not exist — list them with \`plugboard env list\``, {
        code: ConnectionsErrorCode.EnvironmentNotFound,
        details: { environment: name },
      });
    }
    return environment;
  };

  const contextOf = (record: Pick<ConnectionRecord, 'environmentId' | 'id'>): SecretContext => ({
    environmentId: record.environmentId,
    ownerId: record.id,
    purpose: CONNECTION_SECRETS_PURPOSE,
  });

  const openSecretsOf = async (record: ConnectionRecord): Promise<Record<string, unknown>> => {
    if (record.secrets === null) return {};
    const value = await secrets.openJson(record.secrets, contextOf(record));
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new PlugboardError(`the secrets of connection ${record.id} are not an object — they were written outside Plugboard`, { code: ConnectionsErrorCode.ConnectionSecretsCorrupt });
    }
    return { ...value };
  };

  const sealSecretsOf = async (record: Pick<ConnectionRecord, 'environmentId' | 'id'>, values: Readonly<Record<string, unknown>>): Promise<string | null> =>
    Object.keys(values).length === 0 ? null : secrets.sealJson(values, contextOf(record));

  const notFound = (environment: string, id: string) =>
    new NotFoundError(`connection ${id} does not exist in environment "${environment}" (or is not shared with you) — list yours with GET /api/environments/${environment}/connections`, {
      code: ConnectionsErrorCode.ConnectionNotFound,
      details: { id },
    });

  const accessOf = async (record: ConnectionRecord, actor: Actor): Promise<ConnectionAccess | undefined> => {
    if (record.ownerId === actor.id) return 'owner';
    if (actor.role === 'admin') return 'admin';
    const shares = await store.connections.listShares(record.id);
    return shares.some((share) => share.principalId === actor.id) ? 'shared' : undefined;
  };

  /** The record and the caller's access, or "not found" when the caller may not see it. */
  const visible = async (environment: EnvironmentRecord, actor: Actor, id: string): Promise<{ record: ConnectionRecord; access: ConnectionAccess }> => {
    const record = await store.connections.get(id);
    if (record === undefined || record.environmentId !== environment.id) throw notFound(environment.name, id);
    const access = await accessOf(record, actor);
    if (access === undefined) throw notFound(environment.name, id);
    return { record, access };
  };

  const manageable = async (environment: EnvironmentRecord, actor: Actor, id: string, action: string) => {
    const found = await visible(environment, actor, id);
    if (found.access === 'shared') {
      throw new PlugboardError(`only the owner of connection ${id} (or an admin) may ${action} it — it is shared with you for use only`, {
        code: ConnectionsErrorCode.ConnectionForbidden,
        kind: 'forbidden',
        details: { id },
      });
    }
    return found;
  };

  const viewOf = async (environment: EnvironmentRecord, record: ConnectionRecord, access: ConnectionAccess): Promise<ConnectionView> =>
    // Names only: the envelope is opened to learn which secret parameters hold a value.
    viewFrom(environment, record, { access, secretNames: Object.keys(await openSecretsOf(record)) });

  const viewFrom = (environment: EnvironmentRecord, record: ConnectionRecord, known: { readonly access: ConnectionAccess; readonly secretNames: readonly string[] }): ConnectionView => {
    const { access } = known;
    const secretNames = [...known.secretNames].sort();
    return Object.freeze({
      id: record.id,
      environment: environment.name,
      connectorName: record.connectorName,
      displayName: record.displayName,
      ownerId: record.ownerId,
      parameterSet: record.parameterSet,
      values: record.values,
      secrets: Object.freeze(Object.fromEntries(secretNames.map((name) => [name, Object.freeze({ set: true as const })]))),
      status: record.status,
      lastError: record.lastError,
      createdAt: record.createdAt,
      updatedAt: record.updatedAt,
      access,
    });
  };

  const resolve = async (environment: EnvironmentRecord, record: ConnectionRecord, access: ConnectionAccess): Promise<ResolvedConnection> => {
    const secretValues = await openSecretsOf(record);
    return Object.freeze({
      connection: viewFrom(environment, record, { access, secretNames: Object.keys(secretValues) }),
      id: record.id,
      environmentId: record.environmentId,
      connectorName: record.connectorName,
      status: record.status,
      parameterValues: Object.freeze({ ...record.values, ...secretValues }),
      secretValues: Object.freeze(collectStrings(secretValues)),
    });
  };

  const service: ConnectionService = {
    async create(environmentName, actor, request) {
      const environment = await environmentNamed(environmentName);
      const connector = await connectors(environmentName, request.connectorName);
      const displayName = checkDisplayName(request.displayName ?? connector.title);
      const validated = validateConnectionValues(connector.connection, {
        connectorName: request.connectorName,
        parameterSet: request.parameterSet,
        values: request.values ?? {},
      });
      const id = newId();
      const sealed = await sealSecretsOf({ environmentId: environment.id, id }, validated.secrets);
      const record = await store.connections.create({
        id,
        environmentId: environment.id,
        connectorName: request.connectorName,
        displayName,
        ownerId: actor.id,
        parameterSet: validated.parameterSet,
        values: validated.values,
        secrets: sealed,
        // OAuth tokens arrive later, through the sign-in; until then the connection cannot be used.
        status: validated.usesOAuth ? 'unauthenticated' : 'connected',
      });
      logger.info('connection created', { connectionId: id, environment: environmentName, connector: request.connectorName, ownerId: actor.id });
      return viewOf(environment, record, 'owner');
    },

    async list(environmentName, actor) {
      const environment = await environmentNamed(environmentName);
      const records = actor.role === 'admin' ? await store.connections.listForEnvironment(environment.id) : await store.connections.listVisibleTo(environment.id, actor.id);
      return Promise.all(
        records.map((record) => viewOf(environment, record, record.ownerId === actor.id ? 'owner' : actor.role === 'admin' ? 'admin' : 'shared')),
      );
    },

    async get(environmentName, actor, id) {
      const environment = await environmentNamed(environmentName);
      const { record, access } = await visible(environment, actor, id);
      return viewOf(environment, record, access);
    },

    async update(environmentName, actor, id, request) {
      const environment = await environmentNamed(environmentName);
      const { record, access } = await manageable(environment, actor, id, 'change');
      const displayName = request.displayName === undefined ? undefined : checkDisplayName(request.displayName);
      let patch: Parameters<typeof store.connections.update>[1] = displayName === undefined ? {} : { displayName };
      if (request.values !== undefined) {
        const connector = await connectors(environmentName, record.connectorName);
        const { parameters } = effectiveParameters(connector.connection, { connectorName: record.connectorName, parameterSet: record.parameterSet });
        const userSettable = new Set(parameters.filter((p) => parameterKind(p) !== 'oauth' && parameterKind(p) !== 'gateway').map((p) => p.name));
        const current = await openSecretsOf(record);
        const merged: Record<string, unknown> = { ...record.values };
        for (const [name, value] of Object.entries(current)) if (userSettable.has(name)) merged[name] = value;
        for (const [name, value] of Object.entries(request.values)) {
          if (value === null) delete merged[name];
          else merged[name] = value;
        }
        const validated = validateConnectionValues(connector.connection, { connectorName: record.connectorName, parameterSet: record.parameterSet, values: merged });
        // Entries the user does not set (OAuth tokens) stay as they are.
        const kept = Object.fromEntries(Object.entries(current).filter(([name]) => !userSettable.has(name)));
        const nextSecrets = { ...kept, ...validated.secrets };
        patch = { ...patch, values: validated.values };
        if (!sameJson(nextSecrets, current)) {
          patch = { ...patch, secrets: await sealSecretsOf(record, nextSecrets), expectedSecretsRevision: record.secretsRevision };
        }
      }
      const updated = await store.connections.update(id, patch);
      logger.info('connection updated', { connectionId: id, environment: environmentName, by: actor.id });
      return viewOf(environment, updated, access);
    },

    async delete(environmentName, actor, id) {
      const environment = await environmentNamed(environmentName);
      await manageable(environment, actor, id, 'delete');
      await store.connections.delete(id);
      logger.info('connection deleted', { connectionId: id, environment: environmentName, by: actor.id });
    },

    async share(environmentName, actor, id, principalId) {
      const environment = await environmentNamed(environmentName);
      const { record } = await manageable(environment, actor, id, 'share');
      const target = await store.principals.get(principalId);
      if (target === undefined) {
        throw new NotFoundError(`principal ${principalId} does not exist — share with the id of an existing user or service account`, {
          code: ConnectionsErrorCode.PrincipalNotFound,
          details: { principalId },
        });
      }
      if (target.id === record.ownerId) {
        throw new UserInputError(`principal ${principalId} owns connection ${id} already — share it with someone else`, {
          code: ConnectionsErrorCode.ConnectionInputInvalid,
          details: { principalId },
        });
      }
      await store.connections.share(id, principalId);
      logger.info('connection shared', { connectionId: id, environment: environmentName, with: principalId, by: actor.id });
      return store.connections.listShares(id);
    },

    async unshare(environmentName, actor, id, principalId) {
      const environment = await environmentNamed(environmentName);
      await manageable(environment, actor, id, 'unshare');
      if (!(await store.connections.unshare(id, principalId))) {
        throw new NotFoundError(`connection ${id} is not shared with principal ${principalId}`, {
          code: ConnectionsErrorCode.PrincipalNotFound,
          details: { principalId },
        });
      }
      logger.info('connection unshared', { connectionId: id, environment: environmentName, with: principalId, by: actor.id });
      return store.connections.listShares(id);
    },

    async listShares(environmentName, actor, id) {
      const environment = await environmentNamed(environmentName);
      await manageable(environment, actor, id, 'see the shares of');
      return store.connections.listShares(id);
    },

    async resolveForUse(environmentName, actor, id) {
      const environment = await environmentNamed(environmentName);
      const { record, access } = await visible(environment, actor, id);
      return resolve(environment, record, access);
    },

    async readSecrets(id) {
      const record = await store.connections.get(id);
      if (record === undefined) throw new NotFoundError(`connection ${id} does not exist`, { code: ConnectionsErrorCode.ConnectionNotFound, details: { id } });
      return Object.freeze({ revision: record.secretsRevision, values: Object.freeze(await openSecretsOf(record)) });
    },

    async replaceSecrets(id, expectedRevision, values) {
      const record = await store.connections.get(id);
      if (record === undefined) throw new NotFoundError(`connection ${id} does not exist`, { code: ConnectionsErrorCode.ConnectionNotFound, details: { id } });
      if (record.secretsRevision !== expectedRevision) return false;
      return store.connections.updateSecrets(id, expectedRevision, await sealSecretsOf(record, values));
    },

    async setStatus(id, status, lastError) {
      const record = await store.connections.get(id);
      if (record === undefined) throw new NotFoundError(`connection ${id} does not exist`, { code: ConnectionsErrorCode.ConnectionNotFound, details: { id } });
      const text = lastError === null ? null : redactSecrets(lastError, collectStrings(await openSecretsOf(record))).slice(0, MAX_ERROR_LENGTH);
      await store.connections.setStatus(id, status, text);
    },

    async test(environmentName, actor, id, tester) {
      const environment = await environmentNamed(environmentName);
      const { record, access } = await visible(environment, actor, id);
      const resolved = await resolve(environment, record, access);
      let outcome: ConnectionTestOutcome;
      try {
        outcome = await tester({ environment: environmentName, connection: resolved });
      } catch (error) {
        outcome = { status: 'error', message: errorMessage(error) };
      }
      const message = outcome.status === 'connected' ? null : redactSecrets(outcome.message, resolved.secretValues).slice(0, MAX_ERROR_LENGTH);
      const updated = await store.connections.setStatus(id, outcome.status, message);
      logger.info('connection tested', { connectionId: id, environment: environmentName, status: outcome.status, by: actor.id });
      return {
        connection: await viewOf(environment, updated, access),
        outcome: outcome.status === 'connected' ? outcome : { status: outcome.status, message: message ?? '' },
      };
    },
  };
  return Object.freeze(service);
}

function checkDisplayName(name: string): string {
  const trimmed = typeof name === 'string' ? name.trim() : '';
  if (trimmed === '' || trimmed.length > 200) {
    throw new UserInputError('displayName must be 1 to 200 characters — give the connection a name people will recognise', {
      code: ConnectionsErrorCode.ConnectionInputInvalid,
      details: { parameter: 'displayName' },
    });
  }
  return trimmed;
}

/** Every string inside a JSON value (secret values, OAuth tokens), for redaction. */
function collectStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(collectStrings);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(collectStrings);
  return [];
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, sortKeys(v)]),
    );
  }
  return value;
}
