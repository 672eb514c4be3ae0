/** The connection service on an in-memory store with real encryption and hand-made connectors. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ConnectionModel, ConnectionParameter } from '../connectors/index.ts';
import { NotFoundError, PlugboardError, UserInputError, newId } from '../core/index.ts';
import { generateMasterKey, openSecrets } from '../secrets/index.ts';
import { openStore } from '../storage/index.ts';
import type { PrincipalRecord, Store } from '../storage/index.ts';
import { createConnectionService } from './connection-service.ts';
import type { ConnectionService, ConnectorConnectionInfo } from './connection-service.ts';

const param = (name: string, type: ConnectionParameter['type'], extra: Partial<ConnectionParameter> = {}): ConnectionParameter => ({ name, pointer: `/properties/connectionParameters/${name}`, type, ...extra });
const required = { ui: { required: true } };

const CONNECTORS: Readonly<Record<string, ConnectorConnectionInfo>> = {
  apikey: { title: 'API Key Service', connection: { derived: false, parameters: [param('api_key', 'securestring', { ui: { required: true, displayName: 'API Key' } }), param('region', 'string', { ui: { allowedValues: [{ text: 'Europe', value: 'eu' }, { value: 'us' }] } })] } },
  basic: { title: 'Basic', connection: { derived: false, parameters: [param('username', 'string', required), param('password', 'securestring', required), param('port', 'int')] } },
  oauth: { title: 'OAuth', connection: { derived: false, parameters: [param('token', 'oauthSetting', required), param('token:TenantId', 'string'), param('token:clientSecret', 'string')] } },
  sets: {
    title: 'With sets',
    connection: {
      derived: false,
      parameters: [],
      parameterSets: {
        pointer: '/properties/connectionParameterSets',
        values: [
          { name: 'keyBasedAuth', pointer: '/0', uiDefinition: { displayName: 'API key' }, parameters: [param('apiKey', 'securestring', required), param('siteUrl', 'string', required)] },
          { name: 'tokenBasedAuth', pointer: '/1', parameters: [param('token', 'oauthSetting', required), param('siteUrl', 'string', required)] },
        ],
      } satisfies ConnectionModel['parameterSets'],
    },
  },
};

describe('connection service', () => {
  let store: Store;
  let service: ConnectionService;
  let ann: PrincipalRecord;
  let bob: PrincipalRecord;
  let root: PrincipalRecord;
  const logs: string[] = [];

  before(async () => {
    store = await openStore({ driver: 'sqlite', memory: true });
    const secrets = await openSecrets({ config: { kind: 'value', keys: [generateMasterKey()] }, keys: store.secretKeys });
    const record = (level: string) => (message: string, fields?: Readonly<Record<string, unknown>>) => logs.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);
    service = createConnectionService({
      store,
      secrets,
      connectors: async (_env, name) => {
        const found = CONNECTORS[name];
        if (found === undefined) throw new NotFoundError(`connector ${name} is not in the catalog`, { code: 'ConnectorNotFound' });
        return found;
      },
      logger: { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') },
    });
    ann = await store.principals.create({ kind: 'user', name: 'ann', role: 'maker' });
    bob = await store.principals.create({ kind: 'user', name: 'bob', role: 'maker' });
    root = await store.principals.create({ kind: 'user', name: 'root', role: 'admin' });
  });
  after(() => store.close());

  const rejectsWith = async (promise: Promise<unknown>, code: string, parameter?: string) =>
    assert.rejects(promise, (error: unknown) => {
      assert.ok(error instanceof PlugboardError, String(error));
      assert.equal(error.code, code, error.message);
      if (parameter !== undefined) {
        assert.equal(error.details?.['parameter'], parameter);
        assert.ok(error.message.includes(`"${parameter}"`), error.message);
      }
      return true;
    });

  it('keeps secret values only in the envelope and shows only that they are set', async () => {
    const view = await service.create('default', ann, { connectorName: 'apikey', values: { api_key: 'sk-live-123456', region: 'eu' } });
    assert.equal(view.displayName, 'API Key Service');
    assert.deepEqual(view.values, { region: 'eu' });
    assert.deepEqual(view.secrets, { api_key: { set: true } });
    assert.equal(view.status, 'connected');
    assert.equal(view.access, 'owner');
    const record = await store.connections.get(view.id);
    assert.ok(record?.secrets?.startsWith('pbs1.'));
    assert.ok(!JSON.stringify(record).includes('sk-live-123456'));
    assert.ok(!JSON.stringify(view).includes('sk-live-123456'));
    assert.ok(!logs.join('\n').includes('sk-live-123456'));
    const resolved = await service.resolveForUse('default', ann, view.id);
    assert.deepEqual(resolved.parameterValues, { region: 'eu', api_key: 'sk-live-123456' });
    assert.deepEqual(resolved.secretValues, ['sk-live-123456']);
  });

  it('names the parameter that is missing, unknown, ill-typed, not allowed or not settable', async () => {
    await rejectsWith(service.create('default', ann, { connectorName: 'apikey', values: {} }), 'ConnectionParameterMissing', 'api_key');
    await rejectsWith(service.create('default', ann, { connectorName: 'apikey', values: { api_key: '   ' } }), 'ConnectionParameterMissing', 'api_key');
    await rejectsWith(service.create('default', ann, { connectorName: 'apikey', values: { api_key: 'k', apikey: 'x' } }), 'ConnectionParameterUnknown', 'apikey');
    await rejectsWith(service.create('default', ann, { connectorName: 'apikey', values: { api_key: 12345 } }), 'ConnectionParameterInvalid', 'api_key');
    await rejectsWith(service.create('default', ann, { connectorName: 'apikey', values: { api_key: 'k', region: 'mars' } }), 'ConnectionParameterNotAllowed', 'region');
    await rejectsWith(service.create('default', ann, { connectorName: 'basic', values: { username: 'u', password: 'p', port: 'eighty' } }), 'ConnectionParameterInvalid', 'port');
    await rejectsWith(service.create('default', ann, { connectorName: 'oauth', values: { token: 'pasted-access-token' } }), 'ConnectionParameterNotSettable', 'token');
    await rejectsWith(service.create('default', ann, { connectorName: 'nope', values: {} }), 'ConnectorNotFound');
    await rejectsWith(service.create('nowhere', ann, { connectorName: 'apikey', values: { api_key: 'k' } }), 'EnvironmentNotFound');
    await rejectsWith(service.create('default', ann, { connectorName: 'apikey', displayName: '  ', values: { api_key: 'k' } }), 'ConnectionInputInvalid');
    await assert.rejects(service.create('default', ann, { connectorName: 'apikey', values: { api_key: 'secret-in-wrong-type', region: 42 } }), (e: unknown) => {
      assert.ok(e instanceof UserInputError);
      assert.doesNotMatch(e.message, /secret-in-wrong-type/);
      return true;
    });
  });

  it('starts an OAuth connection unauthenticated and encrypts client secrets given as token:X', async () => {
    const view = await service.create('default', ann, { connectorName: 'oauth', displayName: 'Mine', values: { 'token:TenantId': 'contoso', 'token:clientSecret': 'cs-987654' } });
    assert.equal(view.status, 'unauthenticated');
    assert.deepEqual(view.values, { 'token:TenantId': 'contoso' });
    assert.deepEqual(view.secrets, { 'token:clientSecret': { set: true } });
  });

  it('requires a known parameter set when the connector has sets, listing the choices', async () => {
    await assert.rejects(service.create('default', ann, { connectorName: 'sets', values: { apiKey: 'k', siteUrl: 'https://x' } }), (e: unknown) => {
      assert.ok(e instanceof UserInputError);
      assert.equal(e.code, 'ConnectionParameterSetRequired');
      assert.match(e.message, /"keyBasedAuth" \(API key\), "tokenBasedAuth"/);
      return true;
    });
    await rejectsWith(service.create('default', ann, { connectorName: 'sets', parameterSet: 'KeyBasedAuth', values: {} }), 'ConnectionParameterSetUnknown');
    await rejectsWith(service.create('default', ann, { connectorName: 'apikey', parameterSet: 'x', values: { api_key: 'k' } }), 'ConnectionParameterSetUnknown');
    await rejectsWith(service.create('default', ann, { connectorName: 'sets', parameterSet: 'keyBasedAuth', values: { siteUrl: 'https://x' } }), 'ConnectionParameterMissing', 'apiKey');
    const keyed = await service.create('default', ann, { connectorName: 'sets', parameterSet: 'keyBasedAuth', values: { apiKey: 'k-1234', siteUrl: 'https://x' } });
    assert.equal(keyed.parameterSet, 'keyBasedAuth');
    assert.equal(keyed.status, 'connected');
    const oauth = await service.create('default', ann, { connectorName: 'sets', parameterSet: 'tokenBasedAuth', values: { siteUrl: 'https://x' } });
    assert.equal(oauth.status, 'unauthenticated');
  });

  it('updates values, keeping secrets not given and OAuth tokens, and re-validates', async () => {
    const view = await service.create('default', ann, { connectorName: 'basic', values: { username: 'u1', password: 'pw-one-1', port: '8080' } });
    assert.deepEqual(view.values, { username: 'u1', port: 8080 });
    const renamed = await service.update('default', ann, view.id, { displayName: 'Renamed', values: { username: 'u2' } });
    assert.equal(renamed.displayName, 'Renamed');
    assert.deepEqual(renamed.values, { username: 'u2', port: 8080 });
    const before = await store.connections.get(view.id);
    assert.equal(before?.secretsRevision, 0, 'unchanged secrets are not rewritten');
    assert.equal((await service.resolveForUse('default', ann, view.id)).parameterValues['password'], 'pw-one-1');
    await service.update('default', ann, view.id, { values: { password: 'pw-two-2', port: null } });
    const resolved = await service.resolveForUse('default', ann, view.id);
    assert.deepEqual(resolved.parameterValues, { username: 'u2', password: 'pw-two-2' });
    await rejectsWith(service.update('default', ann, view.id, { values: { password: null } }), 'ConnectionParameterMissing', 'password');

    const oauth = await service.create('default', ann, { connectorName: 'oauth', values: {} });
    const { revision } = await service.readSecrets(oauth.id);
    assert.equal(await service.replaceSecrets(oauth.id, revision, { token: { accessToken: 'at-1', refreshToken: 'rt-1' } }), true);
    await service.update('default', ann, oauth.id, { values: { 'token:TenantId': 'fabrikam' } });
    assert.deepEqual((await service.readSecrets(oauth.id)).values, { token: { accessToken: 'at-1', refreshToken: 'rt-1' } });
  });

  it('lets principals a connection is shared with use it, but not change, share or delete it', async () => {
    const view = await service.create('default', ann, { connectorName: 'apikey', values: { api_key: 'shared-key-42' } });
    await rejectsWith(service.get('default', bob, view.id), 'ConnectionNotFound');
    await rejectsWith(service.resolveForUse('default', bob, view.id), 'ConnectionNotFound');
    assert.ok(!(await service.list('default', bob)).some((c) => c.id === view.id));

    const shares = await service.share('default', ann, view.id, bob.id);
    assert.deepEqual(shares.map((s) => s.principalId), [bob.id]);
    assert.equal((await service.get('default', bob, view.id)).access, 'shared');
    assert.equal((await service.resolveForUse('default', bob, view.id)).parameterValues['api_key'], 'shared-key-42');
    assert.ok((await service.list('default', bob)).some((c) => c.id === view.id && c.access === 'shared'));
    await rejectsWith(service.update('default', bob, view.id, { displayName: 'hijack' }), 'ConnectionForbidden');
    await rejectsWith(service.delete('default', bob, view.id), 'ConnectionForbidden');
    await rejectsWith(service.share('default', bob, view.id, root.id), 'ConnectionForbidden');
    await rejectsWith(service.listShares('default', bob, view.id), 'ConnectionForbidden');
    await rejectsWith(service.share('default', ann, view.id, ann.id), 'ConnectionInputInvalid');
    await rejectsWith(service.share('default', ann, view.id, newId()), 'PrincipalNotFound');

    assert.equal((await service.get('default', root, view.id)).access, 'admin');
    assert.ok((await service.list('default', root)).some((c) => c.id === view.id));

    assert.deepEqual(await service.unshare('default', ann, view.id, bob.id), []);
    await rejectsWith(service.resolveForUse('default', bob, view.id), 'ConnectionNotFound');
    await rejectsWith(service.get('other-env', ann, view.id), 'EnvironmentNotFound');
  });

  it('answers not found for a connection of another environment', async () => {
    await store.environments.create({ name: 'staging' });
    const view = await service.create('default', ann, { connectorName: 'apikey', values: { api_key: 'k-abcd' } });
    await rejectsWith(service.get('staging', ann, view.id), 'ConnectionNotFound');
    await rejectsWith(service.resolveForUse('staging', root, view.id), 'ConnectionNotFound');
  });

  it('does not decrypt an envelope copied from another connection', async () => {
    const a = await service.create('default', ann, { connectorName: 'apikey', values: { api_key: 'key-of-a-1' } });
    const b = await service.create('default', ann, { connectorName: 'apikey', values: { api_key: 'key-of-b-2' } });
    const stolen = (await store.connections.get(a.id))?.secrets ?? null;
    await store.connections.update(b.id, { secrets: stolen });
    await assert.rejects(service.resolveForUse('default', ann, b.id), (e: unknown) => e instanceof PlugboardError && e.code === 'SecretUndecryptable');
  });

  it('replaces secrets by compare-and-swap: one of two racing refreshes wins', async () => {
    const view = await service.create('default', ann, { connectorName: 'oauth', values: {} });
    const { revision } = await service.readSecrets(view.id);
    const results = await Promise.all([
      service.replaceSecrets(view.id, revision, { token: { accessToken: 'a' } }),
      service.replaceSecrets(view.id, revision, { token: { accessToken: 'b' } }),
    ]);
    assert.deepEqual([...results].sort(), [false, true]);
    const after = await service.readSecrets(view.id);
    assert.equal(after.revision, revision + 1);
  });

  it('records test outcomes and status, with the connection’s secrets redacted from error text', async () => {
    const view = await service.create('default', ann, { connectorName: 'apikey', values: { api_key: 'leaky-key-777' } });
    const ok = await service.test('default', ann, view.id, async ({ connection }) => {
      assert.equal(connection.parameterValues['api_key'], 'leaky-key-777');
      return { status: 'connected' };
    });
    assert.equal(ok.connection.status, 'connected');
    const failed = await service.test('default', ann, view.id, async () => {
      throw new Error(`401 from upstream: invalid key leaky-key-777 (${Buffer.from('leaky-key-777').toString('base64')})`);
    });
    assert.deepEqual(failed.outcome, { status: 'error', message: '401 from upstream: invalid key *** (***)' });
    assert.equal(failed.connection.lastError, '401 from upstream: invalid key *** (***)');
    await service.setStatus(view.id, 'unauthenticated', 'token leaky-key-777 expired');
    const after = await service.get('default', ann, view.id);
    assert.equal(after.status, 'unauthenticated');
    assert.equal(after.lastError, 'token *** expired');
    await rejectsWith(service.test('default', bob, view.id, async () => ({ status: 'connected' })), 'ConnectionNotFound');
  });

  it('deletes a connection for its owner or an admin', async () => {
    const a = await service.create('default', ann, { connectorName: 'apikey', values: { api_key: 'k-del-1' } });
    const b = await service.create('default', ann, { connectorName: 'apikey', values: { api_key: 'k-del-2' } });
    await service.delete('default', ann, a.id);
    await service.delete('default', root, b.id);
    await rejectsWith(service.get('default', ann, a.id), 'ConnectionNotFound');
    await rejectsWith(service.delete('default', ann, b.id), 'ConnectionNotFound');
  });
});
