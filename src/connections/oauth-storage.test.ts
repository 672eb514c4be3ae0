/** The OAuth storage ports over a real store: sealed state payloads, client secrets and tokens. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { generateMasterKey, openSecrets } from '../secrets/index.ts';
import { openStore } from '../storage/index.ts';
import type { EnvironmentRecord, PrincipalRecord, Store } from '../storage/index.ts';
import { createConnectionService } from './connection-service.ts';
import type { ConnectionService } from './connection-service.ts';
import { createOAuthStorage } from './oauth-storage.ts';
import type { OAuthStorage } from './oauth-storage.ts';

const hash = (text: string): string => createHash('sha256').update(text).digest('hex');

describe('OAuth storage ports', () => {
  let store: Store;
  let service: ConnectionService;
  let ports: OAuthStorage;
  let owner: PrincipalRecord;
  let env: EnvironmentRecord;

  before(async () => {
    store = await openStore({ driver: 'sqlite', memory: true });
    const secrets = await openSecrets({ config: { kind: 'value', keys: [generateMasterKey()] }, keys: store.secretKeys });
    service = createConnectionService({
      store,
      secrets,
      connectors: async () => ({ title: 'OAuth thing', connection: { derived: false, parameters: [{ name: 'token', pointer: '/t', type: 'oauthSetting', ui: { required: true } }] } }),
    });
    ports = createOAuthStorage({ store, secrets, connections: service, statusOf: async (id) => (await store.connections.get(id))?.status });
    owner = await store.principals.create({ kind: 'user', name: 'owner', role: 'maker' });
    const found = await store.environments.getByName('default');
    assert.ok(found);
    env = found;
  });
  after(() => store.close());

  it('seals the state payload, returns it once, and never again', async () => {
    const connection = await service.create('default', owner, { connectorName: 'thing' });
    const payload = JSON.stringify({ v: 1, codeVerifier: 'pkce-verifier-secret-123', redirectUri: 'https://plugboard.example/callback' });
    await ports.states.create({ id: 'ignored', stateHash: hash('state-1'), environmentId: env.id, principalId: owner.id, connectionId: connection.id, payload, createdAt: 0, expiresAt: Date.now() + 60_000 });
    const stored = await store.sealedValues.page('oauth_states.payload', { afterRowId: null, limit: 100 });
    assert.ok(stored.every((v) => !v.value.includes('pkce-verifier')));
    const consumed = await ports.states.consume(hash('state-1'), Date.now());
    assert.equal(consumed?.payload, payload);
    assert.equal(consumed?.connectionId, connection.id);
    assert.equal(await ports.states.consume(hash('state-1'), Date.now()), undefined);
  });

  it('seals an app’s client secret and gives it back in plain text to the flows only', async () => {
    await ports.apps.put({ environmentId: env.id, key: 'thing', clientId: 'client-1', clientSecret: 'client-secret-xyz', settings: { scopes: ['a'] } });
    assert.ok(!JSON.stringify(await store.oauthApps.get(env.id, 'thing')).includes('client-secret-xyz'));
    assert.deepEqual(await ports.apps.get(env.id, 'thing'), { environmentId: env.id, key: 'thing', clientId: 'client-1', clientSecret: 'client-secret-xyz', settings: { scopes: ['a'] } });
    assert.equal(await ports.apps.get(env.id, 'other'), undefined);
  });

  it('keeps tokens in the connection envelope with compare-and-swap, and tracks the status', async () => {
    const connection = await service.create('default', owner, { connectorName: 'thing' });
    assert.equal(connection.status, 'unauthenticated');
    const first = await ports.tokens.read(connection.id);
    assert.equal(first.tokens, undefined);
    const results = await Promise.all([
      ports.tokens.compareAndSwap(connection.id, first.revision, { accessToken: 'at-A', refreshToken: 'rt-A', expiresAt: 1_000, idTokenClaims: { email: 'a@example.com' } }),
      ports.tokens.compareAndSwap(connection.id, first.revision, { accessToken: 'at-B' }),
    ]);
    assert.deepEqual([...results].sort(), [false, true]);
    const after = await ports.tokens.read(connection.id);
    assert.equal(after.revision, first.revision + 1);
    assert.equal(after.tokens?.accessToken, results[0] ? 'at-A' : 'at-B');
    const view = await service.get('default', owner, connection.id);
    assert.equal(view.status, 'connected');
    assert.deepEqual(view.secrets, { token: { set: true } });
    assert.ok(!JSON.stringify(await store.connections.get(connection.id)).includes('at-'));

    const winner = after.tokens?.accessToken ?? '';
    await ports.tokens.markUnauthenticated(connection.id, `invalid_grant: token ${winner} revoked`);
    const marked = await service.get('default', owner, connection.id);
    assert.equal(marked.status, 'unauthenticated');
    assert.equal(marked.lastError, 'invalid_grant: token *** revoked', 'the stored reason is redacted of the connection’s own tokens');
    assert.equal(await ports.tokens.compareAndSwap(connection.id, first.revision, undefined), false, 'a stale revision loses');
  });

  it('keeps the refresh lease on the connection row: one holder at a time, freed only by its holder, without touching the tokens', async () => {
    const connection = await service.create('default', owner, { connectorName: 'thing' });
    const before = await store.connections.get(connection.id);
    const now = Date.now();
    const lease = (holder: string) => ({ holder, nowMs: now, untilMs: now + 30_000 });
    assert.equal(await ports.tokens.acquireRefreshLease(connection.id, lease('process-a')), true);
    assert.equal(await ports.tokens.acquireRefreshLease(connection.id, lease('process-b')), false);
    await ports.tokens.releaseRefreshLease(connection.id, 'process-b');
    assert.equal(await store.connections.acquireRefreshLease(connection.id, lease('process-b')), false, 'a release by another holder frees nothing');
    await ports.tokens.releaseRefreshLease(connection.id, 'process-a');
    assert.equal(await ports.tokens.acquireRefreshLease(connection.id, lease('process-b')), true);
    assert.deepEqual(await store.connections.get(connection.id), before, 'the lease changes neither secrets, revision nor status');
  });
});
