/**
 * HTTP API: OAuth connections end to end, against a real oidc-provider on loopback. An admin
 * registers the OAuth app, a maker creates a connection, starts the sign-in, a scripted browser
 * signs in and consents at the provider and carries the redirect back to `/api/oauth/callback`
 * (with the binding cookie, no API token); `/apim` calls reach a resource server that checks the
 * bearer token at the provider's userinfo endpoint. Covers refused callbacks (forged, replayed,
 * another principal's cookie, no cookie), refresh on an injected clock (once for racing calls),
 * revoked grants, and secret canaries in every response and log line.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { createCatalog } from '../../src/catalog/index.ts';
import { createConnectionService } from '../../src/connections/index.ts';
import { createManualClock, systemClock } from '../../src/core/index.ts';
import type { Logger, ManualClock } from '../../src/core/index.ts';
import { generateMasterKey, openSecrets } from '../../src/secrets/index.ts';
import { BUILTIN_CONNECTORS_DIR, catalogConnectorLookup, createApp, createGatewayWiring, ensureAdminToken, generateToken, hashToken } from '../../src/server/index.ts';
import type { GatewayWiring } from '../../src/server/index.ts';
import { openStore } from '../../src/storage/index.ts';
import type { PrincipalRecord, Store } from '../../src/storage/index.ts';
import { REDIRECT_URI, startLoopbackProvider, WEB_CLIENT } from '../oauth/loopback-provider.ts';
import type { LoopbackProvider } from '../oauth/loopback-provider.ts';

const ADMIN_TOKEN = 'gateway-oauth-admin-token-0123456789';
const TEMPLATE = resolve(import.meta.dirname, '../fixtures/gateway/oauth-api');
const CONNECTOR = 'oauth-api';
const ENV = '/api/environments/default';
const HOUR = 3600 * 1000;

/** One answer of the token endpoint, as the recording proxy in front of it saw it. */
interface TokenExchange {
  readonly grantType: string | undefined;
  readonly status: number;
  readonly accessToken?: string;
  readonly refreshToken?: string;
}

/** The provider's token endpoint as Plugboard reaches it: a pass-through proxy that counts, records and can hold requests. */
interface TokenRecorder {
  readonly origin: string;
  readonly exchanges: TokenExchange[];
  count(grantType: string): number;
  /** Holds the next token request until `release()`; `reached` resolves once it is held. */
  holdNext(): { readonly reached: Promise<void>; release(): void };
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => done(Buffer.concat(chunks)));
    req.on('error', fail);
  });
}

/** The JSON object in `text`, or an empty object when it holds none. */
function parseObject(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(body));
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return (server.address() as AddressInfo).port;
}

async function shut(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((done) => server.close(() => done()));
}

async function startTokenRecorder(issuer: string): Promise<TokenRecorder> {
  const exchanges: TokenExchange[] = [];
  const holds: Array<{ readonly gate: Promise<void>; readonly reached: () => void }> = [];
  const forward = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req);
    const hold = holds.shift();
    if (hold !== undefined) {
      hold.reached();
      await hold.gate;
    }
    const headers: Record<string, string> = {};
    for (const name of ['content-type', 'authorization', 'accept']) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const answer = await fetch(`${issuer}${req.url ?? '/'}`, { method: req.method ?? 'POST', headers, ...(req.method === 'GET' ? {} : { body }) });
    const text = await answer.text();
    const parsed = parseObject(text);
    const field = (key: string): string | undefined => (typeof parsed[key] === 'string' ? parsed[key] : undefined);
    const [accessToken, refreshToken] = [field('access_token'), field('refresh_token')];
    exchanges.push({
      grantType: new URLSearchParams(body.toString('utf8')).get('grant_type') ?? undefined,
      status: answer.status,
      ...(accessToken === undefined ? {} : { accessToken }),
      ...(refreshToken === undefined ? {} : { refreshToken }),
    });
    res.statusCode = answer.status;
    res.setHeader('content-type', answer.headers.get('content-type') ?? 'application/json');
    res.setHeader('cache-control', 'no-store');
    res.end(text);
  };
  const server = createServer((req, res) => {
    forward(req, res).catch((error: unknown) => sendJson(res, 502, { error: 'proxy_failed', error_description: String(error) }));
  });
  const port = await listen(server);
  return {
    origin: `http://127.0.0.1:${port}`,
    exchanges,
    count: (grantType) => exchanges.filter((exchange) => exchange.grantType === grantType).length,
    holdNext() {
      let release = (): void => undefined;
      let reached = (): void => undefined;
      const gate = new Promise<void>((done) => {
        release = done;
      });
      const reachedPromise = new Promise<void>((done) => {
        reached = done;
      });
      holds.push({ gate, reached });
      return { reached: reachedPromise, release };
    },
    close: () => shut(server),
  };
}

/** The connector's API: `/api/me` checks the bearer token at the provider's userinfo endpoint; `/api/echo` echoes the request. */
interface ResourceServer {
  readonly host: string;
  /** Bearer tokens received, in order. */
  readonly tokens: string[];
  /** Tokens answered with 401 once (revoked early, as far as this API knows). */
  readonly refuseOnce: Set<string>;
  close(): Promise<void>;
}

async function startResourceServer(issuer: string): Promise<ResourceServer> {
  const tokens: string[] = [];
  const refuseOnce = new Set<string>();
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = (await readBody(req)).toString('utf8');
    const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (token === undefined) return sendJson(res, 401, { error: 'no bearer token' });
    tokens.push(token);
    if (refuseOnce.delete(token)) return sendJson(res, 401, { error: 'invalid_token' });
    if (req.url === '/api/me') {
      const userinfo = await fetch(`${issuer}/me`, { headers: { authorization: `Bearer ${token}` } });
      if (userinfo.status !== 200) return sendJson(res, 401, { error: 'invalid_token', provider: userinfo.status });
      const claims = (await userinfo.json()) as { sub?: string };
      return sendJson(res, 200, { account: claims.sub, verified: true });
    }
    if (req.url === '/api/echo') return sendJson(res, 200, { youSent: { headers: req.headers, body } });
    return sendJson(res, 404, { error: 'no such resource' });
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => sendJson(res, 500, { error: String(error) }));
  });
  const port = await listen(server);
  return { host: `127.0.0.1:${port}`, tokens, refuseOnce, close: () => shut(server) };
}

/** Copies the fixture template with the loopback addresses filled in. */
function materialiseConnector(into: string, addresses: { readonly apiHost: string; readonly idp: string; readonly backchannel: string }): void {
  for (const name of readdirSync(TEMPLATE)) {
    const text = readFileSync(join(TEMPLATE, name), 'utf8')
      .replaceAll('@@API_HOST@@', addresses.apiHost)
      .replaceAll('@@IDP_BACKCHANNEL@@', addresses.backchannel)
      .replaceAll('@@IDP@@', addresses.idp);
    writeFileSync(join(into, name), text);
  }
}

/** One HTTP exchange with the app, kept for the canary check. */
interface Answer {
  readonly status: number;
  readonly headers: Record<string, unknown>;
  readonly text: string;
  readonly body: Record<string, unknown> | undefined;
}

interface Who {
  readonly principal: PrincipalRecord;
  readonly token: string;
}

/** The error code of an error answer. */
function errorCode(answer: Answer): unknown {
  return (answer.body?.['error'] as Record<string, unknown> | undefined)?.['code'];
}

describe('HTTP API: OAuth connections through the gateway, against oidc-provider on loopback', () => {
  const transcript: Answer[] = [];
  const logLines: string[] = [];
  const callbackQueries: URLSearchParams[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'plugboard-gateway-oauth-'));
  let idp: LoopbackProvider;
  let recorder: TokenRecorder;
  let api: ResourceServer;
  let store: Store;
  let wiring: GatewayWiring;
  let app: FastifyInstance;
  let clock: ManualClock;
  let admin: Who;
  let maya: Who;
  let omar: Who;

  const send = async (
    who: Who | null,
    request: { readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE'; readonly url: string; readonly payload?: unknown; readonly cookie?: string; readonly knownLeak?: boolean },
  ): Promise<Answer> => {
    const headers: Record<string, string> = {};
    if (who !== null) headers['authorization'] = `Bearer ${who.token}`;
    if (request.cookie !== undefined) headers['cookie'] = request.cookie;
    if (request.payload !== undefined) headers['content-type'] = 'application/json';
    const res = await app.inject({ method: request.method, url: request.url, headers, ...(request.payload === undefined ? {} : { payload: JSON.stringify(request.payload) }) });
    const answer: Answer = { status: res.statusCode, headers: { ...res.headers }, text: res.body, body: res.body === '' ? undefined : parseObject(res.body) };
    // An answer of a test marked todo for a known leak is checked there, not by the canary test.
    if (request.knownLeak !== true) transcript.push(answer);
    return answer;
  };

  const createConnection = async (who: Who): Promise<string> => {
    const created = await send(who, { method: 'POST', url: `${ENV}/connections`, payload: { connectorName: CONNECTOR, values: {} } });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body?.['status'], 'unauthenticated', 'an OAuth connection waits for its sign-in');
    return String(created.body?.['id']);
  };

  const connectionOf = async (who: Who, id: string): Promise<Record<string, unknown>> => {
    const shown = await send(who, { method: 'GET', url: `${ENV}/connections/${id}` });
    assert.equal(shown.status, 200, shown.text);
    return shown.body ?? {};
  };

  /** `…/authorize`: the provider URL and the binding cookie (as `name=value`) the browser keeps. */
  const authorize = async (who: Who, id: string): Promise<{ readonly authorizationUrl: string; readonly cookie: string }> => {
    const started = await send(who, { method: 'POST', url: `${ENV}/connections/${id}/authorize` });
    assert.equal(started.status, 200, started.text);
    assert.equal(started.body?.['redirectUri'], REDIRECT_URI);
    const setCookie = String(started.headers['set-cookie'] ?? '');
    assert.match(setCookie, /^pb_oauth_binding=[^;]+;/);
    assert.match(setCookie, /HttpOnly/);
    assert.match(setCookie, /Path=\/api\/oauth/);
    return { authorizationUrl: String(started.body?.['authorizationUrl']), cookie: setCookie.split(';')[0] ?? '' };
  };

  /** The provider redirected the browser back with this query; the browser asks our callback with its cookie. */
  const callback = (query: URLSearchParams, cookie: string | undefined): Promise<Answer> => {
    callbackQueries.push(query);
    return send(null, { method: 'GET', url: `/api/oauth/callback?${query.toString()}`, ...(cookie === undefined ? {} : { cookie }) });
  };

  /** A whole sign-in through the API; returns the token-endpoint exchange it caused. */
  const signIn = async (who: Who, id: string, accountId = 'alice'): Promise<TokenExchange> => {
    const { authorizationUrl, cookie } = await authorize(who, id);
    const query = await idp.signIn(authorizationUrl, { accountId });
    const exchangesBefore = recorder.exchanges.length;
    const done = await callback(query, cookie);
    assert.equal(done.status, 200, done.text);
    assert.equal(recorder.exchanges.length, exchangesBefore + 1, 'the callback redeemed the code once');
    const exchange = recorder.exchanges.at(-1);
    assert.equal(exchange?.grantType, 'authorization_code');
    assert.equal(exchange?.status, 200);
    return exchange;
  };

  const apim = (who: Who, id: string, path: string, payload?: unknown, options: { readonly knownLeak?: boolean } = {}): Promise<Answer> =>
    send(who, { method: payload === undefined ? 'GET' : 'POST', url: `/apim/${CONNECTOR}/${id}/${path}`, ...(payload === undefined ? {} : { payload }), ...options });

  before(async () => {
    idp = await startLoopbackProvider();
    recorder = await startTokenRecorder(idp.issuer);
    api = await startResourceServer(idp.issuer);
    materialiseConnector(dir, { apiHost: api.host, idp: idp.issuer, backchannel: recorder.origin });

    store = await openStore({ driver: 'sqlite', memory: true });
    await ensureAdminToken(store, { bootstrapToken: ADMIN_TOKEN, clock: systemClock });
    const catalog = createCatalog({ store, builtinDir: BUILTIN_CONNECTORS_DIR });
    await catalog.syncBuiltins('default');
    await catalog.importPath(dir, { environment: 'default', name: CONNECTOR });
    const secrets = await openSecrets({ config: { kind: 'value', keys: [generateMasterKey()] }, keys: store.secretKeys });
    const capture = (source: string): Logger => {
      const log = (level: string) => (message: string, fields?: Readonly<Record<string, unknown>>) => logLines.push(JSON.stringify({ source, level, message, fields }));
      return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
    };
    const connections = createConnectionService({ store, secrets, connectors: catalogConnectorLookup(catalog), logger: capture('connections') });
    // Starts at the real time: the provider's tokens and Plugboard's view of their expiry agree until a test moves the clock.
    clock = createManualClock(Date.now());
    wiring = createGatewayWiring({
      store,
      catalog,
      connections,
      secrets,
      clock,
      logger: capture('gateway'),
      allowInsecureOAuth: true,
      config: {
        egress: { allow: ['127.0.0.1/32'], allowMetadata: false, timeoutMs: 10_000, maxResponseBytes: 1024 * 1024 },
        rateLimit: { calls: 1000, windowMs: 60_000 },
        publicUrl: 'http://127.0.0.1:9',
      },
    });
    // The loopback provider knows one redirect URI for its web client; announce that one. The
    // scripted browser stops there, and carries the provider's query to /api/oauth/callback.
    const gateway: GatewayWiring = { ...wiring, redirectUri: REDIRECT_URI };
    app = await createApp({ store, catalog, connections, gateway, secrets, logLevel: 'trace', logStream: { write: (line) => logLines.push(line) } });

    const principal = async (name: string, role: PrincipalRecord['role']): Promise<Who> => {
      const record = await store.principals.create({ kind: 'user', name, role });
      const token = generateToken();
      await store.apiTokens.create({ principalId: record.id, name, tokenHash: hashToken(token) });
      return { principal: record, token };
    };
    admin = await principal('ada', 'admin');
    maya = await principal('maya', 'maker');
    omar = await principal('omar', 'maker');

    const registered = await send(admin, {
      method: 'PUT',
      url: `${ENV}/oauth-apps/${CONNECTOR}`,
      payload: { clientId: WEB_CLIENT.clientId, clientSecret: WEB_CLIENT.clientSecret, settings: { issuer: idp.issuer } },
    });
    assert.equal(registered.status, 200, registered.text);
  });

  after(async () => {
    // Everything is closed even if one close fails, so a failure cannot keep the process alive.
    const closes = [() => app.close(), () => wiring.close(), () => store.close(), () => api.close(), () => recorder.close(), () => idp.close()];
    const failures: unknown[] = [];
    for (const close of closes) {
      try {
        await close();
      } catch (error) {
        failures.push(error);
      }
    }
    rmSync(dir, { recursive: true, force: true });
    if (failures.length > 0) throw new AggregateError(failures, 'closing the test servers failed');
  });

  test('the OAuth app registration is listed with hasClientSecret, never with the secret; makers cannot register apps', async () => {
    const listed = await send(maya, { method: 'GET', url: `${ENV}/oauth-apps` });
    assert.equal(listed.status, 200, listed.text);
    const apps = listed.body?.['value'] as Array<Record<string, unknown>>;
    const app = apps.find((candidate) => candidate['key'] === CONNECTOR);
    assert.ok(app !== undefined, listed.text);
    assert.equal(app['clientId'], WEB_CLIENT.clientId);
    assert.equal(app['hasClientSecret'], true);
    assert.ok(!('clientSecret' in app), 'the listing has no clientSecret field');
    assert.deepEqual(app['settings'], { issuer: idp.issuer });
    assert.ok(!listed.text.includes(WEB_CLIENT.clientSecret));

    const byMaker = await send(maya, { method: 'PUT', url: `${ENV}/oauth-apps/${CONNECTOR}`, payload: { clientId: 'mine', clientSecret: 'my-own-secret-value' } });
    assert.equal(byMaker.status, 403, byMaker.text);
    const still = await send(admin, { method: 'GET', url: `${ENV}/oauth-apps` });
    assert.equal((still.body?.['value'] as Array<Record<string, unknown>>).find((candidate) => candidate['key'] === CONNECTOR)?.['clientId'], WEB_CLIENT.clientId);
  });

  test('a maker signs a connection in at the provider, and /apim calls the API with the access token the provider issued', async () => {
    const id = await createConnection(maya);
    const early = await apim(maya, id, 'me');
    assert.equal(early.status, 409, early.text);
    assert.equal(errorCode(early), 'OAuthReauthorizationRequired', 'a connection that was never signed in asks for a sign-in');
    assert.equal(api.tokens.length, 0, 'the API was not called without a token');

    const { authorizationUrl, cookie } = await authorize(maya, id);
    const target = new URL(authorizationUrl);
    assert.equal(target.origin, idp.issuer);
    assert.equal(target.searchParams.get('client_id'), WEB_CLIENT.clientId);
    assert.equal(target.searchParams.get('code_challenge_method'), 'S256');
    assert.ok(!authorizationUrl.includes(WEB_CLIENT.clientSecret));

    const query = await idp.signIn(authorizationUrl, { accountId: 'alice' });
    assert.ok(query.get('code'), 'the provider sent a code');
    const done = await callback(query, cookie);
    assert.equal(done.status, 200, done.text);
    assert.equal(done.body?.['connectionId'], id);
    assert.equal(done.body?.['status'], 'connected');
    assert.deepEqual(done.body?.['account'], { sub: 'alice', email: 'alice@example.test', name: 'Alice Example' });
    const issued = recorder.exchanges.at(-1);
    assert.equal(issued?.grantType, 'authorization_code');
    assert.ok(issued.accessToken !== undefined && issued.refreshToken !== undefined);

    const shown = await connectionOf(maya, id);
    assert.equal(shown['status'], 'connected');
    assert.equal(shown['lastError'], null);

    const me = await apim(maya, id, 'me');
    assert.equal(me.status, 200, me.text);
    assert.equal(me.body?.['verified'], true, 'the provider accepted the token the API received');
    assert.equal(api.tokens.at(-1), issued.accessToken, 'the API received the access token the provider issued');
    assert.equal(me.body?.['account'], 'alice', 'the account the token was issued for');
  });

  test('forged, replayed, foreign-cookie and unbound callbacks are refused, and the connection stays as it was', async () => {
    const id = await createConnection(maya);
    const exchangesBefore = recorder.exchanges.length;
    const status = async (): Promise<unknown> => (await connectionOf(maya, id))['status'];

    // Forged: a state Plugboard never issued, with maya's own binding cookie.
    const first = await authorize(maya, id);
    const forged = await callback(new URLSearchParams({ code: 'made-up-code', state: 'forged-state-0123456789abcdef', iss: idp.issuer }), first.cookie);
    assert.equal(forged.status, 400, forged.text);
    assert.equal(errorCode(forged), 'OAuthStateInvalid');
    assert.equal(await status(), 'unauthenticated');

    // A genuine redirect, but delivered without cookie or API token: nobody to bind it to.
    const query = await idp.signIn(first.authorizationUrl, { accountId: 'alice' });
    const unbound = await callback(query, undefined);
    assert.equal(unbound.status, 401, unbound.text);
    assert.equal(errorCode(unbound), 'OAuthStateInvalid');
    assert.equal(await status(), 'unauthenticated');

    // A cookie that is not a sealed binding at all.
    const garbage = await callback(query, 'pb_oauth_binding=not-a-sealed-value');
    assert.equal(garbage.status, 401, garbage.text);
    assert.equal(errorCode(garbage), 'OAuthStateInvalid');

    // The same redirect with the binding cookie of another maker (who started a sign-in of their own).
    const omarsId = await createConnection(omar);
    const omars = await authorize(omar, omarsId);
    const foreign = await callback(query, omars.cookie);
    assert.equal(foreign.status, 403, foreign.text);
    assert.equal(errorCode(foreign), 'OAuthStateWrongPrincipal');
    assert.equal(await status(), 'unauthenticated');
    assert.equal((await connectionOf(omar, omarsId))['status'], 'unauthenticated');
    // The refused attempt burnt the state: not even maya can complete that sign-in now.
    const burnt = await callback(query, first.cookie);
    assert.equal(burnt.status, 400, burnt.text);
    assert.equal(errorCode(burnt), 'OAuthStateInvalid');
    assert.equal(await status(), 'unauthenticated');
    assert.equal(recorder.exchanges.length, exchangesBefore, 'no refused callback reached the token endpoint');

    // Replay: the callback URL of a completed sign-in, a second time.
    const second = await authorize(maya, id);
    const good = await idp.signIn(second.authorizationUrl, { accountId: 'alice' });
    const completed = await callback(good, second.cookie);
    assert.equal(completed.status, 200, completed.text);
    const stored = recorder.exchanges.at(-1);
    const replayed = await callback(good, second.cookie);
    assert.equal(replayed.status, 400, replayed.text);
    assert.equal(errorCode(replayed), 'OAuthStateInvalid');
    assert.equal(recorder.exchanges.at(-1), stored, 'the replay did not redeem the code again');
    assert.equal(await status(), 'connected');
    const me = await apim(maya, id, 'me');
    assert.equal(me.status, 200, me.text);
    assert.equal(api.tokens.at(-1), stored?.accessToken, 'the tokens of the completed sign-in are still the ones used');
  });

  test('an expired access token is refreshed before the call, and two racing calls refresh it once', async () => {
    const id = await createConnection(maya);
    const issued = await signIn(maya, id);
    const refreshesBefore = recorder.count('refresh_token');

    clock.advance(2 * HOUR);
    const later = await apim(maya, id, 'me');
    assert.equal(later.status, 200, later.text);
    assert.equal(recorder.count('refresh_token'), refreshesBefore + 1);
    const refreshed = recorder.exchanges.at(-1);
    assert.equal(refreshed?.grantType, 'refresh_token');
    assert.equal(refreshed.status, 200);
    assert.notEqual(refreshed.accessToken, issued.accessToken);
    assert.equal(api.tokens.at(-1), refreshed.accessToken, 'the call used the refreshed token');
    assert.equal((await connectionOf(maya, id))['status'], 'connected');

    clock.advance(2 * HOUR);
    const held = recorder.holdNext();
    const racing = [apim(maya, id, 'me'), apim(maya, id, 'me')];
    await held.reached;
    // Keeps the refresh in flight while the second call catches up with it.
    await delay(50);
    held.release();
    const answers = await Promise.all(racing);
    for (const answer of answers) assert.equal(answer.status, 200, answer.text);
    assert.equal(recorder.count('refresh_token'), refreshesBefore + 2, 'one refresh for both calls');
    const shared = recorder.exchanges.at(-1);
    assert.deepEqual(api.tokens.slice(-2), [shared?.accessToken, shared?.accessToken]);
  });

  test('a token the API refuses early is refreshed once and the call retried', async () => {
    const id = await createConnection(maya);
    const issued = await signIn(maya, id);
    const refreshesBefore = recorder.count('refresh_token');
    api.refuseOnce.add(issued.accessToken ?? '');
    const me = await apim(maya, id, 'me');
    assert.equal(me.status, 200, me.text);
    assert.equal(recorder.count('refresh_token'), refreshesBefore + 1);
    assert.equal(api.tokens.at(-1), recorder.exchanges.at(-1)?.accessToken, 'the retry carried the new token');
    assert.equal((await connectionOf(maya, id))['status'], 'connected');
  });

  test(
    'an echoing API does not hand back the token refreshed after it refused the first one',
    async () => {
      const id = await createConnection(maya);
      const issued = await signIn(maya, id);
      api.refuseOnce.add(issued.accessToken ?? '');
      const echoed = await apim(maya, id, 'echo', { hello: 'again' });
      assert.equal(echoed.status, 200, echoed.text);
      const refreshed = recorder.exchanges.at(-1)?.accessToken ?? '';
      assert.equal(api.tokens.at(-1), refreshed, 'the retry carried the new token');
      assert.ok(!echoed.text.includes(refreshed), 'the refreshed access token was echoed back unmasked');
    },
  );

  test('a grant revoked at the provider makes the next refresh fail with OAuthReauthorizationRequired; the connection is kept, unauthenticated', async () => {
    const id = await createConnection(maya);
    const issued = await signIn(maya, id);
    await idp.revokeRefreshToken(issued.refreshToken ?? '');
    clock.advance(2 * HOUR);

    const refused = await apim(maya, id, 'me');
    assert.equal(refused.status, 409, refused.text);
    assert.equal(errorCode(refused), 'OAuthReauthorizationRequired');
    assert.match(String((refused.body?.['error'] as Record<string, unknown>)['message']), /authoriz/i);
    assert.equal(recorder.exchanges.at(-1)?.grantType, 'refresh_token');
    assert.equal(recorder.exchanges.at(-1)?.status, 400, 'the provider refused the refresh token');

    const shown = await connectionOf(maya, id);
    assert.equal(shown['status'], 'unauthenticated');
    assert.match(String(shown['lastError']), /refresh token/);
    const listed = await send(maya, { method: 'GET', url: `${ENV}/connections` });
    assert.ok((listed.body?.['value'] as Array<Record<string, unknown>>).some((connection) => connection['id'] === id), 'the connection is not deleted');

    // Calls keep asking for a sign-in, and signing in again repairs the connection.
    const again = await apim(maya, id, 'me');
    assert.equal(errorCode(again), 'OAuthReauthorizationRequired');
    await signIn(maya, id);
    assert.equal((await connectionOf(maya, id))['status'], 'connected');
    const repaired = await apim(maya, id, 'me');
    assert.equal(repaired.status, 200, repaired.text);
  });

  test('an echoing API and operation calls by id never hand the access token back', async () => {
    const id = await createConnection(maya);
    await signIn(maya, id);
    const raw = await apim(maya, id, 'echo', { hello: 'world' });
    assert.equal(raw.status, 200, raw.text);
    assert.match(raw.text, /hello/);
    const byId = await send(maya, { method: 'POST', url: `${ENV}/connections/${id}/invoke`, payload: { operationId: 'Echo', arguments: { body: { hello: 'again' } } } });
    assert.equal(byId.status, 200, byId.text);
    assert.ok(api.tokens.length > 0);
  });

  test('no client secret, access token or refresh token appears in any response or log line of these flows', () => {
    const secrets = new Map<string, string>([['client secret', WEB_CLIENT.clientSecret]]);
    for (const [index, exchange] of recorder.exchanges.entries()) {
      if (exchange.accessToken !== undefined) secrets.set(`access token #${index}`, exchange.accessToken);
      if (exchange.refreshToken !== undefined) secrets.set(`refresh token #${index}`, exchange.refreshToken);
    }
    assert.ok(secrets.size > 10, 'the flows above issued tokens');
    assert.ok(transcript.length > 30 && logLines.length > 30, 'responses and log lines were captured');
    const places = [
      ...transcript.map((answer, index) => ({ where: `response #${index} (${answer.status})`, text: `${JSON.stringify(answer.headers)}\n${answer.text}` })),
      ...logLines.map((line, index) => ({ where: `log line #${index}`, text: line })),
    ];
    for (const [what, secret] of secrets) {
      const forms = [secret, Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('base64').replace(/=+$/, ''), encodeURIComponent(secret)];
      for (const { where, text } of places) {
        for (const form of forms) assert.ok(!text.includes(form), `${what} leaked in ${where}: ${text.slice(0, 300)}`);
      }
    }
  });

  test('the authorization code and state of a callback never reach the log', () => {
    assert.ok(callbackQueries.length > 5);
    assert.ok(logLines.some((line) => line.includes('/api/oauth/callback')), 'callbacks are still logged');
    for (const query of callbackQueries) {
      for (const name of ['code', 'state']) {
        const value = query.get(name) ?? '';
        const leaked = logLines.find((line) => line.includes(value) || line.includes(encodeURIComponent(value)));
        assert.equal(leaked, undefined, `the callback's ${name} is in a log line`);
      }
    }
  });
});
