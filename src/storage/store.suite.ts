/**
 * The Store conformance suite: every driver must pass it unchanged. Each test works in its own
 * freshly created environment or principal, so the suite can share one database.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConflictError, NotFoundError, UserInputError, newId } from '../core/index.ts';
import type { CreateConnectionInput, PutConnectorVersionInput, Store } from './store.ts';

/**
 * Registers the suite under `name`. `open` must open a store on the same database every time it is
 * called (the reopen test relies on it), and must start from a database this suite may write to.
 */
export function defineStoreSuite(name: string, open: () => Promise<Store>): void {
  describe(name, () => {
    let store: Store;
    before(async () => {
      store = await open();
    });
    after(async () => {
      await store.close();
    });

    const unique = (prefix: string): string => `${prefix}-${newId().slice(0, 8)}`;
    const newEnvironment = () => store.environments.create({ name: unique('env') });
    const hashOf = (n: number): string => n.toString(16).padStart(64, '0');
    let hashCounter = Date.now();
    const freshHash = (): string => hashOf((hashCounter += 1));
    const version = (environmentId: string, connectorName: string, contentHash: string, definition: unknown = { hash: contentHash }): PutConnectorVersionInput => ({
      environmentId,
      name: connectorName,
      title: `Title of ${connectorName}`,
      builtin: false,
      sourceKind: 'openapi2',
      contentHash,
      definition,
      issues: [],
    });

    describe('environments', () => {
      it('has the default environment right after open, and ensure returns it', async () => {
        const found = await store.environments.getByName('default');
        assert.ok(found, 'default environment missing');
        assert.equal(found.name, 'default');
        const ensured = await store.environments.ensure('default');
        assert.equal(ensured.id, found.id);
      });

      it('creates an environment with a display name defaulting to its name', async () => {
        const plain = await store.environments.create({ name: unique('plain') });
        assert.equal(plain.displayName, plain.name);
        assert.match(plain.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        const named = await store.environments.create({ name: unique('named'), displayName: 'Production (EU)' });
        assert.equal(named.displayName, 'Production (EU)');
        assert.deepEqual(await store.environments.getByName(named.name), named);
      });

      it('refuses a duplicate environment name with a ConflictError naming it', async () => {
        const env = await newEnvironment();
        await assert.rejects(store.environments.create({ name: env.name }), (error: unknown) => {
          assert.ok(error instanceof ConflictError, `expected ConflictError, got ${String(error)}`);
          assert.equal(error.code, 'EnvironmentExists');
          assert.match(error.message, new RegExp(env.name));
          return true;
        });
      });

      it('treats environment names case-sensitively', async () => {
        const base = unique('case');
        const lower = await store.environments.create({ name: base });
        const upper = await store.environments.create({ name: base.toUpperCase() });
        assert.notEqual(lower.id, upper.id);
        assert.equal((await store.environments.getByName(base.toUpperCase()))?.id, upper.id);
      });

      it('lists environments sorted by name in code-unit order', async () => {
        const suffix = newId().slice(0, 8);
        const names = [`b-${suffix}`, `B-${suffix}`, `a-${suffix}`, `Z-${suffix}`, `é-${suffix}`];
        for (const n of names) await store.environments.create({ name: n });
        const listed = (await store.environments.list()).map((e) => e.name);
        assert.deepEqual(listed, [...listed].sort(), 'list is not in code-unit order');
        assert.deepEqual(
          listed.filter((n) => n.endsWith(suffix)),
          [`B-${suffix}`, `Z-${suffix}`, `a-${suffix}`, `b-${suffix}`, `é-${suffix}`],
        );
      });

      it('returns the same environment to concurrent ensure calls', async () => {
        const envName = unique('ensure');
        const results = await Promise.all(Array.from({ length: 5 }, () => store.environments.ensure(envName)));
        assert.equal(new Set(results.map((e) => e.id)).size, 1);
        assert.equal((await store.environments.list()).filter((e) => e.name === envName).length, 1);
      });

      it('returns undefined for an unknown environment and refuses an empty name', async () => {
        assert.equal(await store.environments.getByName(unique('missing')), undefined);
        await assert.rejects(store.environments.create({ name: '' }), UserInputError);
      });
    });

    describe('principals', () => {
      it('creates users and service accounts and reads them back', async () => {
        const user = await store.principals.create({ kind: 'user', name: unique('ada'), email: 'ada@example.com', role: 'admin' });
        const bot = await store.principals.create({ kind: 'service-account', name: unique('bot'), role: 'viewer' });
        assert.equal(user.kind, 'user');
        assert.equal(user.email, 'ada@example.com');
        assert.equal(user.role, 'admin');
        assert.equal(user.disabledAt, null);
        assert.equal(bot.email, null);
        assert.deepEqual(await store.principals.get(user.id), user);
        assert.deepEqual(await store.principals.get(bot.id), bot);
        assert.equal(await store.principals.get(newId()), undefined);
        const listed = await store.principals.list();
        const ids = listed.map((p) => p.id);
        assert.ok(ids.includes(user.id) && ids.includes(bot.id));
        const createdAts = listed.map((p) => p.createdAt);
        assert.deepEqual(createdAts, [...createdAts].sort((a, b) => a - b), 'principals are not oldest first');
      });

      it('refuses a duplicate principal name and an unknown role', async () => {
        const principalName = unique('dup');
        await store.principals.create({ kind: 'user', name: principalName, role: 'maker' });
        await assert.rejects(store.principals.create({ kind: 'service-account', name: principalName, role: 'maker' }), ConflictError);
        // Parsed like an HTTP body or CLI flag would be: the type system cannot vouch for it.
        const badRole = JSON.parse('"superuser"');
        await assert.rejects(store.principals.create({ kind: 'user', name: unique('x'), role: badRole }), UserInputError);
      });

      it('disables a principal once and keeps the first disabling time', async () => {
        const p = await store.principals.create({ kind: 'user', name: unique('dis'), role: 'maker' });
        const disabled = await store.principals.disable(p.id);
        assert.equal(typeof disabled.disabledAt, 'number');
        const again = await store.principals.disable(p.id);
        assert.equal(again.disabledAt, disabled.disabledAt);
        assert.equal((await store.principals.get(p.id))?.disabledAt, disabled.disabledAt);
        await assert.rejects(store.principals.disable(newId()), NotFoundError);
      });
    });

    describe('API tokens', () => {
      const newPrincipal = () => store.principals.create({ kind: 'service-account', name: unique('tok'), role: 'maker' });

      it('finds an active token by its hash together with its principal', async () => {
        const principal = await newPrincipal();
        const hash = freshHash();
        const token = await store.apiTokens.create({ principalId: principal.id, name: 'ci', tokenHash: hash });
        assert.equal(token.tokenHash, hash);
        assert.equal(token.revokedAt, null);
        assert.equal(token.expiresAt, null);
        const found = await store.apiTokens.findActiveByHash(hash, Date.now());
        assert.deepEqual(found, { token, principal });
        assert.equal(await store.apiTokens.findActiveByHash(freshHash(), Date.now()), undefined);
      });

      it('stops finding a token once it is revoked, and keeps the first revocation time', async () => {
        const principal = await newPrincipal();
        const hash = freshHash();
        const token = await store.apiTokens.create({ principalId: principal.id, name: 'r', tokenHash: hash });
        const revoked = await store.apiTokens.revoke(token.id);
        assert.equal(typeof revoked.revokedAt, 'number');
        assert.equal(await store.apiTokens.findActiveByHash(hash, Date.now()), undefined);
        assert.equal((await store.apiTokens.revoke(token.id)).revokedAt, revoked.revokedAt);
        await assert.rejects(store.apiTokens.revoke(newId()), NotFoundError);
      });

      it('finds a token until its expiry instant and not from then on', async () => {
        const principal = await newPrincipal();
        const hash = freshHash();
        const expiresAt = Date.UTC(2030, 0, 1);
        await store.apiTokens.create({ principalId: principal.id, name: 'e', tokenHash: hash, expiresAt });
        assert.ok(await store.apiTokens.findActiveByHash(hash, expiresAt - 1));
        assert.equal(await store.apiTokens.findActiveByHash(hash, expiresAt), undefined);
        assert.equal(await store.apiTokens.findActiveByHash(hash, expiresAt + 86_400_000), undefined);
      });

      it('does not find tokens of a disabled principal', async () => {
        const principal = await newPrincipal();
        const hash = freshHash();
        await store.apiTokens.create({ principalId: principal.id, name: 'd', tokenHash: hash });
        await store.principals.disable(principal.id);
        assert.equal(await store.apiTokens.findActiveByHash(hash, Date.now()), undefined);
      });

      it('lists a principal’s tokens with their hashes, counts all tokens, and refuses bad input', async () => {
        const principal = await newPrincipal();
        const other = await newPrincipal();
        const before = await store.apiTokens.count();
        const a = await store.apiTokens.create({ principalId: principal.id, name: 'a', tokenHash: freshHash() });
        const b = await store.apiTokens.create({ principalId: principal.id, name: 'b', tokenHash: freshHash() });
        await store.apiTokens.create({ principalId: other.id, name: 'c', tokenHash: freshHash() });
        await store.apiTokens.revoke(b.id);
        assert.equal(await store.apiTokens.count(), before + 3);
        const listed = await store.apiTokens.listForPrincipal(principal.id);
        assert.deepEqual(listed.map((t) => t.id).sort(), [a.id, b.id].sort());
        assert.equal(listed.find((t) => t.id === a.id)?.tokenHash, a.tokenHash);
        assert.deepEqual(await store.apiTokens.listForPrincipal(newId()), []);

        await assert.rejects(store.apiTokens.create({ principalId: newId(), name: 'x', tokenHash: freshHash() }), NotFoundError);
        await assert.rejects(store.apiTokens.create({ principalId: principal.id, name: 'dup', tokenHash: a.tokenHash }), ConflictError);
        await assert.rejects(store.apiTokens.create({ principalId: principal.id, name: 'raw', tokenHash: 'pb_live_not-a-hash' }), (error: unknown) => {
          assert.ok(error instanceof UserInputError);
          assert.doesNotMatch(error.message, /pb_live/, 'the raw value must not be echoed');
          return true;
        });
        assert.equal(await store.apiTokens.count(), before + 3);
      });

      it('records the last use without moving it backwards', async () => {
        const principal = await newPrincipal();
        const hash = freshHash();
        const token = await store.apiTokens.create({ principalId: principal.id, name: 't', tokenHash: hash });
        assert.equal(token.lastUsedAt, null);
        await store.apiTokens.touchLastUsed(token.id, 2_000_000);
        await store.apiTokens.touchLastUsed(token.id, 1_000_000);
        const [listed] = await store.apiTokens.listForPrincipal(principal.id);
        assert.equal(listed?.lastUsedAt, 2_000_000);
      });
    });

    describe('connectors', () => {
      it('creates v1, returns it unchanged for the same hash, and adds v2 for a new hash', async () => {
        const env = await newEnvironment();
        const first = await store.connectors.putVersion({ ...version(env.id, 'sql', 'h1', { v: 1 }), publisher: 'Contoso', sourcePath: '/c/sql' });
        assert.equal(first.created, true);
        assert.equal(first.version.version, 1);
        assert.equal(first.connector.latestVersion, 1);
        assert.equal(first.connector.publisher, 'Contoso');
        assert.equal(first.version.sourcePath, '/c/sql');
        assert.equal(first.version.sourceKind, 'openapi2');
        assert.deepEqual(first.version.definition, { v: 1 });

        const same = await store.connectors.putVersion(version(env.id, 'sql', 'h1', { v: 1 }));
        assert.equal(same.created, false);
        assert.equal(same.version.id, first.version.id);
        assert.equal(same.connector.latestVersion, 1);

        const second = await store.connectors.putVersion({ ...version(env.id, 'sql', 'h2', { v: 2 }), title: 'SQL Server' });
        assert.equal(second.created, true);
        assert.equal(second.version.version, 2);
        assert.equal(second.connector.id, first.connector.id);
        assert.equal(second.connector.title, 'SQL Server');
        assert.equal(second.connector.publisher, null);

        const latest = await store.connectors.get(env.id, 'sql');
        assert.deepEqual(latest, { connector: second.connector, version: second.version });
        const v1 = await store.connectors.getVersion(env.id, 'sql', 1);
        assert.deepEqual(v1?.version, first.version);
        assert.deepEqual(v1?.version.definition, { v: 1 });
        assert.equal(await store.connectors.getVersion(env.id, 'sql', 3), undefined);
        assert.equal(await store.connectors.getVersion(env.id, 'sql', 0), undefined);
      });

      it('lists versions oldest first without their definitions', async () => {
        const env = await newEnvironment();
        await store.connectors.putVersion(version(env.id, 'blob', 'a'));
        await store.connectors.putVersion({ ...version(env.id, 'blob', 'b'), issues: [{ code: 'W1', severity: 'warning', path: '', message: 'm' }] });
        const versions = await store.connectors.listVersions(env.id, 'blob');
        assert.ok(versions);
        assert.deepEqual(versions.map((v) => [v.version, v.contentHash]), [[1, 'a'], [2, 'b']]);
        assert.ok(versions.every((v) => !('definition' in v)), 'listVersions must not carry definitions');
        assert.deepEqual(versions[1]?.issues, [{ code: 'W1', severity: 'warning', path: '', message: 'm' }]);
        assert.equal(await store.connectors.listVersions(env.id, 'nope'), undefined);
      });

      it('lists an environment’s connectors sorted by name, case-sensitively distinct', async () => {
        const env = await newEnvironment();
        const elsewhere = await newEnvironment();
        for (const n of ['salesforce', 'Office365', 'office365', 'azureblob', 'Zendesk']) {
          await store.connectors.putVersion({ ...version(env.id, n, 'h'), builtin: n === 'azureblob' });
        }
        await store.connectors.putVersion(version(elsewhere.id, 'hidden', 'h'));
        const listed = await store.connectors.list(env.id);
        assert.deepEqual(listed.map((c) => c.name), ['Office365', 'Zendesk', 'azureblob', 'office365', 'salesforce']);
        assert.deepEqual(listed.map((c) => c.builtin), [false, false, true, false, false]);
        assert.ok(listed.every((c) => c.environmentId === env.id && c.latestVersion === 1));
        assert.notEqual((await store.connectors.get(env.id, 'Office365'))?.connector.id, (await store.connectors.get(env.id, 'office365'))?.connector.id);
        assert.deepEqual(await store.connectors.list(newId()), []);
      });

      it('deletes a connector with its versions, and the name starts again at v1', async () => {
        const env = await newEnvironment();
        await store.connectors.putVersion(version(env.id, 'gone', 'a'));
        await store.connectors.putVersion(version(env.id, 'gone', 'b'));
        await store.connectors.putVersion(version(env.id, 'kept', 'a'));
        assert.equal(await store.connectors.delete(env.id, 'gone'), true);
        assert.equal(await store.connectors.get(env.id, 'gone'), undefined);
        assert.equal(await store.connectors.getVersion(env.id, 'gone', 1), undefined);
        assert.equal(await store.connectors.listVersions(env.id, 'gone'), undefined);
        assert.equal(await store.connectors.delete(env.id, 'gone'), false);
        assert.deepEqual((await store.connectors.list(env.id)).map((c) => c.name), ['kept']);
        const again = await store.connectors.putVersion(version(env.id, 'gone', 'b'));
        assert.equal(again.created, true);
        assert.equal(again.version.version, 1);
      });

      it('numbers concurrent puts of different content 1..5 without gaps or duplicates', async () => {
        const env = await newEnvironment();
        const results = await Promise.all(['c1', 'c2', 'c3', 'c4', 'c5'].map((h) => store.connectors.putVersion(version(env.id, 'race', h))));
        assert.ok(results.every((r) => r.created));
        assert.deepEqual(results.map((r) => r.version.version).sort((a, b) => a - b), [1, 2, 3, 4, 5]);
        assert.equal(new Set(results.map((r) => r.connector.id)).size, 1);
        const versions = await store.connectors.listVersions(env.id, 'race');
        assert.deepEqual(versions?.map((v) => v.version), [1, 2, 3, 4, 5]);
        assert.deepEqual(versions?.map((v) => v.contentHash).sort(), ['c1', 'c2', 'c3', 'c4', 'c5']);
        assert.equal((await store.connectors.get(env.id, 'race'))?.connector.latestVersion, 5);
      });

      it('creates exactly one version when the same content is put concurrently', async () => {
        const env = await newEnvironment();
        const results = await Promise.all(Array.from({ length: 5 }, () => store.connectors.putVersion(version(env.id, 'same', 'h'))));
        assert.equal(results.filter((r) => r.created).length, 1);
        assert.ok(results.every((r) => r.version.version === 1));
      });

      it('round-trips nested, unicode and megabyte-sized JSON unchanged', async () => {
        const env = await newEnvironment();
        const nested = {
          info: { title: 'Ünïcödé ✓ 日本語 עברית 🚀', 'x-ms-capabilities': { nested: { deeper: [1, [2, [3, { k: null }]]] } } },
          numbers: [0, -1, 1.5, 1e21, Number.MAX_SAFE_INTEGER],
          flags: [true, false],
          control: 'tab\tnewline\nnul\u0000quote"backslash\\',
          empty: {},
          emptyList: [],
        };
        const put = await store.connectors.putVersion(version(env.id, 'json', 'n', nested));
        assert.deepEqual(put.version.definition, nested);
        assert.deepEqual((await store.connectors.get(env.id, 'json'))?.version.definition, nested);

        const big = { operations: Array.from({ length: 8000 }, (_, i) => ({ operationId: `Op${i}`, summary: `Résumé ${i} ${'·'.repeat(120)}`, params: { i, ok: i % 2 === 0 } })) };
        assert.ok(JSON.stringify(big).length > 1_000_000, 'fixture should exceed 1 MB');
        const issues = [{ code: 'I', severity: 'info', path: '/paths/~1items', message: 'naïve “quotes”' }];
        await store.connectors.putVersion({ ...version(env.id, 'big', 'b', big), issues });
        const read = await store.connectors.get(env.id, 'big');
        assert.deepEqual(read?.version.definition, big);
        assert.deepEqual(read?.version.issues, issues);
      });

      it('refuses an unknown environment and a definition with no JSON form', async () => {
        await assert.rejects(store.connectors.putVersion(version(newId(), 'x', 'h')), NotFoundError);
        const env = await newEnvironment();
        await assert.rejects(store.connectors.putVersion({ ...version(env.id, 'x', 'h'), definition: undefined }), UserInputError);
        await assert.rejects(store.connectors.putVersion(version(env.id, 'x', 'h', { n: 10n })), UserInputError);
        assert.equal(await store.connectors.get(env.id, 'x'), undefined);
      });
    });

    describe('connections', () => {
      const newPrincipal = (role: 'admin' | 'maker' | 'viewer' = 'maker') => store.principals.create({ kind: 'user', name: unique('conn'), role });
      const connection = (environmentId: string, ownerId: string, extra: Partial<CreateConnectionInput> = {}): CreateConnectionInput => ({
        environmentId,
        connectorName: 'sendgrid',
        displayName: 'SendGrid (ops)',
        ownerId,
        values: { region: 'eu', port: 25, tls: true },
        secrets: 'sealed:v1:abc',
        status: 'connected',
        ...extra,
      });

      it('creates a connection with a chosen id and reads it back unchanged', async () => {
        const env = await newEnvironment();
        const owner = await newPrincipal();
        const id = newId();
        const created = await store.connections.create(connection(env.id, owner.id, { id, parameterSet: 'keyBasedAuth' }));
        assert.equal(created.id, id);
        assert.equal(created.environmentId, env.id);
        assert.equal(created.ownerId, owner.id);
        assert.equal(created.parameterSet, 'keyBasedAuth');
        assert.deepEqual(created.values, { region: 'eu', port: 25, tls: true });
        assert.equal(created.secrets, 'sealed:v1:abc');
        assert.equal(created.secretsRevision, 0);
        assert.equal(created.status, 'connected');
        assert.equal(created.lastError, null);
        assert.equal(created.createdAt, created.updatedAt);
        assert.deepEqual(await store.connections.get(id), created);
        assert.equal(await store.connections.get(newId()), undefined);
        const plain = await store.connections.create(connection(env.id, owner.id, { secrets: undefined, status: 'unauthenticated' }));
        assert.equal(plain.secrets, null);
        assert.equal(plain.parameterSet, null);
        assert.match(plain.id, /^[0-9a-f-]{36}$/);
      });

      it('refuses a taken id, an unknown environment or owner, a bad status and non-object values', async () => {
        const env = await newEnvironment();
        const owner = await newPrincipal();
        const first = await store.connections.create(connection(env.id, owner.id));
        await assert.rejects(store.connections.create(connection(env.id, owner.id, { id: first.id })), ConflictError);
        await assert.rejects(store.connections.create(connection(newId(), owner.id)), (e: unknown) => e instanceof NotFoundError && e.code === 'EnvironmentNotFound');
        await assert.rejects(store.connections.create(connection(env.id, newId())), (e: unknown) => e instanceof NotFoundError && e.code === 'PrincipalNotFound');
        const badStatus = JSON.parse('"broken"');
        await assert.rejects(store.connections.create(connection(env.id, owner.id, { status: badStatus })), UserInputError);
        const notAnObject = JSON.parse('["a"]');
        await assert.rejects(store.connections.create(connection(env.id, owner.id, { values: notAnObject })), UserInputError);
        assert.deepEqual((await store.connections.listForEnvironment(env.id)).map((c) => c.id), [first.id]);
      });

      it('lists an environment’s connections, and per principal only owned or shared ones', async () => {
        const env = await newEnvironment();
        const other = await newEnvironment();
        const ann = await newPrincipal();
        const bob = await newPrincipal();
        const cid = await newPrincipal();
        const a1 = await store.connections.create(connection(env.id, ann.id, { displayName: 'a1' }));
        const b1 = await store.connections.create(connection(env.id, bob.id, { displayName: 'b1' }));
        const a2 = await store.connections.create(connection(env.id, ann.id, { displayName: 'a2' }));
        await store.connections.create(connection(other.id, ann.id, { displayName: 'elsewhere' }));
        await store.connections.share(b1.id, ann.id);
        await store.connections.share(a2.id, cid.id);

        assert.deepEqual(new Set((await store.connections.listForEnvironment(env.id)).map((c) => c.id)), new Set([a1.id, b1.id, a2.id]));
        assert.deepEqual(new Set((await store.connections.listVisibleTo(env.id, ann.id)).map((c) => c.id)), new Set([a1.id, b1.id, a2.id]));
        assert.deepEqual((await store.connections.listVisibleTo(env.id, bob.id)).map((c) => c.id), [b1.id]);
        assert.deepEqual((await store.connections.listVisibleTo(env.id, cid.id)).map((c) => c.id), [a2.id]);
        assert.deepEqual(await store.connections.listVisibleTo(other.id, bob.id), []);
        const listed = await store.connections.listForEnvironment(env.id);
        const order = listed.map((c) => [c.createdAt, c.id] as const);
        assert.deepEqual(order, [...order].sort((x, y) => x[0] - y[0] || (x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0)), 'not oldest first');
      });

      it('updates name and values, and bumps the secrets revision only when secrets change', async () => {
        const env = await newEnvironment();
        const owner = await newPrincipal();
        const created = await store.connections.create(connection(env.id, owner.id));
        const renamed = await store.connections.update(created.id, { displayName: 'Renamed', values: { region: 'us' } });
        assert.equal(renamed.displayName, 'Renamed');
        assert.deepEqual(renamed.values, { region: 'us' });
        assert.equal(renamed.secrets, created.secrets);
        assert.equal(renamed.secretsRevision, 0);
        const rekeyed = await store.connections.update(created.id, { secrets: 'sealed:v1:new', expectedSecretsRevision: 0, parameterSet: 'set-b' });
        assert.equal(rekeyed.secrets, 'sealed:v1:new');
        assert.equal(rekeyed.secretsRevision, 1);
        assert.equal(rekeyed.parameterSet, 'set-b');
        assert.equal(rekeyed.displayName, 'Renamed');
        await assert.rejects(store.connections.update(created.id, { secrets: 'sealed:v1:stale', expectedSecretsRevision: 0 }), (e: unknown) => {
          assert.ok(e instanceof ConflictError);
          assert.equal(e.code, 'ConnectionChanged');
          return true;
        });
        assert.equal((await store.connections.get(created.id))?.secrets, 'sealed:v1:new');
        await assert.rejects(store.connections.update(newId(), { displayName: 'x' }), NotFoundError);
        await assert.rejects(store.connections.update(created.id, { expectedSecretsRevision: 1 }), UserInputError);
      });

      it('replaces secrets by compare-and-swap: exactly one of two concurrent writers wins', async () => {
        const env = await newEnvironment();
        const owner = await newPrincipal();
        const created = await store.connections.create(connection(env.id, owner.id));
        const results = await Promise.all([
          store.connections.updateSecrets(created.id, 0, 'sealed:refresh-a'),
          store.connections.updateSecrets(created.id, 0, 'sealed:refresh-b'),
        ]);
        assert.deepEqual([...results].sort(), [false, true]);
        const after = await store.connections.get(created.id);
        assert.equal(after?.secretsRevision, 1);
        assert.equal(after?.secrets, results[0] ? 'sealed:refresh-a' : 'sealed:refresh-b');
        assert.equal(await store.connections.updateSecrets(created.id, 0, 'sealed:late'), false);
        assert.equal(await store.connections.updateSecrets(created.id, 1, null), true);
        assert.equal((await store.connections.get(created.id))?.secrets, null);
        assert.equal(await store.connections.updateSecrets(newId(), 0, 'x'), false);
      });

      it('gives the refresh lease to exactly one of 8 concurrent acquirers, then to no one else until it lapses or is released', async () => {
        const env = await newEnvironment();
        const owner = await newPrincipal();
        const created = await store.connections.create(connection(env.id, owner.id));
        const now = 1_767_225_600_000;
        const lease = (holder: string, at: number) => ({ holder, nowMs: at, untilMs: at + 30_000 });
        const holders = Array.from({ length: 8 }, (_, i) => `process-${i}`);
        const results = await Promise.all(holders.map((holder) => store.connections.acquireRefreshLease(created.id, lease(holder, now))));
        assert.equal(results.filter(Boolean).length, 1, `exactly one acquirer wins, got ${JSON.stringify(results)}`);
        const winner = holders[results.indexOf(true)] ?? '';
        const loser = holders.find((h) => h !== winner) ?? '';

        assert.equal(await store.connections.acquireRefreshLease(created.id, lease(loser, now + 29_999)), false, 'held until it lapses');
        assert.equal(await store.connections.acquireRefreshLease(created.id, lease(winner, now + 10_000)), true, 'the holder may take it again (extends it)');
        assert.equal(await store.connections.acquireRefreshLease(created.id, lease(loser, now + 39_999)), false, 'the extension counts');
        assert.equal(await store.connections.releaseRefreshLease(created.id, loser), false, 'only the holder releases');
        assert.equal(await store.connections.releaseRefreshLease(created.id, winner), true);
        assert.equal(await store.connections.releaseRefreshLease(created.id, winner), false);
        assert.equal(await store.connections.acquireRefreshLease(created.id, lease(loser, now + 10_001)), true, 'a released lease is free at once');

        // a lease is not an edit: the record, its revision and updatedAt stay as they were
        assert.deepEqual(await store.connections.get(created.id), created);
        assert.equal(await store.connections.acquireRefreshLease(newId(), lease(winner, now)), false, 'no lease on a missing connection');
        assert.equal(await store.connections.releaseRefreshLease(newId(), winner), false);
      });

      it('lets exactly one of 8 concurrent acquirers take over a lapsed lease, and the lapsed holder cannot release it', async () => {
        const env = await newEnvironment();
        const owner = await newPrincipal();
        const created = await store.connections.create(connection(env.id, owner.id));
        const now = 1_767_225_600_000;
        assert.equal(await store.connections.acquireRefreshLease(created.id, { holder: 'crashed', nowMs: now, untilMs: now + 30_000 }), true);
        const later = now + 30_000;
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) => store.connections.acquireRefreshLease(created.id, { holder: `process-${i}`, nowMs: later, untilMs: later + 30_000 })),
        );
        assert.equal(results.filter(Boolean).length, 1, `exactly one takes over, got ${JSON.stringify(results)}`);
        assert.equal(await store.connections.releaseRefreshLease(created.id, 'crashed'), false, 'the lapsed holder no longer holds it');
        assert.equal(await store.connections.acquireRefreshLease(created.id, { holder: 'crashed', nowMs: later + 1, untilMs: later + 30_001 }), false);
        assert.equal(await store.connections.releaseRefreshLease(created.id, `process-${results.indexOf(true)}`), true);
      });

      it('refuses a refresh lease that ends before it starts or has no holder', async () => {
        const env = await newEnvironment();
        const owner = await newPrincipal();
        const created = await store.connections.create(connection(env.id, owner.id));
        await assert.rejects(store.connections.acquireRefreshLease(created.id, { holder: 'p', nowMs: 2_000, untilMs: 2_000 }), UserInputError);
        await assert.rejects(store.connections.acquireRefreshLease(created.id, { holder: '', nowMs: 1_000, untilMs: 2_000 }), UserInputError);
        await assert.rejects(store.connections.acquireRefreshLease(created.id, { holder: 'p', nowMs: 1.5, untilMs: 2_000 }), UserInputError);
        await assert.rejects(store.connections.releaseRefreshLease(created.id, ''), UserInputError);
        assert.equal(await store.connections.acquireRefreshLease(created.id, { holder: 'p', nowMs: 1_000, untilMs: 2_000 }), true, 'nothing was taken by the refused calls');
      });

      it('records status and last error', async () => {
        const env = await newEnvironment();
        const owner = await newPrincipal();
        const created = await store.connections.create(connection(env.id, owner.id));
        const failed = await store.connections.setStatus(created.id, 'error', 'HTTP 401 from the API');
        assert.equal(failed.status, 'error');
        assert.equal(failed.lastError, 'HTTP 401 from the API');
        const healed = await store.connections.setStatus(created.id, 'connected', null);
        assert.equal(healed.lastError, null);
        await assert.rejects(store.connections.setStatus(newId(), 'connected', null), NotFoundError);
        await assert.rejects(store.connections.setStatus(created.id, JSON.parse('"gone"'), null), UserInputError);
      });

      it('shares idempotently, lists and removes shares, and refuses unknown principals', async () => {
        const env = await newEnvironment();
        const owner = await newPrincipal();
        const friend = await newPrincipal('viewer');
        const created = await store.connections.create(connection(env.id, owner.id));
        const share = await store.connections.share(created.id, friend.id);
        assert.deepEqual(share, { connectionId: created.id, principalId: friend.id, createdAt: share.createdAt });
        assert.deepEqual(await store.connections.share(created.id, friend.id), share);
        assert.deepEqual(await store.connections.listShares(created.id), [share]);
        await assert.rejects(store.connections.share(created.id, newId()), (e: unknown) => e instanceof NotFoundError && e.code === 'PrincipalNotFound');
        await assert.rejects(store.connections.share(newId(), friend.id), (e: unknown) => e instanceof NotFoundError && e.code === 'ConnectionNotFound');
        assert.equal(await store.connections.unshare(created.id, friend.id), true);
        assert.equal(await store.connections.unshare(created.id, friend.id), false);
        assert.deepEqual(await store.connections.listShares(created.id), []);
        assert.deepEqual(await store.connections.listVisibleTo(env.id, friend.id), []);
      });

      it('deletes a connection with its shares and pending OAuth states', async () => {
        const env = await newEnvironment();
        const owner = await newPrincipal();
        const friend = await newPrincipal();
        const doomed = await store.connections.create(connection(env.id, owner.id));
        const kept = await store.connections.create(connection(env.id, owner.id));
        await store.connections.share(doomed.id, friend.id);
        await store.connections.share(kept.id, friend.id);
        const stateHash = freshHash();
        await store.oauthStates.create({ stateHash, environmentId: env.id, principalId: owner.id, connectionId: doomed.id, payload: 'sealed:p', expiresAt: Date.now() + 60_000 });
        assert.equal(await store.connections.delete(doomed.id), true);
        assert.equal(await store.connections.get(doomed.id), undefined);
        assert.deepEqual(await store.connections.listShares(doomed.id), []);
        assert.equal(await store.oauthStates.consume(stateHash, Date.now()), undefined);
        assert.equal(await store.connections.delete(doomed.id), false);
        assert.deepEqual((await store.connections.listVisibleTo(env.id, friend.id)).map((c) => c.id), [kept.id]);
      });
    });

    describe('OAuth apps', () => {
      it('upserts by environment and key, keeping id and creation time', async () => {
        const env = await newEnvironment();
        const first = await store.oauthApps.put({ environmentId: env.id, key: 'oauth2:lawvu', clientId: 'client-1', clientSecret: 'sealed:s1', settings: { scopes: ['a'] } });
        assert.equal(first.key, 'oauth2:lawvu');
        assert.equal(first.clientSecret, 'sealed:s1');
        assert.deepEqual(first.settings, { scopes: ['a'] });
        const second = await store.oauthApps.put({ environmentId: env.id, key: 'oauth2:lawvu', clientId: 'client-2', clientSecret: null, settings: {} });
        assert.equal(second.id, first.id);
        assert.equal(second.createdAt, first.createdAt);
        assert.equal(second.clientId, 'client-2');
        assert.equal(second.clientSecret, null);
        assert.deepEqual(await store.oauthApps.get(env.id, 'oauth2:lawvu'), second);
        assert.equal(await store.oauthApps.get(env.id, 'OAUTH2:LAWVU'), undefined);
      });

      it('lists apps by key and deletes them; refuses an unknown environment', async () => {
        const env = await newEnvironment();
        const other = await newEnvironment();
        for (const key of ['b', 'A', 'a']) await store.oauthApps.put({ environmentId: env.id, key, clientId: 'c', clientSecret: null, settings: {} });
        await store.oauthApps.put({ environmentId: other.id, key: 'hidden', clientId: 'c', clientSecret: null, settings: {} });
        assert.deepEqual((await store.oauthApps.list(env.id)).map((a) => a.key), ['A', 'a', 'b']);
        assert.equal(await store.oauthApps.delete(env.id, 'a'), true);
        assert.equal(await store.oauthApps.delete(env.id, 'a'), false);
        assert.deepEqual((await store.oauthApps.list(env.id)).map((a) => a.key), ['A', 'b']);
        await assert.rejects(store.oauthApps.put({ environmentId: newId(), key: 'k', clientId: 'c', clientSecret: null, settings: {} }), NotFoundError);
      });
    });

    describe('OAuth states', () => {
      const setup = async () => {
        const env = await newEnvironment();
        const principal = await store.principals.create({ kind: 'user', name: unique('oauth'), role: 'maker' });
        return { env, principal };
      };

      it('consumes a state once and returns what was stored', async () => {
        const { env, principal } = await setup();
        const stateHash = freshHash();
        const created = await store.oauthStates.create({ stateHash, environmentId: env.id, principalId: principal.id, connectionId: null, payload: 'sealed:pkce', expiresAt: 2_000_000 });
        assert.equal(created.consumedAt, null);
        const consumed = await store.oauthStates.consume(stateHash, 1_500_000);
        assert.deepEqual(consumed, { ...created, consumedAt: 1_500_000 });
        assert.equal(await store.oauthStates.consume(stateHash, 1_500_001), undefined);
        assert.equal(await store.oauthStates.consume(freshHash(), 1_500_000), undefined);
      });

      it('does not consume an expired state', async () => {
        const { env, principal } = await setup();
        const stateHash = freshHash();
        await store.oauthStates.create({ stateHash, environmentId: env.id, principalId: principal.id, connectionId: null, payload: 'sealed:p', expiresAt: 2_000_000 });
        assert.equal(await store.oauthStates.consume(stateHash, 2_000_000), undefined);
        // The refused attempt did not use the state up: before its expiry it is still consumable.
        assert.ok(await store.oauthStates.consume(stateHash, 1_999_999));
      });

      it('lets exactly one of many concurrent consumers win', async () => {
        const { env, principal } = await setup();
        const stateHash = freshHash();
        await store.oauthStates.create({ stateHash, environmentId: env.id, principalId: principal.id, connectionId: null, payload: 'sealed:p', expiresAt: Date.now() + 60_000 });
        const results = await Promise.all(Array.from({ length: 8 }, () => store.oauthStates.consume(stateHash, Date.now())));
        assert.equal(results.filter((r) => r !== undefined).length, 1);
      });

      it('refuses a duplicate or malformed hash without echoing it, and deletes expired states', async () => {
        const { env, principal } = await setup();
        const stateHash = freshHash();
        const input = { stateHash, environmentId: env.id, principalId: principal.id, connectionId: null, payload: 'sealed:p', expiresAt: 1_000 };
        await store.oauthStates.create(input);
        await assert.rejects(store.oauthStates.create(input), ConflictError);
        await assert.rejects(store.oauthStates.create({ ...input, stateHash: 'raw-state-value-123' }), (e: unknown) => {
          assert.ok(e instanceof UserInputError);
          assert.doesNotMatch(e.message, /raw-state-value/);
          return true;
        });
        await assert.rejects(store.oauthStates.create({ ...input, stateHash: freshHash(), connectionId: newId() }), NotFoundError);
        const deleted = await store.oauthStates.deleteExpired(1_001);
        assert.ok(deleted >= 1);
        assert.equal(await store.oauthStates.consume(stateHash, 500), undefined);
      });
    });

    describe('secret keys and sealed values', () => {
      it('registers key versions once, lists them in order and retires idempotently', async () => {
        const before = await store.secretKeys.list();
        const next = (before.at(-1)?.version ?? 0) + 1;
        const a = freshHash();
        const b = freshHash();
        const first = await store.secretKeys.insert(next, a);
        assert.deepEqual(first, { version: next, checkValue: a, createdAt: first?.createdAt, retiredAt: null });
        assert.equal(await store.secretKeys.insert(next, b), undefined, 'a taken version must not be registered twice');
        assert.equal(await store.secretKeys.insert(next + 1, a), undefined, 'a taken check value must not be registered twice');
        const second = await store.secretKeys.insert(next + 1, b);
        assert.ok(second);
        const listed = await store.secretKeys.list();
        assert.deepEqual(listed.slice(-2), [first, second]);
        const retired = await store.secretKeys.retire(next);
        assert.equal(typeof retired.retiredAt, 'number');
        assert.equal((await store.secretKeys.retire(next)).retiredAt, retired.retiredAt);
        await assert.rejects(store.secretKeys.retire(next + 1000), NotFoundError);
        await assert.rejects(store.secretKeys.insert(0, freshHash()), UserInputError);
      });

      it('pages every envelope column by row id and replaces envelopes by compare-and-swap', async () => {
        const env = await newEnvironment();
        const owner = await store.principals.create({ kind: 'user', name: unique('seal'), role: 'maker' });
        const made: string[] = [];
        for (let i = 0; i < 5; i += 1) {
          const c = await store.connections.create({ environmentId: env.id, connectorName: 'x', displayName: `c${i}`, ownerId: owner.id, values: {}, secrets: `sealed:c${i}`, status: 'connected' });
          made.push(c.id);
        }
        await store.connections.create({ environmentId: env.id, connectorName: 'x', displayName: 'no secrets', ownerId: owner.id, values: {}, status: 'connected' });
        const app = await store.oauthApps.put({ environmentId: env.id, key: unique('app'), clientId: 'c', clientSecret: 'sealed:app', settings: {} });
        const state = await store.oauthStates.create({ stateHash: freshHash(), environmentId: env.id, principalId: owner.id, connectionId: null, payload: 'sealed:state', expiresAt: Date.now() + 60_000 });
        assert.deepEqual(store.sealedValues.columns, ['connections.secrets', 'oauth_apps.client_secret', 'oauth_states.payload']);

        const seen: string[] = [];
        let after: string | null = null;
        for (;;) {
          const page = await store.sealedValues.page('connections.secrets', { afterRowId: after, limit: 2 });
          if (page.length === 0) break;
          assert.ok(page.length <= 2);
          for (const v of page) {
            assert.equal(v.column, 'connections.secrets');
            if (made.includes(v.rowId)) seen.push(v.value);
          }
          after = page.at(-1)?.rowId ?? null;
        }
        assert.deepEqual(seen.sort(), ['sealed:c0', 'sealed:c1', 'sealed:c2', 'sealed:c3', 'sealed:c4']);
        assert.ok((await store.sealedValues.page('oauth_apps.client_secret', { afterRowId: null, limit: 1000 })).some((v) => v.rowId === app.id && v.value === 'sealed:app'));
        assert.ok((await store.sealedValues.page('oauth_states.payload', { afterRowId: null, limit: 1000 })).some((v) => v.rowId === state.id && v.value === 'sealed:state'));

        const target = made[0] ?? '';
        const revision = (await store.connections.get(target))?.secretsRevision;
        assert.equal(await store.sealedValues.replace({ column: 'connections.secrets', rowId: target, value: 'sealed:stale' }, 'sealed:new'), false);
        assert.equal(await store.sealedValues.replace({ column: 'connections.secrets', rowId: target, value: 'sealed:c0' }, 'sealed:c0-v2'), true);
        const replaced = await store.connections.get(target);
        assert.equal(replaced?.secrets, 'sealed:c0-v2');
        assert.equal(replaced?.secretsRevision, revision, 're-wrapping is not a secrets change');
        assert.equal(await store.sealedValues.replace({ column: 'oauth_apps.client_secret', rowId: app.id, value: 'sealed:app' }, 'sealed:app2'), true);
        assert.equal((await store.oauthApps.get(env.id, app.key))?.clientSecret, 'sealed:app2');
        assert.equal(await store.sealedValues.replace({ column: 'oauth_states.payload', rowId: state.id, value: 'sealed:state' }, 'sealed:state2'), true);
        await assert.rejects(store.sealedValues.page('connections.secrets', { afterRowId: null, limit: 0 }), UserInputError);
      });
    });

    describe('reopening', () => {
      it('keeps the data and does not apply migrations again', async () => {
        const env = await newEnvironment();
        await store.connectors.putVersion(version(env.id, 'persisted', 'p', { kept: true }));
        const reopened = await open();
        try {
          assert.deepEqual(reopened.migrations.appliedNow, []);
          assert.equal(reopened.migrations.version, store.migrations.version);
          assert.equal(reopened.driver, store.driver);
          assert.deepEqual((await reopened.connectors.get(env.id, 'persisted'))?.version.definition, { kept: true });
          assert.equal((await reopened.environments.getByName('default'))?.id, (await store.environments.getByName('default'))?.id);
        } finally {
          await reopened.close();
        }
      });
    });
  });
}
