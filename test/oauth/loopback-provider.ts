/**
 * Test kit: a real OAuth 2.0 / OpenID Connect authorization server (oidc-provider v9) on a loopback
 * port, with an in-memory adapter, and a scripted user agent that signs in and consents through the
 * provider's own HTTP endpoints — the way a browser would.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import type { Adapter, AdapterPayload } from 'oidc-provider';

/** The redirect URI registered for the web client (the user agent stops when it is reached). */
export const REDIRECT_URI = 'https://plugboard.test/oauth/callback';

/** A confidential client for the authorization code flow (client_secret_post). */
export const WEB_CLIENT = { clientId: 'plugboard-web', clientSecret: `web-secret-${randomBytes(12).toString('hex')}` } as const;

/** A confidential client allowed only the client credentials grant. */
export const SERVICE_CLIENT = { clientId: 'plugboard-service', clientSecret: `service-secret-${randomBytes(12).toString('hex')}` } as const;

/** Accounts the provider knows. */
export const ACCOUNTS: Readonly<Record<string, { email: string; name: string }>> = {
  alice: { email: 'alice@example.test', name: 'Alice Example' },
  mallory: { email: 'mallory@example.test', name: 'Mallory Example' },
};

/** Options of {@link startLoopbackProvider}. */
export interface LoopbackProviderOptions {
  /** Access token lifetime the provider grants (seconds). */
  readonly accessTokenTtlSeconds?: number;
  /** Rotate the refresh token on every use (single-use refresh tokens). Default true. */
  readonly rotateRefreshToken?: boolean;
}

/** What the scripted user does on the provider's pages. */
export interface SignInOptions {
  readonly accountId: string;
  /** `allow` consents; `deny` aborts the consent prompt (the provider answers `access_denied`). */
  readonly decision?: 'allow' | 'deny';
}

/** A running provider. */
export interface LoopbackProvider {
  readonly issuer: string;
  /** Walks the authorization URL like a browser; returns the query the provider sent to the redirect URI. */
  signIn(authorizationUrl: string, options: SignInOptions): Promise<URLSearchParams>;
  /** Revokes a refresh token at the provider's revocation endpoint (the user withdrew consent). */
  revokeRefreshToken(refreshToken: string): Promise<void>;
  close(): Promise<void>;
}

/** A minimal oidc-provider adapter over one Map, with expiry and grant-wide revocation. */
function createMemoryAdapterFactory(): (model: string) => Adapter {
  const store = new Map<string, { payload: AdapterPayload; expiresAt: number }>();
  const grants = new Map<string, Set<string>>();
  const uids = new Map<string, string>();
  const get = (key: string): AdapterPayload | undefined => {
    const entry = store.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= Date.now()) {
      store.delete(key);
      return undefined;
    }
    return entry.payload;
  };
  return (model) => {
    const key = (id: string): string => `${model}:${id}`;
    return {
      async upsert(id, payload, expiresIn) {
        store.set(key(id), { payload, expiresAt: expiresIn === undefined ? Infinity : Date.now() + expiresIn * 1000 });
        if (payload.grantId !== undefined) {
          const members = grants.get(payload.grantId) ?? new Set<string>();
          members.add(key(id));
          grants.set(payload.grantId, members);
        }
        if (model === 'Session' && payload.uid !== undefined) uids.set(payload.uid, id);
      },
      async find(id) {
        return get(key(id));
      },
      async findByUid(uid) {
        const id = uids.get(uid);
        return id === undefined ? undefined : get(key(id));
      },
      async findByUserCode() {
        return undefined;
      },
      async consume(id) {
        const payload = get(key(id));
        if (payload !== undefined) payload.consumed = Math.floor(Date.now() / 1000);
      },
      async destroy(id) {
        store.delete(key(id));
      },
      async revokeByGrantId(grantId) {
        for (const member of grants.get(grantId) ?? []) store.delete(member);
        grants.delete(grantId);
      },
    };
  };
}

function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, reply: { readonly status: number; readonly body: unknown }): void {
  const { status, body } = reply;
  res.statusCode = status;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(body));
}

/** The provider's login and consent "pages": GET shows the prompt, POST submits the user's choice. */
async function handleInteraction(provider: Provider, exchange: { readonly req: IncomingMessage; readonly res: ServerResponse }): Promise<void> {
  const { req, res } = exchange;
  const details = await provider.interactionDetails(req, res);
  const action = new URL(req.url ?? '/', 'http://x').pathname.split('/')[3];
  if (req.method === 'GET') {
    sendJson(res, { status: 200, body: { uid: details.uid, prompt: details.prompt.name } });
    return;
  }
  const form = await readForm(req);
  if (action === 'login') {
    const accountId = form.get('accountId') ?? '';
    if (!(accountId in ACCOUNTS)) {
      sendJson(res, { status: 400, body: { error: `unknown account ${accountId}` } });
      return;
    }
    await provider.interactionFinished(req, res, { login: { accountId } }, { mergeWithLastSubmission: false });
    return;
  }
  if (action === 'abort') {
    await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'End-User aborted interaction' }, { mergeWithLastSubmission: false });
    return;
  }
  // consent: grant exactly what the prompt says is missing
  const accountId = details.session?.accountId;
  const clientId = details.params['client_id'];
  if (accountId === undefined || clientId === undefined) {
    sendJson(res, { status: 400, body: { error: 'consent without a session' } });
    return;
  }
  const grant = details.grantId === undefined ? new provider.Grant({ accountId, clientId }) : await provider.Grant.find(details.grantId);
  if (grant === undefined) {
    sendJson(res, { status: 400, body: { error: 'grant not found' } });
    return;
  }
  const missing = details.prompt.details;
  if (missing.missingOIDCScope !== undefined) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims !== undefined) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

/** Starts oidc-provider on 127.0.0.1 with an ephemeral port. */
export async function startLoopbackProvider(options: LoopbackProviderOptions = {}): Promise<LoopbackProvider> {
  let provider: Provider | undefined;
  const server = createServer((req, res) => {
    if (provider === undefined) {
      sendJson(res, { status: 503, body: { error: 'starting' } });
      return;
    }
    const current = provider;
    if ((req.url ?? '').startsWith('/interaction/')) {
      handleInteraction(current, { req, res }).catch((error: unknown) => {
        sendJson(res, { status: 500, body: { error: error instanceof Error ? error.message : String(error) } });
      });
      return;
    }
    current.callback()(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;

  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key', use: 'sig', alg: 'RS256' };

  provider = new Provider(issuer, {
    adapter: createMemoryAdapterFactory(),
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(16).toString('hex')] },
    clients: [
      {
        client_id: WEB_CLIENT.clientId,
        client_secret: WEB_CLIENT.clientSecret,
        redirect_uris: [REDIRECT_URI],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
      {
        client_id: SERVICE_CLIENT.clientId,
        client_secret: SERVICE_CLIENT.clientSecret,
        redirect_uris: [],
        grant_types: ['client_credentials'],
        response_types: [],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      // any client may revoke its own tokens here; the tests revoke as the web client
      revocation: { enabled: true, allowedPolicy: async () => true },
    },
    pkce: { required: () => true },
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: options.rotateRefreshToken ?? true,
    ttl: {
      AccessToken: options.accessTokenTtlSeconds ?? 3600,
      ClientCredentials: options.accessTokenTtlSeconds ?? 3600,
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 600,
      Session: 3600,
      Grant: 14 * 24 * 3600,
      RefreshToken: 14 * 24 * 3600,
    },
    // email and name go into the ID token itself, so the connected account can be shown (T-O4)
    conformIdTokenClaims: false,
    claims: { openid: ['sub'], email: ['email'], profile: ['name'] },
    findAccount: async (_ctx, id) => {
      const account = ACCOUNTS[id];
      if (account === undefined) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, email: account.email, name: account.name }) };
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  });

  const cookieJar = new Map<string, string>();
  const rememberCookies = (response: Response): void => {
    for (const header of response.headers.getSetCookie()) {
      const [pair = ''] = header.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(header) || value === '') cookieJar.delete(name);
      else cookieJar.set(name, value);
    }
  };
  const request = async (url: string, init: { method?: string; body?: URLSearchParams } = {}): Promise<Response> => {
    const headers: Record<string, string> = { cookie: [...cookieJar].map(([k, v]) => `${k}=${v}`).join('; ') };
    const response = await fetch(url, { method: init.method ?? 'GET', body: init.body, headers, redirect: 'manual' });
    rememberCookies(response);
    return response;
  };

  return {
    issuer,
    async signIn(authorizationUrl, signIn) {
      cookieJar.clear();
      let url = authorizationUrl;
      for (let step = 0; step < 20; step += 1) {
        if (url.startsWith(REDIRECT_URI)) return new URL(url).searchParams;
        const response = await request(url);
        if (response.status >= 300 && response.status < 400) {
          url = new URL(response.headers.get('location') ?? '', url).href;
          continue;
        }
        const page = (await response.json()) as { uid?: string; prompt?: string; error?: string; error_description?: string };
        if (page.prompt === undefined) throw new Error(`provider answered ${response.status}: ${page.error ?? ''} ${page.error_description ?? ''}`);
        const base = `${issuer}/interaction/${page.uid ?? ''}`;
        const submit =
          page.prompt === 'login'
            ? await request(`${base}/login`, { method: 'POST', body: new URLSearchParams({ accountId: signIn.accountId }) })
            : await request(`${base}/${signIn.decision === 'deny' ? 'abort' : 'confirm'}`, { method: 'POST', body: new URLSearchParams() });
        if (submit.status !== 303) throw new Error(`interaction ${page.prompt} answered ${submit.status}: ${await submit.text()}`);
        url = new URL(submit.headers.get('location') ?? '', base).href;
      }
      throw new Error('sign-in did not reach the redirect URI within 20 steps');
    },
    async revokeRefreshToken(refreshToken) {
      const body = new URLSearchParams({ token: refreshToken, token_type_hint: 'refresh_token', client_id: WEB_CLIENT.clientId, client_secret: WEB_CLIENT.clientSecret });
      const response = await fetch(`${issuer}/token/revocation`, { method: 'POST', body });
      if (response.status !== 200) throw new Error(`revocation answered ${response.status}: ${await response.text()}`);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error === undefined ? resolve() : reject(error))));
    },
  };
}
