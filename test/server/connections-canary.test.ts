/**
 * The canary test (T-S1, T-S2): connections whose secrets are random canary strings. The canary
 * must not appear — plain, base64, base64url, URL-encoded or hex — in the SQLite file or its WAL
 * (while the store is open and after it is closed), in any response of the connection routes
 * (list, show, create, update, errors), or in any captured log line.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createCatalog } from '../../src/catalog/index.ts';
import { createConnectionService } from '../../src/connections/index.ts';
import { systemClock } from '../../src/core/index.ts';
import { masterKeyConfigFromEnv, openSecrets } from '../../src/secrets/index.ts';
import { BUILTIN_CONNECTORS_DIR, catalogConnectorLookup, createApp, ensureAdminToken, generateToken, hashToken } from '../../src/server/index.ts';
import { SQLITE_FILE_NAME, openStore } from '../../src/storage/index.ts';
import type { Store } from '../../src/storage/index.ts';
import { corpusFolder } from '../kit/corpus.ts';

const ADMIN_TOKEN = 'test-admin-token-canary-0123456789';
const BASE = '/api/environments/default/connections';
const CONNECTIONS = 50;

/** A canary with characters that change under every encoding checked. */
const newCanary = (): string => `Cn@ry/${randomBytes(12).toString('base64url')}+ä=`;

/** The forms a secret usually leaks in. */
function formsOf(canary: string): string[] {
  const bytes = Buffer.from(canary, 'utf8');
  return [canary, bytes.toString('base64'), bytes.toString('base64').replace(/=+$/, ''), bytes.toString('base64url'), encodeURIComponent(canary), encodeURI(canary), bytes.toString('hex')];
}

describe('canary secrets never leave encrypted storage', () => {
  const dir = mkdtempSync(join(tmpdir(), 'plugboard-canary-'));
  const dbFile = join(dir, SQLITE_FILE_NAME);
  const canaries: string[] = [];
  const responses: string[] = [];
  const logLines: string[] = [];
  let store: Store;
  let app: FastifyInstance;
  let makerToken: string;
  let userToken: string;
  let userId: string;

  before(async () => {
    store = await openStore({ driver: 'sqlite', file: dbFile });
    await ensureAdminToken(store, { bootstrapToken: ADMIN_TOKEN, clock: systemClock });
    const catalog = createCatalog({ store, builtinDir: BUILTIN_CONNECTORS_DIR });
    await catalog.syncBuiltins('default');
    for (const name of ['Actsoft', 'JIRA', 'Airmeet', 'CognitiveServicesQuestionAnswering']) {
      await catalog.importPath(corpusFolder('certified-connectors', name), { environment: 'default' });
    }
    const secrets = await openSecrets({ config: masterKeyConfigFromEnv({}, { dataDir: dir, embedded: true }), keys: store.secretKeys });
    const capture = (level: string) => (message: string, fields?: Readonly<Record<string, unknown>>) => logLines.push(JSON.stringify({ level, message, fields }));
    const connections = createConnectionService({
      store,
      secrets,
      connectors: catalogConnectorLookup(catalog),
      logger: { debug: capture('debug'), info: capture('info'), warn: capture('warn'), error: capture('error') },
    });
    app = await createApp({ store, catalog, connections, logLevel: 'trace', logStream: { write: (line) => logLines.push(line) } });
    const maker = await store.principals.create({ kind: 'user', name: 'maker', role: 'maker' });
    const user = await store.principals.create({ kind: 'user', name: 'uma', role: 'user' });
    userId = user.id;
    makerToken = generateToken();
    userToken = generateToken();
    await store.apiTokens.create({ principalId: maker.id, name: 'm', tokenHash: hashToken(makerToken) });
    await store.apiTokens.create({ principalId: user.id, name: 'v', tokenHash: hashToken(userToken) });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const send = async (token: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown, rawPayload?: string) => {
    const res = await app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}`, ...(payload === undefined && rawPayload === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(rawPayload !== undefined ? { payload: rawPayload } : payload === undefined ? {} : { payload: JSON.stringify(payload) }),
    });
    responses.push(`${method} ${url} ${res.statusCode} ${JSON.stringify(res.headers)} ${res.body}`);
    return res;
  };
  const secret = (): string => {
    const canary = newCanary();
    canaries.push(canary);
    return canary;
  };

  /** The first leak found in `text`, described without printing the canary itself. */
  const leakIn = (text: string): string | undefined => {
    for (const [index, canary] of canaries.entries()) {
      for (const [formIndex, form] of formsOf(canary).entries()) if (text.includes(form)) return `canary #${index} (form ${formIndex})`;
    }
    return undefined;
  };
  const fileText = (file: string): string => {
    const bytes = readFileSync(file);
    // Both decodings: a UTF-8 match and a byte-for-byte (latin1) match of ASCII forms.
    return `${bytes.toString('utf8')}\n${bytes.toString('latin1')}`;
  };

  test('creates, updates, lists and shows connections and hits error paths with canary secrets', async () => {
    const ids: string[] = [];
    for (let i = 0; i < CONNECTIONS; i += 1) {
      const kind = i % 4;
      const body =
        kind === 0
          ? { connectorName: 'actsoft', values: { api_key: secret() } }
          : kind === 1
            ? { connectorName: 'jira', values: { jirainstance: `team${i}.atlassian.net`, username: `user${i}@example.com`, password: secret() } }
            : kind === 2
              ? { connectorName: 'airmeet', values: { username: secret(), password: secret(), region: 'api-gateway.airmeet.com' } }
              : { connectorName: 'cognitiveservicesquestionanswering', parameterSet: 'keyBasedAuth', values: { apiKey: secret(), siteUrl: `https://qna${i}.example.com` } };
      const res = await send(makerToken, 'POST', BASE, body);
      assert.equal(res.statusCode, 201, res.body);
      ids.push(res.json().id);
    }
    // Updates with new canaries, some shares, and reads by owner, shared user and admin.
    for (const id of ids.slice(0, 10)) {
      const shown = await send(makerToken, 'GET', `${BASE}/${id}`);
      const connector = shown.json().connectorName;
      const values = connector === 'actsoft' ? { api_key: secret() } : connector === 'jira' ? { password: secret() } : connector === 'airmeet' ? { password: secret() } : { apiKey: secret() };
      assert.equal((await send(makerToken, 'PATCH', `${BASE}/${id}`, { values })).statusCode, 200);
      await send(makerToken, 'POST', `${BASE}/${id}/shares`, { principalId: userId });
      await send(userToken, 'GET', `${BASE}/${id}`);
      await send(ADMIN_TOKEN, 'GET', `${BASE}/${id}`);
      await send(makerToken, 'POST', `${BASE}/${id}/test`);
    }
    for (const token of [makerToken, userToken, ADMIN_TOKEN]) assert.equal((await send(token, 'GET', BASE)).statusCode, 200);

    // Error paths that carry a canary in the request.
    const errors = [
      await send(makerToken, 'POST', BASE, { connectorName: 'actsoft', values: { api_key: secret(), extra: secret() } }),
      await send(makerToken, 'POST', BASE, { connectorName: 'airmeet', values: { username: secret(), password: secret(), region: secret() } }),
      await send(makerToken, 'POST', BASE, { connectorName: 'jira', values: { jirainstance: 'x', username: 'u', password: { nested: secret() } } }),
      await send(makerToken, 'POST', BASE, { connectorName: 'cognitiveservicesquestionanswering', values: { apiKey: secret(), siteUrl: 'https://x' } }),
      await send(makerToken, 'POST', BASE, { connectorName: 'no-such-connector', values: { api_key: secret() } }),
      await send(makerToken, 'POST', BASE, { connectorName: 'actsoft', values: secret() }),
      await send(makerToken, 'POST', BASE, undefined, `{"connectorName":"actsoft","values":{"api_key":${secret()}}}`),
      await send(makerToken, 'PATCH', `${BASE}/${ids[0] ?? ''}`, { values: { api_key: [secret()] } }),
      await send(makerToken, 'PATCH', `${BASE}/${ids[1] ?? ''}`, { values: { unknown_param: secret() } }),
      await send(userToken, 'POST', BASE, { connectorName: 'actsoft', values: { api_key: secret() } }),
      await send(userToken, 'PATCH', `${BASE}/${ids[0] ?? ''}`, { values: { api_key: secret() } }),
    ];
    for (const res of errors) assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${res.statusCode} ${res.body}`);
    assert.ok(canaries.length > CONNECTIONS);
  });

  test('no response of the connection routes contains a canary in any form', () => {
    assert.ok(responses.length > CONNECTIONS);
    for (const response of responses) {
      const leak = leakIn(response);
      assert.equal(leak, undefined, `${leak ?? ''} leaked in: ${response.slice(0, 60)}`);
    }
  });

  test('no captured log line contains a canary in any form', () => {
    assert.ok(logLines.length > CONNECTIONS, 'the logs were captured');
    assert.ok(logLines.some((line) => line.includes('connection created')), 'service logs were captured');
    assert.ok(logLines.some((line) => line.includes('"req"')), 'request logs were captured');
    for (const line of logLines) assert.equal(leakIn(line), undefined, `leak in a log line: ${line.slice(0, 80)}`);
  });

  test('neither the SQLite file nor its WAL contains a canary, while the store is open and after it is closed', async () => {
    const walFile = `${dbFile}-wal`;
    assert.ok(existsSync(walFile), 'the store runs in WAL mode, so the WAL exists while it is open');
    assert.ok(readFileSync(walFile).length > 0, 'the WAL holds the recent writes');
    const scan = () => {
      const files = readdirSync(dir).filter((name) => name.startsWith(SQLITE_FILE_NAME));
      for (const name of files) assert.equal(leakIn(fileText(join(dir, name))), undefined, `leak in ${name}`);
      return files;
    };
    const whileOpen = scan();
    assert.ok(whileOpen.includes(`${SQLITE_FILE_NAME}-wal`));
    // The envelopes are there, encrypted: the scan looked at the right data.
    assert.ok(fileText(walFile).includes('pbs1.') || fileText(dbFile).includes('pbs1.'));
    await app.close();
    await store.close();
    scan();
    assert.ok(fileText(dbFile).includes('pbs1.'), 'after the checkpoint the main file holds the envelopes');
  });
});
