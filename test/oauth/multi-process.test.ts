/**
 * Two Plugboard processes over one database refreshing one OAuth connection (T-F8). Each "process"
 * is its own OAuth service (own single-flight table, own refresh lease holder id) over its own
 * `Store` opened on the shared database — a SQLite file opened twice, and PostgreSQL in a schema of
 * its own when it is reachable — against the real oidc-provider, which rotates refresh tokens and
 * revokes the whole grant when a rotated one is used again.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { createManualClock, errorMessage, newId } from '../../src/core/index.ts';
import type { ManualClock } from '../../src/core/index.ts';
import { createConnectionService, createOAuthService, createOAuthStorage } from '../../src/connections/index.ts';
import type { OAuthService, TokenStore } from '../../src/connections/index.ts';
import { createMemoryOAuthAppRepository, createMemoryOAuthStateRepository } from '../../src/connections/oauth/index.ts';
import { generateMasterKey, openSecrets } from '../../src/secrets/index.ts';
import { openStore } from '../../src/storage/index.ts';
import type { Store } from '../../src/storage/index.ts';
import { REDIRECT_URI, startLoopbackProvider } from './loopback-provider.ts';
import type { LoopbackProvider } from './loopback-provider.ts';
import { ENVIRONMENT, loopbackApp, loopbackConnection } from './loopback-setup.ts';
import { createConnectionDirectory, createControlledSleep, createRecordingFetch, tickSleep } from './oauth-kit.ts';
import type { RecordingFetch } from './oauth-kit.ts';

const HOUR = 3600 * 1000;
const postgresUrl = process.env['PLUGBOARD_TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const postgresSchema = `plugboard_test_${randomBytes(6).toString('hex')}_oauth`;
/** One master key for the file: the PostgreSQL schema is shared by the tests and registers the key once. */
const masterKey = generateMasterKey();
const sqliteDir = mkdtempSync(join(tmpdir(), 'plugboard-oauth-mp-'));
after(() => rmSync(sqliteDir, { recursive: true, force: true }));

/** One simulated Plugboard process: its own store handle, token store port and OAuth service. */
interface PlugboardProcess {
  readonly store: Store;
  readonly tokens: TokenStore;
  readonly service: OAuthService;
  readonly http: RecordingFetch;
}

/** Two processes sharing one database, the provider and a clock, with one connection signed in. */
interface TwoProcesses {
  readonly a: PlugboardProcess;
  readonly b: PlugboardProcess;
  readonly clock: ManualClock;
  readonly connectionId: string;
  close(): Promise<void>;
}

async function startTwoProcesses(setup: { readonly open: () => Promise<Store>; readonly idp: LoopbackProvider; readonly sleep: (ms: number) => Promise<void> }): Promise<TwoProcesses> {
  const { open, idp, sleep } = setup;
  const clock = createManualClock(Date.now());
  // What the processes share besides the database: the app registration and connection lookup (configuration) and the pending sign-ins.
  const apps = createMemoryOAuthAppRepository([loopbackApp(idp)]);
  const states = createMemoryOAuthStateRepository();
  const connectionId = newId();
  const directory = createConnectionDirectory([loopbackConnection(idp, { id: connectionId })]);

  const startProcess = async (): Promise<PlugboardProcess> => {
    const store = await open();
    const secrets = await openSecrets({ config: { kind: 'value', keys: [masterKey] }, keys: store.secretKeys });
    const connections = createConnectionService({
      store,
      secrets,
      connectors: async () => ({ title: 'Loopback', connection: { derived: false, parameters: [{ name: 'token', pointer: '/t', type: 'oauthSetting', ui: { required: true } }] } }),
    });
    const { tokens } = createOAuthStorage({ store, secrets, connections, statusOf: async (id) => (await store.connections.get(id))?.status });
    const http = createRecordingFetch();
    const service = createOAuthService({ states, apps, tokens, connections: directory, fetch: http.fetch, clock, sleep, allowInsecureRequests: true });
    return { store, tokens, service, http };
  };
  const a = await startProcess();
  const b = await startProcess();

  const owner = await a.store.principals.create({ kind: 'user', name: `owner-${newId().slice(-8)}`, role: 'maker' });
  const environment = await a.store.environments.getByName('default');
  assert.ok(environment !== undefined);
  await a.store.connections.create({ id: connectionId, environmentId: environment.id, connectorName: 'loopback-idp', displayName: 'Loopback', ownerId: owner.id, values: {}, status: 'unauthenticated' });
  const { authorizationUrl } = await a.service.beginAuthorization({ environmentId: ENVIRONMENT, principalId: owner.id, connectionId, redirectUri: REDIRECT_URI });
  const query = await idp.signIn(authorizationUrl, { accountId: 'alice' });
  await a.service.completeAuthorization({ principalId: owner.id, query });

  return {
    a,
    b,
    clock,
    connectionId,
    async close() {
      await a.store.close();
      await b.store.close();
    },
  };
}

const refreshes = (...processes: PlugboardProcess[]): number => processes.reduce((sum, p) => sum + p.http.count('refresh_token'), 0);

/** Undefined when PostgreSQL answers, else why not. */
async function probePostgres(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
  } catch (error) {
    // ECONNREFUSED on several addresses arrives as an AggregateError with an empty message.
    return errorMessage(error) || (error instanceof AggregateError ? error.errors.map(errorMessage).join('; ') : String(error));
  }
  try {
    await client.query('select 1');
    return undefined;
  } finally {
    await client.end();
  }
}

const postgresUnreachable = await probePostgres();
if (postgresUnreachable === undefined) {
  after(async () => {
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    try {
      await client.query(`drop schema if exists ${postgresSchema} cascade`);
    } finally {
      await client.end();
    }
  });
}
const inCi = process.env['CI'] !== undefined && process.env['CI'] !== '';

let sqliteFiles = 0;
const backends: ReadonlyArray<{ readonly name: string; readonly open: () => Promise<Store>; readonly skip?: string }> = [
  {
    name: 'SQLite file opened by both processes',
    // One file per test, so that every test starts from its own database.
    open: () => openStore({ driver: 'sqlite', file: join(sqliteDir, `shared-${sqliteFiles}.db`) }),
  },
  {
    name: 'PostgreSQL shared by both processes',
    open: () => openStore({ driver: 'postgres', url: postgresUrl, schema: postgresSchema }),
    ...(postgresUnreachable === undefined || inCi ? {} : { skip: `PostgreSQL is unreachable (${postgresUnreachable}) — start it or set PLUGBOARD_TEST_DATABASE_URL` }),
  },
];

describe('OAuth refresh across two processes over one database', () => {
  let idp: LoopbackProvider;
  before(async () => {
    idp = await startLoopbackProvider({ rotateRefreshToken: true });
  });
  after(async () => {
    await idp.close();
  });

  for (const backend of backends) {
    describe(backend.name, { ...(backend.skip === undefined ? {} : { skip: backend.skip }) }, () => {
      const start = (sleep: (ms: number) => Promise<void>): Promise<TwoProcesses> => {
        sqliteFiles += 1;
        return startTwoProcesses({ open: backend.open, idp, sleep });
      };

      it('calls the token endpoint once when both processes refresh an expired token at once, and the grant survives', async () => {
        const waits = createControlledSleep();
        const both = await start(waits.sleep);
        try {
          const { a, b, clock, connectionId } = both;
          clock.advance(2 * HOUR);
          const held = a.http.holdNext();
          const callA = a.service.getAccessToken(connectionId);
          await held.reached;
          // process B finds the lease taken and waits for A's tokens instead of redeeming the same refresh token
          const callB = b.service.getAccessToken(connectionId);
          await waits.waiting(callB);
          held.release();
          const fromA = await callA;
          waits.wake();
          const fromB = await callB;

          assert.equal(refreshes(a, b), 1, 'exactly one token-endpoint call');
          assert.equal(b.http.requests.length, 0);
          assert.equal(fromB.accessToken, fromA.accessToken);
          assert.equal((await b.tokens.read(connectionId)).tokens?.accessToken, fromA.accessToken);
          assert.equal(await a.store.connections.acquireRefreshLease(connectionId, { holder: 'probe', nowMs: clock.now(), untilMs: clock.now() + 1 }), true, 'the lease was released');
          await a.store.connections.releaseRefreshLease(connectionId, 'probe');

          // the provider did not see a refresh token twice, so the grant is intact: the next refresh works
          clock.advance(2 * HOUR);
          const later = await b.service.getAccessToken(connectionId);
          assert.notEqual(later.accessToken, fromA.accessToken);
          assert.equal(b.http.requests[0]?.status, 200);
          assert.equal((await a.store.connections.get(connectionId))?.status, 'connected');
        } finally {
          await both.close();
        }
      });

      it('calls the token endpoint once for 20 concurrent runs spread over both processes', async () => {
        const both = await start(tickSleep);
        try {
          const { a, b, clock, connectionId } = both;
          clock.advance(2 * HOUR);
          const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).service.getAccessToken(connectionId)));
          assert.equal(refreshes(a, b), 1);
          const stored = (await a.tokens.read(connectionId)).tokens;
          for (const result of results) assert.equal(result.accessToken, stored?.accessToken);
          clock.advance(2 * HOUR);
          await a.service.getAccessToken(connectionId);
          assert.equal(refreshes(a, b), 2, 'and the next refresh still works');
          assert.equal((await a.store.connections.get(connectionId))?.status, 'connected');
        } finally {
          await both.close();
        }
      });

      it('takes over the lease of a process that crashed while refreshing, once it lapses', async () => {
        const waits = createControlledSleep();
        const both = await start(waits.sleep);
        try {
          const { a, b, clock, connectionId } = both;
          clock.advance(2 * HOUR);
          // process A took the lease and died before refreshing
          assert.equal(await a.store.connections.acquireRefreshLease(connectionId, { holder: 'crashed-process', nowMs: clock.now(), untilMs: clock.now() + 30_000 }), true);
          const call = b.service.getAccessToken(connectionId);
          await waits.waiting(call);
          clock.advance(29_999);
          waits.wake();
          await waits.waiting(call);
          assert.equal(refreshes(a, b), 0, 'nothing is refreshed while the lease holds');
          clock.advance(1);
          waits.wake();
          const access = await call;
          assert.equal(refreshes(a, b), 1);
          assert.equal((await a.tokens.read(connectionId)).tokens?.accessToken, access.accessToken);
          assert.equal(await a.store.connections.releaseRefreshLease(connectionId, 'crashed-process'), false, 'the crashed holder lost the lease');
        } finally {
          await both.close();
        }
      });
    });
  }
});
