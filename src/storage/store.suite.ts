/**
 * The Store conformance suite: every driver must pass it unchanged. Each test works in its own
 * freshly created environment or principal, so the suite can share one database.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConflictError, NotFoundError, PlugboardError, UserInputError, newId } from '../core/index.ts';
import { RUN_BLOB_THRESHOLD_BYTES } from './run-blobs.ts';
import type { CreateConnectionInput, CreateFlowInput, PutConnectorVersionInput, RunRecord, RunSummary, Store } from './store.ts';

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

    const unique = (prefix: string): string => `${prefix}-${newId().slice(-8)}`;
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
        assert.match(plain.id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, "ids are time-ordered UUID v7");
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
        const suffix = newId().slice(-8);
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
        const bot = await store.principals.create({ kind: 'service-account', name: unique('bot'), role: 'user' });
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

    describe('environment roles', () => {
      it('assigns a role per environment, changes it in place and removes it', async () => {
        const env = await newEnvironment();
        const other = await newEnvironment();
        const p = await store.principals.create({ kind: 'user', name: unique('roled'), role: 'user' });
        assert.equal(await store.environmentRoles.get(env.id, p.id), undefined);
        const assigned = await store.environmentRoles.put({ environmentId: env.id, principalId: p.id, role: 'admin' });
        assert.deepEqual({ ...assigned, createdAt: 0, updatedAt: 0 }, { environmentId: env.id, principalId: p.id, role: 'admin', createdAt: 0, updatedAt: 0 });
        assert.deepEqual(await store.environmentRoles.get(env.id, p.id), assigned);
        assert.equal(await store.environmentRoles.get(other.id, p.id), undefined, 'an assignment holds in its own environment only');
        assert.equal((await store.principals.get(p.id))?.role, 'user', 'the default role is unchanged');

        const changed = await store.environmentRoles.put({ environmentId: env.id, principalId: p.id, role: 'maker' });
        assert.equal(changed.role, 'maker');
        assert.equal(changed.createdAt, assigned.createdAt);
        assert.ok(changed.updatedAt >= assigned.updatedAt);
        const second = await store.principals.create({ kind: 'service-account', name: unique('roled'), role: 'maker' });
        await store.environmentRoles.put({ environmentId: env.id, principalId: second.id, role: 'user' });
        const byPrincipal = (a: readonly string[], b: readonly string[]) => ((a[0] ?? '') < (b[0] ?? '') ? -1 : 1);
        assert.deepEqual((await store.environmentRoles.list(env.id)).map((r) => [r.principalId, r.role]).sort(byPrincipal), [[p.id, 'maker'], [second.id, 'user']].sort(byPrincipal));
        assert.deepEqual(await store.environmentRoles.list(other.id), []);

        assert.equal(await store.environmentRoles.delete(env.id, p.id), true);
        assert.equal(await store.environmentRoles.delete(env.id, p.id), false);
        assert.equal(await store.environmentRoles.get(env.id, p.id), undefined);
      });

      it('refuses an unknown environment, principal or role', async () => {
        const env = await newEnvironment();
        const p = await store.principals.create({ kind: 'user', name: unique('roled'), role: 'maker' });
        await assert.rejects(store.environmentRoles.put({ environmentId: newId(), principalId: p.id, role: 'admin' }), (error: unknown) => error instanceof NotFoundError && error.code === 'EnvironmentNotFound');
        await assert.rejects(store.environmentRoles.put({ environmentId: env.id, principalId: newId(), role: 'admin' }), (error: unknown) => error instanceof NotFoundError && error.code === 'PrincipalNotFound');
        await assert.rejects(store.environmentRoles.put({ environmentId: env.id, principalId: p.id, role: JSON.parse('"viewer"') }), UserInputError);
        assert.deepEqual(await store.environmentRoles.list(env.id), []);
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
      const newPrincipal = (role: 'admin' | 'maker' | 'user' = 'maker') => store.principals.create({ kind: 'user', name: unique('conn'), role });
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
        const friend = await newPrincipal('user');
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
        assert.deepEqual(store.sealedValues.columns, ['connections.secrets', 'oauth_apps.client_secret', 'oauth_states.payload', 'flow_keys.sealed_key']);

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

    describe('flows', () => {
      const newFlowInput = (environmentId: string, overrides: Partial<CreateFlowInput> = {}): CreateFlowInput => ({
        environmentId,
        name: unique('flow'),
        definition: { $schema: 'wdl', triggers: { manual: { type: 'Request' } }, actions: { Ünïcode: { type: 'Compose', inputs: '\u0000' } } },
        connectionReferences: { office365: { connectionName: 'c1' } },
        ...overrides,
      });

      it('creates a flow with version 1 and reads it back by id, by name and by version', async () => {
        const env = await newEnvironment();
        const owner = await store.principals.create({ kind: 'user', name: unique('owner'), role: 'maker' });
        const input = newFlowInput(env.id, { ownerId: owner.id });
        const created = await store.flows.create(input);
        assert.equal(created.flow.name, input.name);
        assert.equal(created.flow.ownerId, owner.id);
        assert.equal(created.flow.state, 'enabled');
        assert.equal(created.flow.currentVersion, 1);
        assert.equal(created.version.version, 1);
        assert.deepEqual(created.version.definition, input.definition);
        assert.deepEqual(created.version.connectionReferences, input.connectionReferences);
        assert.deepEqual(await store.flows.get(created.flow.id), created.flow);
        assert.deepEqual(await store.flows.getByName(env.id, input.name), created.flow);
        assert.deepEqual(await store.flows.getVersion(created.flow.id), created.version);
        assert.deepEqual(await store.flows.getVersion(created.flow.id, 1), created.version);
        assert.equal(await store.flows.getVersion(created.flow.id, 2), undefined);
        assert.equal(await store.flows.get(newId()), undefined);
        const systemFlow = await store.flows.create(newFlowInput(env.id, { state: 'disabled', connectionReferences: undefined }));
        assert.equal(systemFlow.flow.ownerId, null);
        assert.equal(systemFlow.flow.state, 'disabled');
        assert.deepEqual(systemFlow.version.connectionReferences, {});
      });

      it('refuses a taken name or id, an unknown environment or owner, and a bad state', async () => {
        const env = await newEnvironment();
        const other = await newEnvironment();
        const first = await store.flows.create(newFlowInput(env.id));
        await assert.rejects(store.flows.create(newFlowInput(env.id, { name: first.flow.name })), (error: unknown) => {
          assert.ok(error instanceof ConflictError);
          assert.equal(error.code, 'FlowExists');
          assert.match(error.message, new RegExp(first.flow.name));
          return true;
        });
        assert.equal((await store.flows.create(newFlowInput(other.id, { name: first.flow.name }))).flow.environmentId, other.id);
        await assert.rejects(store.flows.create(newFlowInput(env.id, { id: first.flow.id })), ConflictError);
        await assert.rejects(store.flows.create(newFlowInput(newId())), NotFoundError);
        await assert.rejects(store.flows.create(newFlowInput(env.id, { ownerId: newId() })), NotFoundError);
        await assert.rejects(store.flows.create(newFlowInput(env.id, { state: JSON.parse('"paused"') })), UserInputError);
        await assert.rejects(store.flows.create(newFlowInput(env.id, { connectionReferences: JSON.parse('[]') })), UserInputError);
      });

      it('numbers concurrent new versions without gaps or duplicates and keeps the old ones', async () => {
        const env = await newEnvironment();
        const { flow } = await store.flows.create(newFlowInput(env.id));
        const added = await Promise.all(Array.from({ length: 5 }, (_, i) => store.flows.addVersion(flow.id, { definition: { i } })));
        assert.deepEqual(added.map((a) => a.version.version).sort(), [2, 3, 4, 5, 6]);
        const current = await store.flows.get(flow.id);
        assert.equal(current?.currentVersion, 6);
        const latest = await store.flows.getVersion(flow.id);
        assert.equal(latest?.version, 6);
        assert.deepEqual(latest?.definition, added.find((a) => a.version.version === 6)?.version.definition);
        assert.equal((await store.flows.getVersion(flow.id, 1))?.version, 1);
        await assert.rejects(store.flows.addVersion(newId(), { definition: {} }), NotFoundError);
      });

      it('renames, disables and lists flows by name; refuses a taken name', async () => {
        const env = await newEnvironment();
        const a = await store.flows.create(newFlowInput(env.id, { name: 'b-flow' }));
        await store.flows.create(newFlowInput(env.id, { name: 'B-flow' }));
        await store.flows.create(newFlowInput(env.id, { name: 'a-flow' }));
        const renamed = await store.flows.update(a.flow.id, { name: 'c-flow', state: 'disabled' });
        assert.equal(renamed.name, 'c-flow');
        assert.equal(renamed.state, 'disabled');
        assert.equal(renamed.currentVersion, 1);
        assert.deepEqual((await store.flows.list(env.id)).map((f) => f.name), ['B-flow', 'a-flow', 'c-flow']);
        await assert.rejects(store.flows.update(a.flow.id, { name: 'a-flow' }), ConflictError);
        await assert.rejects(store.flows.update(newId(), { state: 'enabled' }), NotFoundError);
        assert.equal((await store.flows.update(a.flow.id, { state: 'enabled' })).state, 'enabled');
      });

      it('deletes a flow with its versions and runs, large values included; the name is free again', async () => {
        const env = await newEnvironment();
        const { flow } = await store.flows.create(newFlowInput(env.id));
        await store.flows.addVersion(flow.id, { definition: { v: 2 } });
        const run = await store.runs.create({ flowId: flow.id, flowVersion: 2, triggerOutputs: { body: 'x'.repeat(RUN_BLOB_THRESHOLD_BYTES + 1) } });
        const action = await store.runs.startAction({ runId: run.id, name: 'A', inputs: 'y'.repeat(RUN_BLOB_THRESHOLD_BYTES + 1) });
        await store.runs.finishAction(action.id, { status: 'Succeeded', outputs: 'z'.repeat(RUN_BLOB_THRESHOLD_BYTES + 1) });
        assert.equal(await store.flows.delete(flow.id), true);
        assert.equal(await store.flows.get(flow.id), undefined);
        assert.equal(await store.flows.getVersion(flow.id, 1), undefined);
        assert.equal(await store.runs.get(run.id), undefined);
        assert.deepEqual(await store.runs.listActions(run.id), []);
        assert.equal(await store.flows.delete(flow.id), false);
        assert.equal((await store.flows.create(newFlowInput(env.id, { name: flow.name }))).flow.name, flow.name);
      });
    });

    describe('flow members', () => {
      const newFlow = async (environmentId: string, ownerId: string | null = null) =>
        (await store.flows.create({ environmentId, name: unique('flow'), ownerId, definition: { actions: {} } })).flow;
      const newPrincipal = () => store.principals.create({ kind: 'user', name: unique('member'), role: 'maker' });

      it('adds co-owners and run-only users, changes their access in place and removes them', async () => {
        const env = await newEnvironment();
        const flow = await newFlow(env.id);
        const [ann, bob] = [await newPrincipal(), await newPrincipal()];
        const added = await store.flowMembers.put({ flowId: flow.id, principalId: ann.id, access: 'run-only' });
        assert.deepEqual({ ...added, createdAt: 0 }, { flowId: flow.id, principalId: ann.id, access: 'run-only', createdAt: 0 });
        await store.flowMembers.put({ flowId: flow.id, principalId: bob.id, access: 'co-owner' });
        const promoted = await store.flowMembers.put({ flowId: flow.id, principalId: ann.id, access: 'co-owner' });
        assert.equal(promoted.access, 'co-owner');
        assert.equal(promoted.createdAt, added.createdAt);
        assert.deepEqual(await store.flowMembers.get(flow.id, ann.id), promoted);
        assert.deepEqual((await store.flowMembers.list(flow.id)).map((m) => m.principalId).sort(), [ann.id, bob.id].sort());
        assert.ok((await store.flowMembers.list(flow.id)).every((m) => m.access === 'co-owner'));
        assert.equal(await store.flowMembers.delete(flow.id, ann.id), true);
        assert.equal(await store.flowMembers.delete(flow.id, ann.id), false);
        assert.equal(await store.flowMembers.get(flow.id, ann.id), undefined);
      });

      it('refuses an unknown flow, principal or access', async () => {
        const env = await newEnvironment();
        const flow = await newFlow(env.id);
        const ann = await newPrincipal();
        await assert.rejects(store.flowMembers.put({ flowId: newId(), principalId: ann.id, access: 'run-only' }), (error: unknown) => error instanceof NotFoundError && error.code === 'FlowNotFound');
        await assert.rejects(store.flowMembers.put({ flowId: flow.id, principalId: newId(), access: 'run-only' }), (error: unknown) => error instanceof NotFoundError && error.code === 'PrincipalNotFound');
        await assert.rejects(store.flowMembers.put({ flowId: flow.id, principalId: ann.id, access: JSON.parse('"owner"') }), UserInputError);
        assert.deepEqual(await store.flowMembers.list(flow.id), []);
      });

      it('lists per principal only the flows it owns or is a member of, by name', async () => {
        const env = await newEnvironment();
        const other = await newEnvironment();
        const [ann, bob] = [await newPrincipal(), await newPrincipal()];
        const owned = await store.flows.create({ environmentId: env.id, name: 'b-owned', ownerId: ann.id, definition: {} });
        const shared = await store.flows.create({ environmentId: env.id, name: 'a-shared', ownerId: bob.id, definition: {} });
        const runOnly = await store.flows.create({ environmentId: env.id, name: 'c-run-only', ownerId: bob.id, definition: {} });
        await store.flows.create({ environmentId: env.id, name: 'd-foreign', ownerId: bob.id, definition: {} });
        await store.flows.create({ environmentId: env.id, name: 'e-system', definition: {} });
        const elsewhere = await store.flows.create({ environmentId: other.id, name: 'f-elsewhere', ownerId: ann.id, definition: {} });
        await store.flowMembers.put({ flowId: shared.flow.id, principalId: ann.id, access: 'co-owner' });
        await store.flowMembers.put({ flowId: runOnly.flow.id, principalId: ann.id, access: 'run-only' });
        assert.deepEqual((await store.flows.listVisibleTo(env.id, ann.id)).map((f) => f.id), [shared.flow.id, owned.flow.id, runOnly.flow.id]);
        assert.deepEqual((await store.flows.listVisibleTo(other.id, ann.id)).map((f) => f.id), [elsewhere.flow.id]);
        assert.equal((await store.flows.listVisibleTo(env.id, bob.id)).length, 3);
        assert.deepEqual(await store.flows.listVisibleTo(env.id, newId()), []);
      });

      it('deletes the members with their flow', async () => {
        const env = await newEnvironment();
        const flow = await newFlow(env.id);
        const ann = await newPrincipal();
        await store.flowMembers.put({ flowId: flow.id, principalId: ann.id, access: 'run-only' });
        assert.equal(await store.flows.delete(flow.id), true);
        assert.deepEqual(await store.flowMembers.list(flow.id), []);
        assert.deepEqual(await store.flows.listVisibleTo(env.id, ann.id), []);
      });
    });

    describe('runs', () => {
      const newFlow = async () => (await store.flows.create({ environmentId: (await newEnvironment()).id, name: unique('flow'), definition: { actions: {} } })).flow;
      const newRun = async () => store.runs.create({ flowId: (await newFlow()).id, flowVersion: 1 });

      it('starts a run of a flow version, in the flow’s environment, with its trigger outputs', async () => {
        const flow = await newFlow();
        const triggerOutputs = { headers: { 'Content-Type': 'application/json' }, queries: {}, body: { order: 42, note: 'é\u0000' } };
        const run = await store.runs.create({ flowId: flow.id, flowVersion: 1, triggerName: 'manual', triggerOutputs, correlationId: 'corr-1', clientTrackingId: 'track-1' });
        assert.equal(run.status, 'Running');
        assert.equal(run.environmentId, flow.environmentId);
        assert.equal(run.flowVersion, 1);
        assert.equal(run.triggerName, 'manual');
        assert.deepEqual(run.triggerOutputs, triggerOutputs);
        assert.equal(run.outputs, null);
        assert.equal(run.error, null);
        assert.equal(run.correlationId, 'corr-1');
        assert.equal(run.clientTrackingId, 'track-1');
        assert.equal(run.endedAt, null);
        assert.deepEqual(await store.runs.get(run.id), run);
        const { triggerOutputs: _outputs, outputs: _runOutputs, ...summary } = run;
        assert.deepEqual(await store.runs.getSummary(run.id), summary, 'the summary is the run without its large values');
        assert.equal(await store.runs.getSummary(newId()), undefined);
        const waiting = await store.runs.create({ flowId: flow.id, flowVersion: 1, status: 'Waiting' });
        assert.equal(waiting.status, 'Waiting');
        assert.equal(waiting.triggerOutputs, null);
        assert.equal(await store.runs.get(newId()), undefined);
      });

      it('refuses a run of an unknown flow or version, a taken id and a final status at start', async () => {
        const flow = await newFlow();
        await assert.rejects(store.runs.create({ flowId: newId(), flowVersion: 1 }), (error: unknown) => error instanceof NotFoundError && error.code === 'FlowNotFound');
        await assert.rejects(store.runs.create({ flowId: flow.id, flowVersion: 2 }), (error: unknown) => error instanceof NotFoundError && error.code === 'FlowVersionNotFound');
        const run = await store.runs.create({ flowId: flow.id, flowVersion: 1 });
        await assert.rejects(store.runs.create({ id: run.id, flowId: flow.id, flowVersion: 1 }), (error: unknown) => error instanceof ConflictError && error.code === 'RunExists');
        await assert.rejects(store.runs.create({ flowId: flow.id, flowVersion: 1, status: JSON.parse('"Succeeded"') }), UserInputError);
        await assert.rejects(store.runs.create({ flowId: flow.id, flowVersion: 0 }), UserInputError);
      });

      it('commits an action’s start and result, and refuses to finish it twice', async () => {
        const run = await newRun();
        const started = await store.runs.startAction({ runId: run.id, name: 'Compose', inputs: { a: [1, 2] } });
        assert.equal(started.status, 'Running');
        assert.equal(started.attempt, 1);
        assert.equal(started.iterationKey, '');
        assert.equal(started.idempotencyKey, `${run.id}/Compose`);
        assert.deepEqual(started.inputs, { a: [1, 2] });
        assert.equal(started.outputs, null);
        assert.equal(started.endedAt, null);
        const finished = await store.runs.finishAction(started.id, { status: 'Succeeded', outputs: { body: 'ok' }, trackedProperties: { orderId: 42 } });
        assert.equal(finished.status, 'Succeeded');
        assert.deepEqual(finished.inputs, { a: [1, 2] });
        assert.deepEqual(finished.outputs, { body: 'ok' });
        assert.deepEqual(finished.trackedProperties, { orderId: 42 });
        assert.equal(finished.error, null);
        assert.ok(finished.endedAt !== null && finished.endedAt >= finished.startedAt);
        assert.deepEqual(await store.runs.getAction(started.id), finished);
        assert.deepEqual(await store.runs.listActions(run.id), [finished]);
        await assert.rejects(store.runs.finishAction(started.id, { status: 'Failed' }), (error: unknown) => error instanceof ConflictError && error.code === 'ActionAlreadyFinished');
        await assert.rejects(store.runs.finishAction(newId(), { status: 'Failed' }), NotFoundError);
        await assert.rejects(store.runs.finishAction(started.id, { status: JSON.parse('"Running"') }), UserInputError);
        await assert.rejects(store.runs.startAction({ runId: newId(), name: 'X' }), (error: unknown) => error instanceof NotFoundError && error.code === 'RunNotFound');
      });

      it('records a restarted action as attempt 2 with the same idempotency key, closing attempt 1 as Aborted', async () => {
        const run = await newRun();
        const first = await store.runs.startAction({ runId: run.id, name: 'Call_API', iterationKey: 'Foreach_1[3]', inputs: { n: 1 } });
        // The process dies here; after restart the engine starts the in-flight action again.
        const second = await store.runs.startAction({ runId: run.id, name: 'Call_API', iterationKey: 'Foreach_1[3]', inputs: { n: 1 } });
        assert.equal(second.attempt, 2);
        assert.equal(second.idempotencyKey, first.idempotencyKey);
        assert.equal(first.idempotencyKey, `${run.id}/Foreach_1[3]/Call_API`);
        const closed = await store.runs.getAction(first.id);
        assert.equal(closed?.status, 'Aborted');
        assert.ok(closed?.endedAt !== null);
        assert.match(JSON.stringify(closed?.error), /"code":"AttemptAbandoned"/);
        await store.runs.finishAction(second.id, { status: 'Failed', error: { code: 'BadGateway', message: 'upstream said 502' } });
        const third = await store.runs.startAction({ runId: run.id, name: 'Call_API', iterationKey: 'Foreach_1[3]', idempotencyKey: 'custom-key' });
        assert.equal(third.attempt, 3);
        assert.equal(third.idempotencyKey, 'custom-key');
        assert.equal((await store.runs.getAction(second.id))?.status, 'Failed', 'a finished attempt is not touched by a new one');
        const other = await store.runs.startAction({ runId: run.id, name: 'Call_API', iterationKey: 'Foreach_1[4]' });
        assert.equal(other.attempt, 1, 'attempts count per iteration');
      });

      it('never numbers two attempts of one action alike when they start concurrently', async () => {
        const run = await newRun();
        const results = await Promise.allSettled(Array.from({ length: 6 }, () => store.runs.startAction({ runId: run.id, name: 'Raced' })));
        for (const result of results) {
          if (result.status === 'rejected') {
            assert.ok(result.reason instanceof ConflictError && result.reason.code === 'ActionAttemptConflict', `unexpected ${String(result.reason)}`);
            assert.equal(result.reason.retryable, true);
          }
        }
        const actions = await store.runs.listActions(run.id);
        assert.ok(actions.length >= 1);
        assert.equal(new Set(actions.map((a) => a.attempt)).size, actions.length, 'duplicate attempt numbers');
        assert.equal(actions.filter((a) => a.status === 'Running').length, 1, 'exactly one attempt may be in flight');
      });

      it('writes runs executed in memory with their attempts and ends in one call', async () => {
        const flow = await newFlow();
        const [done, going] = [newId(), newId()];
        const startedAt = Date.now() - 5;
        await store.runs.createWithHistory([
          {
            run: { id: done, flowId: flow.id, flowVersion: 1, triggerName: 'manual', triggerOutputs: { body: { name: 'Ada' } }, clientTrackingId: 'track-9', startedAt },
            actions: [
              { name: 'Compose', status: 'Succeeded', inputs: { a: 1 }, outputs: { a: 1 } },
              { name: 'Retry', status: 'Failed', error: { code: 'X', message: 'first' } },
              { name: 'Retry', status: 'Succeeded', outputs: 2 },
              { name: 'Loop', iterationKey: 'Each#0', status: 'Succeeded', outputs: 'zero' },
              { name: 'Never', status: 'Skipped', error: { code: 'ActionSkipped', message: 'skipped' } },
            ],
            end: { status: 'Failed', error: { code: 'ActionFailed', message: 'boom' }, outputs: { result: 'r' } },
          },
          { run: { id: going, flowId: flow.id, flowVersion: 1, triggerName: 'manual', triggerOutputs: null }, actions: [{ name: 'Compose', status: 'Succeeded', outputs: 'x' }] },
        ]);
        const ended = await store.runs.get(done);
        assert.equal(ended?.status, 'Failed');
        assert.deepEqual(ended?.error, { code: 'ActionFailed', message: 'boom' });
        assert.deepEqual(ended?.outputs, { result: 'r' });
        assert.deepEqual(ended?.triggerOutputs, { body: { name: 'Ada' } });
        assert.equal(ended?.environmentId, flow.environmentId);
        assert.equal(ended?.clientTrackingId, 'track-9');
        assert.equal(ended?.startedAt, startedAt);
        assert.ok(ended?.endedAt !== null && (ended?.endedAt ?? 0) >= startedAt);
        const actions = await store.runs.listActions(done);
        assert.deepEqual(
          actions.map((a) => [a.name, a.iterationKey, a.attempt, a.status]),
          [['Compose', '', 1, 'Succeeded'], ['Retry', '', 1, 'Failed'], ['Retry', '', 2, 'Succeeded'], ['Loop', 'Each#0', 1, 'Succeeded'], ['Never', '', 1, 'Skipped']],
        );
        assert.deepEqual(actions[2]?.outputs, 2);
        assert.ok(actions.every((a) => a.endedAt !== null), 'every attempt is final');
        const open = await store.runs.get(going);
        assert.equal(open?.status, 'Running');
        assert.equal(open?.endedAt, null);
        assert.equal(open?.outputs, null);
        // A run written Running goes on like any other: its next action starts as attempt 1, the written one stays.
        const next = await store.runs.startAction({ runId: going, name: 'Http' });
        assert.equal(next.attempt, 1);
        assert.equal((await store.runs.listActions(going)).length, 2);
      });

      it('writes nothing of a batch when one of its runs is refused (taken id, unknown version, bad status)', async () => {
        const flow = await newFlow();
        const taken = await store.runs.create({ flowId: flow.id, flowVersion: 1 });
        const fresh = newId();
        const ok = { run: { id: fresh, flowId: flow.id, flowVersion: 1 }, actions: [{ name: 'A', status: 'Succeeded' as const }] };
        await assert.rejects(store.runs.createWithHistory([ok, { run: { id: taken.id, flowId: flow.id, flowVersion: 1 }, actions: [] }]), (error: unknown) => error instanceof ConflictError && /already exists/.test(error.message));
        await assert.rejects(store.runs.createWithHistory([ok, { run: { id: newId(), flowId: flow.id, flowVersion: 7 }, actions: [] }]), (error: unknown) => error instanceof NotFoundError && /no version 7/.test(error.message));
        await assert.rejects(store.runs.createWithHistory([{ ...ok, actions: [{ name: 'A', status: 'Running' as never }] }]), UserInputError);
        assert.equal(await store.runs.get(fresh), undefined);
        await store.runs.createWithHistory([ok]);
        assert.equal((await store.runs.get(fresh))?.status, 'Running');
      });

      it('stores large values of runs written in memory apart and returns them unchanged', async () => {
        const flow = await newFlow();
        const big = (seed: string) => ({ seed, text: `${seed}é😀`.repeat(Math.ceil(RUN_BLOB_THRESHOLD_BYTES / 4)) });
        const id = newId();
        await store.runs.createWithHistory([
          { run: { id, flowId: flow.id, flowVersion: 1, triggerOutputs: big('trigger') }, actions: [{ name: 'Big', status: 'Succeeded', inputs: big('in'), outputs: big('out') }], end: { status: 'Succeeded', outputs: big('run') } },
        ]);
        const read = await store.runs.get(id);
        assert.deepEqual(read?.triggerOutputs, big('trigger'));
        assert.deepEqual(read?.outputs, big('run'));
        const [action] = await store.runs.listActions(id);
        assert.deepEqual(action?.inputs, big('in'));
        assert.deepEqual(action?.outputs, big('out'));
      });

      it('admits runs queued behind a concurrency limit first come first served, counting suspended runs as executing', async () => {
        const flow = await newFlow();
        const queued = async () => store.runs.create({ flowId: flow.id, flowVersion: 1, status: 'Waiting' });
        const [a, b, c] = [await queued(), await queued(), await queued()];
        assert.equal(await store.runs.countQueued(flow.id), 3);
        // b may not jump the queue: a was queued first.
        assert.deepEqual(await store.runs.admit(b.id, 1), { outcome: 'queued', position: 2 });
        assert.deepEqual(await store.runs.admit(a.id, 1), { outcome: 'admitted' });
        assert.equal((await store.runs.getSummary(a.id))?.status, 'Running');
        assert.deepEqual(await store.runs.admit(a.id, 1), { outcome: 'admitted' }, 'a run past admission passes again');
        assert.deepEqual(await store.runs.admit(b.id, 1), { outcome: 'queued', position: 1 });
        assert.deepEqual(await store.runs.admit(b.id, 2), { outcome: 'admitted' }, 'a second slot');
        assert.deepEqual(await store.runs.admit(c.id, 2), { outcome: 'queued', position: 1 });
        // a suspends in a Wait: Waiting, but it holds its slot (it has an open action).
        await store.runs.startAction({ runId: a.id, name: 'Delay' });
        await store.runs.setStatus(a.id, 'Waiting');
        assert.equal(await store.runs.countQueued(flow.id), 1);
        assert.deepEqual(await store.runs.admit(c.id, 2), { outcome: 'queued', position: 1 });
        await store.runs.finish(b.id, { status: 'Succeeded' });
        assert.deepEqual(await store.runs.admit(c.id, 2), { outcome: 'admitted' });
        assert.deepEqual(await store.runs.admit(b.id, 2), { outcome: 'ended' });
        assert.equal(await store.runs.countQueued(flow.id), 0);
        // Other flows' runs do not count.
        const other = await newFlow();
        const elsewhere = await store.runs.create({ flowId: other.id, flowVersion: 1, status: 'Waiting' });
        assert.deepEqual(await store.runs.admit(elsewhere.id, 1), { outcome: 'admitted' });
        await assert.rejects(store.runs.admit(newId(), 1), NotFoundError);
        await assert.rejects(store.runs.admit(c.id, 0), UserInputError);
      });

      it('admits exactly `limit` of many runs admitted at once', async () => {
        const flow = await newFlow();
        const runs = await Promise.all(Array.from({ length: 8 }, () => store.runs.create({ flowId: flow.id, flowVersion: 1, status: 'Waiting' })));
        const outcomes = await Promise.all(runs.map((run) => store.runs.admit(run.id, 3)));
        assert.equal(outcomes.filter((o) => o.outcome === 'admitted').length, 3);
        assert.equal(await store.runs.countQueued(flow.id), 5);
      });

      it('stores large trigger outputs, inputs and outputs apart and returns them unchanged', async () => {
        const flow = await newFlow();
        const big = (seed: string) => ({ seed, text: `${seed}é😀`.repeat(Math.ceil(RUN_BLOB_THRESHOLD_BYTES / 4)), list: Array.from({ length: 100 }, (_, i) => ({ i })) });
        const run = await store.runs.create({ flowId: flow.id, flowVersion: 1, triggerOutputs: big('trigger') });
        assert.deepEqual(run.triggerOutputs, big('trigger'));
        const started = await store.runs.startAction({ runId: run.id, name: 'Big', inputs: big('in') });
        assert.deepEqual(started.inputs, big('in'));
        const finished = await store.runs.finishAction(started.id, { status: 'Succeeded', inputs: big('in2'), outputs: big('out') });
        assert.deepEqual(finished.inputs, big('in2'));
        assert.deepEqual(finished.outputs, big('out'));
        const small = await store.runs.recordAction({ runId: run.id, name: 'Small', status: 'Succeeded', outputs: 'tiny' });
        assert.equal(small.outputs, 'tiny');
        await store.runs.finish(run.id, { status: 'Succeeded', outputs: big('run') });
        const read = await store.runs.get(run.id);
        assert.deepEqual(read?.triggerOutputs, big('trigger'));
        assert.deepEqual(read?.outputs, big('run'));
        const actions = await store.runs.listActions(run.id);
        assert.deepEqual(actions.find((a) => a.name === 'Big')?.outputs, big('out'));
        assert.deepEqual(actions.find((a) => a.name === 'Big')?.inputs, big('in2'));
      });

      it('lists every attempt of a run in start order, and iterations separately', async () => {
        const run = await newRun();
        const a = await store.runs.recordAction({ runId: run.id, name: 'Init', status: 'Succeeded' });
        const iterations = [];
        for (let i = 0; i < 3; i += 1) iterations.push(await store.runs.startAction({ runId: run.id, name: 'Step', iterationKey: `Loop[${i}]` }));
        const skipped = await store.runs.recordAction({ runId: run.id, name: 'Never', status: 'Skipped' });
        assert.equal(skipped.endedAt, skipped.startedAt);
        const listed = await store.runs.listActions(run.id);
        assert.deepEqual(listed.map((x) => x.id).sort(), [a.id, ...iterations.map((x) => x.id), skipped.id].sort());
        const startedAts = listed.map((x) => x.startedAt);
        assert.deepEqual(startedAts, [...startedAts].sort((x, y) => x - y));
        assert.ok(listed.every((x) => x.attempt === 1));
      });

      it('finishes a run once; a finished run starts no action but may still record final ones', async () => {
        const run = await newRun();
        const inFlight = await store.runs.startAction({ runId: run.id, name: 'Slow' });
        const finished = await store.runs.finish(run.id, { status: 'Cancelled', error: { code: 'Terminated', message: 'Terminate action' } });
        assert.equal(finished.status, 'Cancelled');
        assert.deepEqual(finished.error, { code: 'Terminated', message: 'Terminate action' });
        assert.ok(finished.endedAt !== null);
        await assert.rejects(store.runs.finish(run.id, { status: 'Succeeded' }), (error: unknown) => error instanceof ConflictError && error.code === 'RunAlreadyFinished');
        await assert.rejects(store.runs.setStatus(run.id, 'Running'), ConflictError);
        await assert.rejects(store.runs.startAction({ runId: run.id, name: 'Late' }), (error: unknown) => error instanceof ConflictError && error.code === 'RunAlreadyFinished');
        assert.equal((await store.runs.finishAction(inFlight.id, { status: 'Cancelled' })).status, 'Cancelled');
        assert.equal((await store.runs.recordAction({ runId: run.id, name: 'After', status: 'Skipped' })).status, 'Skipped');
        await assert.rejects(store.runs.finish(newId(), { status: 'Failed' }), NotFoundError);
        await assert.rejects(store.runs.finish(run.id, { status: JSON.parse('"Waiting"') }), UserInputError);
      });

      it('moves an unfinished run between Running and Waiting', async () => {
        const run = await newRun();
        assert.equal((await store.runs.setStatus(run.id, 'Waiting')).status, 'Waiting');
        assert.equal((await store.runs.get(run.id))?.status, 'Waiting');
        assert.equal((await store.runs.setStatus(run.id, 'Running')).status, 'Running');
        await assert.rejects(store.runs.setStatus(newId(), 'Running'), NotFoundError);
      });

      it('lists a flow’s runs newest first, page by page', async () => {
        const flow = await newFlow();
        const created = [];
        for (let i = 0; i < 5; i += 1) created.push(await store.runs.create({ flowId: flow.id, flowVersion: 1 }));
        const all = await store.runs.listForFlow(flow.id, { limit: 100 });
        assert.deepEqual(all.map((r) => r.id).sort(), created.map((r) => r.id).sort());
        const startedAts = all.map((r) => r.startedAt);
        assert.deepEqual(startedAts, [...startedAts].sort((x, y) => y - x));
        const paged = [];
        let after: RunSummary | undefined;
        for (;;) {
          const page = await store.runs.listForFlow(flow.id, { limit: 2, ...(after === undefined ? {} : { after }) });
          paged.push(...page);
          if (page.length < 2) break;
          after = page[page.length - 1];
        }
        assert.deepEqual(paged.map((r) => r.id), all.map((r) => r.id));
        assert.deepEqual(await store.runs.listForFlow(newId()), []);
        await assert.rejects(store.runs.listForFlow(flow.id, { limit: 0 }), UserInputError);
      });

      it('records who started a run, once, and lists one starter’s runs page by page', async () => {
        const flow = await newFlow();
        const [ann, bob] = await Promise.all(['ann', 'bob'].map((n) => store.principals.create({ kind: 'user', name: unique(n), role: 'user' })));
        if (ann === undefined || bob === undefined) throw new Error('principals missing');
        const byAnn = [];
        for (let i = 0; i < 3; i += 1) byAnn.push(await store.runs.create({ flowId: flow.id, flowVersion: 1, startedBy: ann.id }));
        const byBob = await store.runs.create({ flowId: flow.id, flowVersion: 1, startedBy: bob.id });
        const unattributed = await store.runs.create({ flowId: flow.id, flowVersion: 1 });
        assert.equal(byAnn[0]?.startedBy, ann.id);
        assert.equal(unattributed.startedBy, null);
        const first = await store.runs.listForFlow(flow.id, { limit: 2, startedBy: ann.id });
        const rest = await store.runs.listForFlow(flow.id, { limit: 2, startedBy: ann.id, ...(first[1] === undefined ? {} : { after: first[1] }) });
        assert.deepEqual([...first, ...rest].map((r) => r.id).sort(), byAnn.map((r) => r.id).sort());
        assert.ok([...first, ...rest].every((r) => r.startedBy === ann.id));
        assert.deepEqual((await store.runs.listForFlow(flow.id, { startedBy: bob.id })).map((r) => r.id), [byBob.id]);
        assert.equal((await store.runs.listForFlow(flow.id)).length, 5);

        const recorded = await store.runs.recordStarter(unattributed.id, bob.id);
        assert.equal(recorded.startedBy, bob.id);
        assert.equal((await store.runs.recordStarter(unattributed.id, ann.id)).startedBy, bob.id, 'a recorded starter is kept');
        assert.equal((await store.runs.get(unattributed.id))?.startedBy, bob.id);
        assert.equal((await store.runs.getSummary(unattributed.id))?.startedBy, bob.id);
        await assert.rejects(store.runs.recordStarter(newId(), ann.id), (error: unknown) => error instanceof NotFoundError && error.code === 'RunNotFound');
        await assert.rejects(store.runs.recordStarter(unattributed.id, newId()), (error: unknown) => error instanceof NotFoundError && error.code === 'PrincipalNotFound');
        await assert.rejects(store.runs.create({ flowId: flow.id, flowVersion: 1, startedBy: newId() }), (error: unknown) => error instanceof NotFoundError && error.code === 'PrincipalNotFound');
      });

      it('finds unfinished runs, and those with an action in flight, for resuming after a crash', async () => {
        const done = await newRun();
        await store.runs.finish(done.id, { status: 'Succeeded' });
        const idle = await newRun();
        const idleAction = await store.runs.startAction({ runId: idle.id, name: 'A' });
        await store.runs.finishAction(idleAction.id, { status: 'Succeeded' });
        const busy = await newRun();
        await store.runs.startAction({ runId: busy.id, name: 'A' });
        const waiting = await newRun();
        await store.runs.startAction({ runId: waiting.id, name: 'Approval', status: 'Waiting' });

        const scanAll = async (scan: (options: { limit: number; afterId?: string }) => Promise<readonly RunSummary[]>) => {
          const ids: string[] = [];
          let afterId: string | undefined;
          for (;;) {
            const page = await scan({ limit: 3, ...(afterId === undefined ? {} : { afterId }) });
            ids.push(...page.map((r) => r.id));
            if (page.length < 3) return ids;
            afterId = page[page.length - 1]?.id;
          }
        };
        const unfinished = await scanAll((o) => store.runs.listUnfinished(o));
        assert.equal(new Set(unfinished).size, unfinished.length, 'a scan returned a run twice');
        assert.ok(!unfinished.includes(done.id));
        for (const run of [idle, busy, waiting]) assert.ok(unfinished.includes(run.id), `unfinished run ${run.id} missing`);
        const inFlight = await scanAll((o) => store.runs.listWithUnfinishedActions(o));
        assert.ok(inFlight.includes(busy.id) && inFlight.includes(waiting.id));
        assert.ok(!inFlight.includes(idle.id) && !inFlight.includes(done.id));
      });

      it('refuses values with no JSON form and malformed action addresses', async () => {
        const run = await newRun();
        await assert.rejects(store.runs.startAction({ runId: run.id, name: 'Bad', inputs: 10n }), UserInputError);
        await assert.rejects(store.runs.startAction({ runId: run.id, name: ' padded' }), UserInputError);
        await assert.rejects(store.runs.startAction({ runId: run.id, name: 'X', status: JSON.parse('"Succeeded"') }), UserInputError);
        await assert.rejects(store.runs.listUnfinished({ limit: 5000 }), UserInputError);
        assert.deepEqual(await store.runs.listActions(run.id), [], 'a refused start leaves nothing behind');
      });
    });

    describe('jobs', () => {
      const newQueue = () => unique('q');
      const claimOne = async (queue: string, holder: string, nowMs: number, lockMs = 30_000) =>
        store.jobs.claim({ queue, holder, nowMs, lockUntilMs: nowMs + lockMs, limit: 1 });

      it('claims a due job once, locked, and completes it only for its holder', async () => {
        const queue = newQueue();
        const now = Date.now();
        const { id, created } = await store.jobs.insert({ queue, payload: { runId: 'r1', nested: [1, 'é'] }, runAt: now });
        assert.equal(created, true);
        const [claimed] = await claimOne(queue, 'worker-a', now);
        assert.equal(claimed?.id, id);
        assert.equal(claimed?.attempts, 1);
        assert.equal(claimed?.lockedBy, 'worker-a');
        assert.equal(claimed?.lockedUntil, now + 30_000);
        assert.deepEqual(claimed?.payload, { runId: 'r1', nested: [1, 'é'] });
        assert.deepEqual(await claimOne(queue, 'worker-b', now + 1_000), [], 'a locked job was claimed again');
        assert.equal(await store.jobs.complete(id, 'worker-b'), false);
        assert.equal(await store.jobs.countLive(queue), 1);
        assert.equal(await store.jobs.complete(id, 'worker-a'), true);
        assert.equal(await store.jobs.get(id), undefined);
        assert.equal(await store.jobs.countLive(queue), 0);
      });

      it('gives a job whose lock lapsed to the next claimer as attempt 2; the old holder can no longer touch it', async () => {
        const queue = newQueue();
        const now = Date.now();
        const { id } = await store.jobs.insert({ queue, payload: null, runAt: now });
        await claimOne(queue, 'dead-worker', now, 1_000);
        assert.equal(await store.jobs.extendLock(id, 'dead-worker', now + 500), true);
        const [again] = await claimOne(queue, 'new-worker', now + 1_000);
        assert.equal(again?.id, id);
        assert.equal(again?.attempts, 2);
        assert.equal(await store.jobs.extendLock(id, 'dead-worker', now + 60_000), false);
        assert.equal(await store.jobs.release(id, 'dead-worker', { runAt: now, error: 'x' }), false);
        assert.equal(await store.jobs.fail(id, 'dead-worker', { nowMs: now, error: 'x' }), false);
        assert.equal(await store.jobs.complete(id, 'dead-worker'), false);
        assert.equal(await store.jobs.extendLock(id, 'new-worker', now + 60_000), true);
        assert.deepEqual(await claimOne(queue, 'third', now + 30_000), [], 'an extended lock still holds');
        assert.equal(await store.jobs.complete(id, 'new-worker'), true);
      });

      it('claims nothing before runAt, then the oldest due jobs first, up to the limit', async () => {
        const queue = newQueue();
        const now = Date.now();
        const late = await store.jobs.insert({ queue, payload: 'late', runAt: now + 10_000 });
        const second = await store.jobs.insert({ queue, payload: 'second', runAt: now - 1_000 });
        const first = await store.jobs.insert({ queue, payload: 'first', runAt: now - 2_000 });
        const other = newQueue();
        await store.jobs.insert({ queue: other, payload: 'other queue', runAt: now - 5_000 });
        const claimed = await store.jobs.claim({ queue, holder: 'h', nowMs: now, lockUntilMs: now + 60_000, limit: 5 });
        assert.deepEqual(claimed.map((j) => j.id), [first.id, second.id]);
        const [due] = await claimOne(queue, 'h2', now + 10_000);
        assert.equal(due?.id, late.id);
        await assert.rejects(store.jobs.claim({ queue, holder: 'h', nowMs: now, lockUntilMs: now + 1, limit: 0 }), UserInputError);
      });

      it('keeps one live job per key: a duplicate returns the existing id until the job completes or fails', async () => {
        const queue = newQueue();
        const now = Date.now();
        const first = await store.jobs.insert({ queue, payload: 1, runAt: now, key: 'run-1' });
        const duplicate = await store.jobs.insert({ queue, payload: 2, runAt: now, key: 'run-1' });
        assert.deepEqual(duplicate, { id: first.id, created: false });
        assert.equal((await store.jobs.insert({ queue: newQueue(), payload: 3, runAt: now, key: 'run-1' })).created, true, 'keys are per queue');
        assert.equal((await store.jobs.insert({ queue, payload: 4, runAt: now })).created, true);
        assert.equal((await store.jobs.insert({ queue, payload: 5, runAt: now })).created, true, 'jobs without a key never deduplicate');
        const claimed = await store.jobs.claim({ queue, holder: 'h', nowMs: now, lockUntilMs: now + 1000, limit: 10 });
        assert.equal((await store.jobs.insert({ queue, payload: 6, runAt: now, key: 'run-1' })).created, false, 'a running job keeps its key');
        assert.equal(await store.jobs.fail(first.id, 'h', { nowMs: now, error: 'gave up' }), true);
        const afterFailure = await store.jobs.insert({ queue, payload: 7, runAt: now, key: 'run-1' });
        assert.equal(afterFailure.created, true, 'a dead job frees its key');
        assert.equal(claimed.length, 3);
        const concurrent = await Promise.all(Array.from({ length: 5 }, (_, i) => store.jobs.insert({ queue, payload: i, runAt: now, key: 'same' })));
        assert.equal(concurrent.filter((r) => r.created).length, 1);
        assert.equal(new Set(concurrent.map((r) => r.id)).size, 1);
      });

      it('releases a failed attempt for later and keeps a given-up job as a dead letter', async () => {
        const queue = newQueue();
        const now = Date.now();
        const { id } = await store.jobs.insert({ queue, payload: {}, runAt: now });
        await claimOne(queue, 'h', now);
        assert.equal(await store.jobs.release(id, 'h', { runAt: now + 5_000, error: 'boom' }), true);
        const released = await store.jobs.get(id);
        assert.equal(released?.lockedBy, null);
        assert.equal(released?.runAt, now + 5_000);
        assert.equal(released?.lastError, 'boom');
        assert.deepEqual(await claimOne(queue, 'h', now + 4_999), []);
        const [retried] = await claimOne(queue, 'h2', now + 5_000);
        assert.equal(retried?.attempts, 2);
        assert.equal(await store.jobs.fail(id, 'h2', { nowMs: now + 6_000, error: 'x'.repeat(10_000) }), true);
        assert.deepEqual(await claimOne(queue, 'h3', now + 1_000_000), [], 'a dead letter was claimed');
        const [dead] = await store.jobs.listFailed(queue, 10);
        assert.equal(dead?.id, id);
        assert.equal(dead?.failedAt, now + 6_000);
        assert.ok((dead?.lastError?.length ?? 0) <= 4000, 'long errors are cut');
        assert.equal(await store.jobs.countLive(queue), 0);
      });

      it('never hands one job to two of many concurrent claimers', async () => {
        const queue = newQueue();
        const now = Date.now();
        const inserted = await Promise.all(Array.from({ length: 20 }, (_, i) => store.jobs.insert({ queue, payload: i, runAt: now })));
        const claims = await Promise.all(
          Array.from({ length: 10 }, (_, i) => store.jobs.claim({ queue, holder: `h${i}`, nowMs: now, lockUntilMs: now + 60_000, limit: 3 })),
        );
        const ids = claims.flat().map((j) => j.id);
        assert.equal(new Set(ids).size, ids.length, 'a job was claimed twice');
        assert.equal(ids.length, 20);
        assert.deepEqual([...ids].sort(), inserted.map((j) => j.id).sort());
        assert.ok(claims.every((c) => c.length <= 3));
      });

      it('refuses a payload with no JSON form and a blank queue name', async () => {
        await assert.rejects(store.jobs.insert({ queue: newQueue(), payload: () => 1, runAt: Date.now() }), UserInputError);
        await assert.rejects(store.jobs.insert({ queue: '', payload: 1, runAt: Date.now() }), UserInputError);
        await assert.rejects(store.jobs.insert({ queue: newQueue(), payload: 1, runAt: -1 }), UserInputError);
      });
    });

    describe('transactions', () => {
      const newFlow = async () => (await store.flows.create({ environmentId: (await newEnvironment()).id, name: unique('flow'), definition: {} })).flow;

      it('commits an action result and the job it causes together, then runs afterCommit callbacks', async () => {
        const flow = await newFlow();
        const run = await store.runs.create({ flowId: flow.id, flowVersion: 1 });
        const action = await store.runs.startAction({ runId: run.id, name: 'A' });
        const queue = unique('q');
        const events: string[] = [];
        let txDriver = '';
        const jobId = await store.transaction(async (tx) => {
          txDriver = tx.driver;
          await tx.runs.finishAction(action.id, { status: 'Succeeded', outputs: 1 });
          const job = await tx.jobs.insert({ queue, payload: { runId: run.id, next: 'B' }, runAt: Date.now() });
          tx.afterCommit(() => events.push('committed'));
          events.push('work done');
          return job.id;
        });
        assert.deepEqual(events, ['work done', 'committed']);
        assert.equal((await store.runs.getAction(action.id))?.status, 'Succeeded');
        assert.deepEqual((await store.jobs.get(jobId))?.payload, { runId: run.id, next: 'B' });
        assert.equal(txDriver, store.driver);
      });

      it('refuses the outer store inside a transaction instead of waiting for it forever', async () => {
        const flow = await newFlow();
        const run = await store.runs.create({ flowId: flow.id, flowVersion: 1 });
        const insideTransaction = (error: unknown) => error instanceof PlugboardError && error.code === 'StoreCallInsideTransaction';
        await assert.rejects(
          store.transaction(async (tx) => {
            assert.equal((await tx.runs.get(run.id))?.id, run.id);
            await store.runs.get(run.id);
          }),
          insideTransaction,
        );
        await assert.rejects(store.transaction(() => store.runs.startAction({ runId: run.id, name: 'A' })), insideTransaction);
        await assert.rejects(store.transaction(() => store.environments.list()), insideTransaction);
        await assert.rejects(store.transaction(() => store.transaction(async () => 'nested')), insideTransaction);
        assert.deepEqual(await store.runs.listActions(run.id), [], 'a refused call left changes behind');
        // Work started inside the transaction that continues after it ended may use the outer store.
        let release: () => void = () => undefined;
        const released = new Promise<void>((resolve) => {
          release = resolve;
        });
        let later: Promise<RunRecord | undefined> = Promise.resolve(undefined);
        await store.transaction(async () => {
          later = released.then(() => store.runs.get(run.id));
        });
        release();
        assert.equal((await later)?.id, run.id);
      });

      it('rolls back every change, blobs included, when the work throws, and rethrows', async () => {
        const flow = await newFlow();
        const queue = unique('q');
        const events: string[] = [];
        let runId = '';
        await assert.rejects(
          store.transaction(async (tx) => {
            const run = await tx.runs.create({ flowId: flow.id, flowVersion: 1, triggerOutputs: 'x'.repeat(RUN_BLOB_THRESHOLD_BYTES + 10) });
            runId = run.id;
            await tx.runs.startAction({ runId: run.id, name: 'A' });
            await tx.jobs.insert({ queue, payload: {}, runAt: Date.now() });
            await tx.flows.addVersion(flow.id, { definition: { v: 2 } });
            tx.afterCommit(() => events.push('committed'));
            throw new Error('engine crashed mid-transaction');
          }),
          /engine crashed mid-transaction/,
        );
        assert.deepEqual(events, []);
        assert.equal(await store.runs.get(runId), undefined);
        assert.equal(await store.jobs.countLive(queue), 0);
        assert.equal((await store.flows.get(flow.id))?.currentVersion, 1);
        // The store is still usable after a rollback.
        assert.equal((await store.runs.create({ flowId: flow.id, flowVersion: 1 })).status, 'Running');
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

/** Reads raw rows with positional `?` parameters (each driver test supplies one). */
export type RawQuery = (text: string, parameters: readonly string[]) => Promise<ReadonlyArray<Record<string, unknown>>>;

/**
 * Checks where the run store puts large values — the port hides it, so this reads the tables
 * directly: a value whose JSON is one byte over {@link RUN_BLOB_THRESHOLD_BYTES} goes to
 * `run_blobs`, one exactly at the threshold stays in its row.
 */
export function defineBlobPlacementTest(name: string, open: () => Promise<Store>, query: RawQuery): void {
  it(name, async () => {
    const store = await open();
    let runId = '';
    let actionId = '';
    try {
      const env = await store.environments.create({ name: `blobs-${newId().slice(-8)}` });
      const { flow } = await store.flows.create({ environmentId: env.id, name: 'blobs', definition: {} });
      // JSON adds two quote characters to a string.
      const run = await store.runs.create({ flowId: flow.id, flowVersion: 1, triggerOutputs: 'x'.repeat(RUN_BLOB_THRESHOLD_BYTES - 1) });
      const action = await store.runs.recordAction({ runId: run.id, name: 'A', status: 'Succeeded', inputs: 'small', outputs: 'y'.repeat(RUN_BLOB_THRESHOLD_BYTES - 2) });
      runId = run.id;
      actionId = action.id;
    } finally {
      await store.close();
    }
    const [runRow] = await query('select trigger_outputs, trigger_outputs_blob from runs where id = ?', [runId]);
    assert.equal(runRow?.['trigger_outputs'], null, 'a value over the threshold stayed in the run row');
    const blobId = runRow?.['trigger_outputs_blob'];
    assert.equal(typeof blobId, 'string');
    const [blob] = await query('select run_id, size from run_blobs where id = ?', [String(blobId)]);
    assert.equal(blob?.['run_id'], runId);
    assert.equal(Number(blob?.['size']), RUN_BLOB_THRESHOLD_BYTES + 1);
    const [actionRow] = await query('select inputs, outputs, inputs_blob, outputs_blob from run_actions where id = ?', [actionId]);
    assert.equal(actionRow?.['inputs'], '"small"');
    assert.equal(String(actionRow?.['outputs']).length, RUN_BLOB_THRESHOLD_BYTES, 'a value at the threshold left its row');
    assert.equal(actionRow?.['inputs_blob'], null);
    assert.equal(actionRow?.['outputs_blob'], null);
  });
}
