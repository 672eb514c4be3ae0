/**
 * HTTP API: connections. Real corpus connectors in the catalog, real encryption, tokens of
 * several principals (owner, another maker, a user, an admin).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createCatalog } from '../../src/catalog/index.ts';
import { createConnectionService } from '../../src/connections/index.ts';
import type { ConnectionTester } from '../../src/connections/index.ts';
import { PlugboardError, systemClock } from '../../src/core/index.ts';
import { generateMasterKey, openSecrets } from '../../src/secrets/index.ts';
import { BUILTIN_CONNECTORS_DIR, catalogConnectorLookup, createApp, ensureAdminToken, generateToken, hashToken, loadConfig, startServer } from '../../src/server/index.ts';
import { openStore } from '../../src/storage/index.ts';
import type { PrincipalRecord, Store } from '../../src/storage/index.ts';
import { corpusFolder } from '../kit/corpus.ts';

const ADMIN_TOKEN = 'test-admin-token-0123456789';
const BASE = '/api/environments/default/connections';

interface Caller {
  readonly principal: PrincipalRecord;
  readonly token: string;
}

async function startApp(options: { tester?: ConnectionTester } = {}) {
  const store = await openStore({ driver: 'sqlite', memory: true });
  await ensureAdminToken(store, { bootstrapToken: ADMIN_TOKEN, clock: systemClock });
  const catalog = createCatalog({ store, builtinDir: BUILTIN_CONNECTORS_DIR });
  await catalog.syncBuiltins('default');
  for (const name of ['Actsoft', 'JIRA', 'Airmeet', 'CognitiveServicesQuestionAnswering', 'LawVu']) {
    await catalog.importPath(corpusFolder('certified-connectors', name), { environment: 'default' });
  }
  const secrets = await openSecrets({ config: { kind: 'value', keys: [generateMasterKey()] }, keys: store.secretKeys });
  const connections = createConnectionService({ store, secrets, connectors: catalogConnectorLookup(catalog) });
  const app = await createApp({ store, catalog, connections, connectionTester: options.tester, logLevel: false });
  const caller = async (name: string, role: PrincipalRecord['role']): Promise<Caller> => {
    const principal = await store.principals.create({ kind: 'user', name, role });
    const token = generateToken();
    await store.apiTokens.create({ principalId: principal.id, name, tokenHash: hashToken(token) });
    return { principal, token };
  };
  return { store, app, caller };
}

function request(app: FastifyInstance) {
  return async (who: Caller | null, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) => {
    const headers: Record<string, string> = {};
    if (who !== null) headers['authorization'] = `Bearer ${who.token}`;
    if (payload !== undefined) headers['content-type'] = 'application/json';
    const res = await app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }) });
    return { status: res.statusCode, body: res.body === '' ? undefined : res.json() };
  };
}

describe('HTTP API: connections', () => {
  let store: Store;
  let app: FastifyInstance;
  let call: ReturnType<typeof request>;
  let ann: Caller;
  let bob: Caller;
  let vera: Caller;
  let root: Caller;

  before(async () => {
    const started = await startApp();
    ({ store, app } = started);
    call = request(app);
    ann = await started.caller('ann', 'maker');
    bob = await started.caller('bob', 'maker');
    vera = await started.caller('vera', 'user');
    root = await started.caller('root', 'admin');
  });
  after(async () => {
    await app.close();
    await store.close();
  });

  const expectError = (res: { status: number; body: unknown }, status: number, code: string, parameter?: string) => {
    assert.equal(res.status, status, JSON.stringify(res.body));
    const error = (res.body as { error: { code: string; message: string; details?: Record<string, unknown> } }).error;
    assert.equal(error.code, code, error.message);
    if (parameter !== undefined) {
      assert.equal(error.details?.['parameter'], parameter);
      assert.ok(error.message.includes(`"${parameter}"`), error.message);
    }
    return error;
  };

  test('creates an API-key connection (Actsoft) and never returns the key', async () => {
    const created = await call(ann, 'POST', BASE, { connectorName: 'actsoft', values: { api_key: 'actsoft-key-123456' } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.connectorName, 'actsoft');
    assert.equal(created.body.displayName, 'TeamWherx', 'defaults to the connector title');
    assert.deepEqual(created.body.values, {});
    assert.deepEqual(created.body.secrets, { api_key: { set: true } });
    assert.equal(created.body.status, 'connected');
    assert.equal(created.body.ownerId, ann.principal.id);
    assert.equal(created.body.access, 'owner');
    assert.match(created.body.createdAt, /^\d{4}-\d\d-\d\dT/);
    const shown = await call(ann, 'GET', `${BASE}/${created.body.id}`);
    assert.deepEqual(shown.body, created.body);
    assert.ok(!JSON.stringify(shown.body).includes('actsoft-key-123456'));
  });

  test('names the parameter in validation errors of real connectors', async () => {
    expectError(await call(ann, 'POST', BASE, { connectorName: 'actsoft', values: {} }), 400, 'ConnectionParameterMissing', 'api_key');
    expectError(await call(ann, 'POST', BASE, { connectorName: 'actsoft', values: { api_key: 'k', apiKey: 'k' } }), 400, 'ConnectionParameterUnknown', 'apiKey');
    const basic = expectError(await call(ann, 'POST', BASE, { connectorName: 'jira', values: { jirainstance: 'x.atlassian.net', username: 'me@example.com' } }), 400, 'ConnectionParameterMissing', 'password');
    assert.match(basic.message, /API token/, 'the display name helps the user find the field');
    expectError(await call(ann, 'POST', BASE, { connectorName: 'jira', values: { jirainstance: 'x', username: 'u', password: ['not', 'a', 'string'] } }), 400, 'ConnectionParameterInvalid', 'password');
    const region = expectError(await call(ann, 'POST', BASE, { connectorName: 'airmeet', values: { username: 'ak', password: 'sk', region: 'api.example.com' } }), 400, 'ConnectionParameterNotAllowed', 'region');
    assert.match(region.message, /"api-gateway-prod\.eu\.airmeet\.com" \(Ireland\)/);
    const jira = await call(ann, 'POST', BASE, { connectorName: 'jira', displayName: 'My JIRA', values: { jirainstance: 'x.atlassian.net', username: 'me@example.com', password: 'jira-token-99' } });
    assert.equal(jira.status, 201);
    assert.deepEqual(jira.body.values, { jirainstance: 'x.atlassian.net', username: 'me@example.com' });
    assert.deepEqual(jira.body.secrets, { password: { set: true } });
    expectError(await call(ann, 'POST', BASE, { connectorName: 'no-such-connector', values: {} }), 404, 'ConnectorNotFound');
    expectError(await call(ann, 'POST', BASE, { values: {} }), 400, 'RequestInvalid');
  });

  test('asks for a parameter set on connectors that have them (CognitiveServicesQuestionAnswering, LawVu)', async () => {
    const missing = expectError(await call(ann, 'POST', BASE, { connectorName: 'cognitiveservicesquestionanswering', values: { apiKey: 'k', siteUrl: 'https://x' } }), 400, 'ConnectionParameterSetRequired');
    assert.match(missing.message, /"keyBasedAuth".*"tokenBasedAuth"/);
    expectError(await call(ann, 'POST', BASE, { connectorName: 'cognitiveservicesquestionanswering', parameterSet: 'apiKey', values: {} }), 400, 'ConnectionParameterSetUnknown');
    expectError(
      await call(ann, 'POST', BASE, { connectorName: 'cognitiveservicesquestionanswering', parameterSet: 'keyBasedAuth', values: { siteUrl: 'https://qna.example.com' } }),
      400,
      'ConnectionParameterMissing',
      'apiKey',
    );
    const keyed = await call(ann, 'POST', BASE, { connectorName: 'cognitiveservicesquestionanswering', parameterSet: 'keyBasedAuth', values: { apiKey: 'qna-key-1234', siteUrl: 'https://qna.example.com' } });
    assert.equal(keyed.status, 201, JSON.stringify(keyed.body));
    assert.deepEqual(keyed.body.secrets, { apiKey: { set: true } });

    expectError(await call(ann, 'POST', BASE, { connectorName: 'lawvu', parameterSet: 'oauthEU', values: {} }), 400, 'ConnectionParameterMissing', 'token:customHost');
    expectError(await call(ann, 'POST', BASE, { connectorName: 'lawvu', parameterSet: 'oauthEU', values: { 'token:customHost': 'au.public-api.lawvu.com' } }), 400, 'ConnectionParameterNotAllowed', 'token:customHost');
    expectError(await call(ann, 'POST', BASE, { connectorName: 'lawvu', parameterSet: 'oauthAU', values: { 'token:customHost': 'au.public-api.lawvu.com', token: 'x' } }), 400, 'ConnectionParameterNotSettable', 'token');
    const lawvu = await call(ann, 'POST', BASE, { connectorName: 'lawvu', parameterSet: 'oauthAU', values: { 'token:customHost': 'au.public-api.lawvu.com' } });
    assert.equal(lawvu.status, 201, JSON.stringify(lawvu.body));
    assert.equal(lawvu.body.status, 'unauthenticated');
    assert.equal(lawvu.body.parameterSet, 'oauthAU');
    assert.deepEqual(lawvu.body.values, { 'token:customHost': 'au.public-api.lawvu.com' });
  });

  test('sharing: the owner shares for use; the others see only what is theirs or shared, and cannot change it', async () => {
    const created = await call(ann, 'POST', BASE, { connectorName: 'actsoft', displayName: 'Ann’s Actsoft', values: { api_key: 'ann-share-key-1' } });
    const id = created.body.id;
    const url = `${BASE}/${id}`;

    for (const who of [bob, vera]) {
      expectError(await call(who, 'GET', url), 404, 'ConnectionNotFound');
      assert.ok(!(await call(who, 'GET', BASE)).body.value.some((c: { id: string }) => c.id === id));
    }
    expectError(await call(bob, 'PATCH', url, { displayName: 'mine now' }), 404, 'ConnectionNotFound');
    expectError(await call(bob, 'POST', `${url}/shares`, { principalId: bob.principal.id }), 404, 'ConnectionNotFound');

    const shared = await call(ann, 'POST', `${url}/shares`, { principalId: vera.principal.id });
    assert.equal(shared.status, 200);
    assert.deepEqual(shared.body.value.map((s: { principalId: string }) => s.principalId), [vera.principal.id]);

    const seen = await call(vera, 'GET', url);
    assert.equal(seen.status, 200);
    assert.equal(seen.body.access, 'shared');
    assert.deepEqual(seen.body.secrets, { api_key: { set: true } });
    assert.ok((await call(vera, 'GET', BASE)).body.value.some((c: { id: string; access: string }) => c.id === id && c.access === 'shared'));
    // A user has no write permission at all; a maker it is shared with is refused by ownership.
    expectError(await call(vera, 'PATCH', url, { displayName: 'x' }), 403, 'Forbidden');
    expectError(await call(vera, 'POST', `${url}/shares`, { principalId: bob.principal.id }), 403, 'Forbidden');
    await call(ann, 'POST', `${url}/shares`, { principalId: bob.principal.id });
    expectError(await call(bob, 'PATCH', url, { displayName: 'x' }), 403, 'ConnectionForbidden');
    expectError(await call(bob, 'DELETE', url), 403, 'ConnectionForbidden');
    expectError(await call(bob, 'POST', `${url}/shares`, { principalId: root.principal.id }), 403, 'ConnectionForbidden');
    expectError(await call(bob, 'GET', `${url}/shares`), 403, 'ConnectionForbidden');

    // An admin sees and manages every connection.
    assert.equal((await call(root, 'GET', url)).body.access, 'admin');
    assert.deepEqual(
      (await call(root, 'GET', `${url}/shares`)).body.value.map((s: { principalId: string }) => s.principalId).sort(),
      [vera.principal.id, bob.principal.id].sort(),
    );

    assert.equal((await call(ann, 'DELETE', `${url}/shares/${vera.principal.id}`)).status, 204);
    expectError(await call(vera, 'GET', url), 404, 'ConnectionNotFound');
    expectError(await call(ann, 'DELETE', `${url}/shares/${vera.principal.id}`), 404, 'PrincipalNotFound');

    const renamed = await call(ann, 'PATCH', url, { displayName: 'Renamed', values: { api_key: 'ann-share-key-2' } });
    assert.equal(renamed.status, 200, JSON.stringify(renamed.body));
    assert.equal(renamed.body.displayName, 'Renamed');
    assert.equal((await call(root, 'DELETE', url)).status, 204);
    expectError(await call(ann, 'GET', url), 404, 'ConnectionNotFound');
    expectError(await call(bob, 'GET', url), 404, 'ConnectionNotFound');
  });

  test('routes need a token and the right permission', async () => {
    expectError(await call(null, 'GET', BASE), 401, 'Unauthorized');
    expectError(await call(vera, 'POST', BASE, { connectorName: 'actsoft', values: { api_key: 'k' } }), 403, 'Forbidden');
    expectError(await call(ann, 'GET', '/api/environments/nowhere/connections'), 404, 'EnvironmentNotFound');
  });

  test('testing answers 501 until a tester is wired in', async () => {
    const created = await call(ann, 'POST', BASE, { connectorName: 'actsoft', values: { api_key: 'k-501-test' } });
    const res = await call(ann, 'POST', `${BASE}/${created.body.id}/test`);
    const error = expectError(res, 501, 'ConnectionTestUnavailable');
    assert.match(error.message, /gateway/);
  });
});

describe('HTTP API: connection test with a tester', () => {
  test('records the outcome, without the secret in the recorded error, for owner and shared users only', async () => {
    const seen: string[] = [];
    const { store, app, caller } = await startApp({
      tester: async ({ connection }) => {
        seen.push(String(connection.parameterValues['api_key']));
        return { status: 'error', message: `upstream said 401 for key ${String(connection.parameterValues['api_key'])}` };
      },
    });
    try {
      const call = request(app);
      const owner = await caller('owner', 'maker');
      const stranger = await caller('stranger', 'maker');
      const created = await call(owner, 'POST', BASE, { connectorName: 'actsoft', values: { api_key: 'tested-key-321' } });
      const res = await call(owner, 'POST', `${BASE}/${created.body.id}/test`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(res.body.outcome, { status: 'error', message: 'upstream said 401 for key ***' });
      assert.equal(res.body.connection.status, 'error');
      assert.equal(res.body.connection.lastError, 'upstream said 401 for key ***');
      assert.deepEqual(seen, ['tested-key-321']);
      const refused = await call(stranger, 'POST', `${BASE}/${created.body.id}/test`);
      assert.equal(refused.status, 404);
      assert.equal(seen.length, 1, 'a stranger cannot make the connection call out');
    } finally {
      await app.close();
      await store.close();
    }
  });
});

describe('plugboard start with connections', () => {
  test('serves the connection routes, and refuses to start with a wrong master key', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'plugboard-start-'));
    try {
      const env = { PLUGBOARD_DATA_DIR: dataDir, PLUGBOARD_PORT: '0', PLUGBOARD_LOG_LEVEL: 'silent' };
      const server = await startServer(loadConfig(env));
      try {
        assert.equal(server.bootstrap.kind, 'generated');
        const token = server.bootstrap.kind === 'generated' ? server.bootstrap.token : '';
        const res = await server.app.inject({ method: 'GET', url: BASE, headers: { authorization: `Bearer ${token}` } });
        assert.equal(res.statusCode, 200);
        assert.deepEqual(res.json(), { value: [] });
      } finally {
        await server.close();
      }
      const wrong = loadConfig({ ...env, PLUGBOARD_MASTER_KEY: generateMasterKeyText() });
      await assert.rejects(startServer(wrong), (error: unknown) => {
        assert.ok(error instanceof PlugboardError);
        assert.equal(error.code, 'MasterKeyMismatch');
        assert.match(error.message, /does not match this database.*Nothing was decrypted or changed/);
        return true;
      });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

function generateMasterKeyText(): string {
  return Buffer.from(generateMasterKey()).toString('base64');
}
