/**
 * Process configuration: one typed schema (name, default, doc, `_FILE` variant for secrets), read
 * once at start from the environment. An invalid value stops the process with a message naming
 * the variable and the fix; services never read `process.env` themselves.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UserInputError } from '../../core/index.ts';
import { masterKeyConfigFromEnv } from '../../secrets/index.ts';
import type { MasterKeyConfig } from '../../secrets/index.ts';
import { storeConfigFromEnv } from '../../storage/index.ts';
import type { StoreConfig } from '../../storage/index.ts';
import { MAX_RUN_RETENTION_DAYS } from '../../workflow/index.ts';

/** Resolved, frozen process configuration. */
export interface ResolvedConfig {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  /** SQLite in `dataDir`, or PostgreSQL when PLUGBOARD_DATABASE_URL is set (storage's own settings). */
  readonly store: StoreConfig;
  /** Master key source of the secrets area (its own settings; see docs/config.md). */
  readonly masterKey: MasterKeyConfig;
  readonly bootstrapToken: string | undefined;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Outbound calls (connectors, OAuth token endpoints): the SSRF allow-list, timeout and size cap. */
  readonly egress: {
    readonly allow: readonly string[];
    readonly allowMetadata: boolean;
    readonly timeoutMs: number;
    readonly maxResponseBytes: number;
  };
  /** Per-connection call budget of the gateway. */
  readonly rateLimit: { readonly calls: number; readonly windowMs: number };
  /** The URL users reach this server at (OAuth redirect URI, next-page links); default http://{host}:{port}. */
  readonly publicUrl: string;
  /**
   * Flow runs executed by this process: how many at once, how soon another process takes over the
   * runs and trigger checks of one that died (`lockMs`, also the trigger worker's lock), and how
   * many days finished runs are kept (the daily retention job).
   */
  readonly runs: { readonly workers: number; readonly lockMs: number; readonly retentionDays: number };
  /**
   * `GET /metrics`: `token` needs a bearer token with `metrics:read` (admins) or the scrape-only
   * `token` when one is set, `public` needs none, `off` removes the route.
   */
  readonly metrics: { readonly access: MetricsAccess; readonly token: string | undefined };
}

/** Who may read `GET /metrics` (see {@link ResolvedConfig.metrics}). */
export type MetricsAccess = 'token' | 'public' | 'off';

/** One documented setting. */
interface Setting {
  readonly env: string;
  readonly doc: string;
  readonly default?: string;
  /** Secrets may also be given as `<env>_FILE` pointing at a file holding the value. */
  readonly secret?: boolean;
}

/** Every setting, in the order docs/config.md lists them. */
export const SETTINGS: readonly Setting[] = [
  { env: 'PLUGBOARD_PORT', doc: 'TCP port of the HTTP server.', default: '8080' },
  { env: 'PLUGBOARD_HOST', doc: 'Address the HTTP server binds to (0.0.0.0 to accept remote connections).', default: '127.0.0.1' },
  { env: 'PLUGBOARD_DATA_DIR', doc: 'Directory for the embedded SQLite database and key files.', default: './.plugboard' },
  { env: 'PLUGBOARD_BOOTSTRAP_TOKEN', doc: 'Admin API token to create on first start (for automation); otherwise one is generated and printed once.', secret: true },
  { env: 'PLUGBOARD_LOG_LEVEL', doc: 'fatal, error, warn, info, debug, trace or silent.', default: 'info' },
  {
    env: 'PLUGBOARD_METRICS_ACCESS',
    doc: 'Who may read the Prometheus metrics at GET /metrics: `token` (an API token with metrics:read, i.e. an admin\'s), `public` (no token: only where nothing but the scraper can reach the port), or `off` (no route).',
    default: 'token',
  },
  {
    env: 'PLUGBOARD_METRICS_TOKEN',
    doc: 'A scrape-only bearer token (at least 16 characters, no whitespace) that reads GET /metrics and nothing else, so Prometheus needs no admin token; needs PLUGBOARD_METRICS_ACCESS=token.',
    secret: true,
  },
  {
    env: 'PLUGBOARD_EGRESS_ALLOW',
    doc: 'Comma-separated CIDRs and host names that outbound calls may reach although they are internal (loopback, private, link-local). Empty: only public addresses.',
    default: '',
  },
  { env: 'PLUGBOARD_EGRESS_ALLOW_METADATA', doc: 'Set to `true` to let allow-listed entries include cloud metadata addresses (169.254.169.254 …); almost never wanted.', default: 'false' },
  { env: 'PLUGBOARD_EGRESS_TIMEOUT_SECONDS', doc: 'Total time one outbound call may take.', default: '120' },
  { env: 'PLUGBOARD_EGRESS_MAX_RESPONSE_MB', doc: 'Largest response body an outbound call may return.', default: '100' },
  { env: 'PLUGBOARD_RATE_LIMIT_CALLS', doc: 'Calls one connection may make per window; more are answered 429 with Retry-After.', default: '100' },
  { env: 'PLUGBOARD_RATE_LIMIT_WINDOW_SECONDS', doc: 'Length of the rate-limit window.', default: '60' },
  { env: 'PLUGBOARD_RUN_WORKERS', doc: 'Flow runs this process executes at once (a parent flow waiting for a child flow holds one); a whole number from 1 to 1000.', default: '20' },
  {
    env: 'PLUGBOARD_RUN_LOCK_SECONDS',
    doc: 'How soon another process takes over the work of one that died: a run or a trigger check stays claimed this long without a heartbeat, so a dead process\'s unfinished runs resume, and its triggers are checked again, in another process (or after a restart) this much later; from 1 to 86400 (a day).',
    default: '30',
  },
  {
    env: 'PLUGBOARD_RUN_RETENTION_DAYS',
    doc: 'Days a finished run (with its action history and stored payloads) is kept; a daily job deletes older ones. Unfinished runs are never deleted. A change applies from the next cleanup.',
    default: '90',
  },
  { env: 'PLUGBOARD_PUBLIC_URL', doc: 'The URL users reach this server at, used for the OAuth redirect URI (`{url}/api/oauth/callback`); default http://{host}:{port}.' },
  // Read by the secrets area's masterKeyConfigFromEnv (listed here for the documentation).
  {
    env: 'PLUGBOARD_MASTER_KEY',
    doc: 'Master key that encrypts connection secrets: base64 of 32 random bytes (`openssl rand -base64 32`); during a rotation several, comma-separated, oldest first. Required with PostgreSQL; with SQLite a key file is generated in the data directory.',
    secret: true,
  },
];

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const METRICS_ACCESS: readonly MetricsAccess[] = ['token', 'public', 'off'];

function read(env: Readonly<Record<string, string | undefined>>, setting: Setting): string | undefined {
  const direct = env[setting.env];
  if (direct !== undefined && direct !== '') return direct;
  const file = setting.secret === true ? env[`${setting.env}_FILE`] : undefined;
  if (file !== undefined && file !== '') {
    try {
      return readFileSync(file, 'utf8').trim();
    } catch {
      throw new UserInputError(`${setting.env}_FILE points at "${file}", which cannot be read — fix the path or its permissions`, { code: 'ConfigInvalid' });
    }
  }
  return setting.default;
}

function setting(name: string): Setting {
  const found = SETTINGS.find((s) => s.env === name);
  if (found === undefined) throw new Error(`unknown setting ${name}`);
  return found;
}

/** Reads and validates the configuration from an environment map (normally `process.env`). */
export function loadConfig(env: Readonly<Record<string, string | undefined>>, overrides: { port?: number } = {}): ResolvedConfig {
  const portText = overrides.port === undefined ? read(env, setting('PLUGBOARD_PORT')) : String(overrides.port);
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UserInputError(`PLUGBOARD_PORT (or --port) is "${portText}" — give a whole number from 0 to 65535`, { code: 'ConfigInvalid' });
  }
  const logLevel = read(env, setting('PLUGBOARD_LOG_LEVEL')) ?? 'info';
  const level = LOG_LEVELS.find((l) => l === logLevel);
  if (level === undefined) {
    throw new UserInputError(`PLUGBOARD_LOG_LEVEL is "${logLevel}" — use one of ${LOG_LEVELS.join(', ')}`, { code: 'ConfigInvalid' });
  }
  const dataDir = resolve(read(env, setting('PLUGBOARD_DATA_DIR')) ?? './.plugboard');
  const bootstrapToken = read(env, setting('PLUGBOARD_BOOTSTRAP_TOKEN'));
  if (bootstrapToken !== undefined && bootstrapToken.length < 16) {
    throw new UserInputError('PLUGBOARD_BOOTSTRAP_TOKEN is shorter than 16 characters — use a long random value', { code: 'ConfigInvalid' });
  }
  const store = storeConfigFromEnv(env, { dataDir });
  const host = read(env, setting('PLUGBOARD_HOST')) ?? '127.0.0.1';
  const allow = (read(env, setting('PLUGBOARD_EGRESS_ALLOW')) ?? '').split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  const publicUrl = (read(env, setting('PLUGBOARD_PUBLIC_URL')) ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+/.test(publicUrl)) {
    throw new UserInputError(`PLUGBOARD_PUBLIC_URL is "${publicUrl}" — give an absolute http(s) URL such as https://plugboard.example.com`, { code: 'ConfigInvalid' });
  }
  const metricsText = read(env, setting('PLUGBOARD_METRICS_ACCESS')) ?? 'token';
  const metricsAccess = METRICS_ACCESS.find((access) => access === metricsText);
  if (metricsAccess === undefined) {
    throw new UserInputError(`PLUGBOARD_METRICS_ACCESS is "${metricsText}" — use one of ${METRICS_ACCESS.join(', ')}`, { code: 'ConfigInvalid' });
  }
  const metricsToken = scrapeToken(env, { access: metricsAccess, bootstrapToken });
  return Object.freeze({
    port,
    host,
    dataDir,
    store,
    masterKey: masterKeyConfigFromEnv(env, { dataDir, embedded: store.driver === 'sqlite' }),
    bootstrapToken,
    logLevel: level,
    egress: Object.freeze({
      allow: Object.freeze(allow),
      allowMetadata: read(env, setting('PLUGBOARD_EGRESS_ALLOW_METADATA')) === 'true',
      timeoutMs: positiveNumber(env, 'PLUGBOARD_EGRESS_TIMEOUT_SECONDS') * 1000,
      maxResponseBytes: positiveNumber(env, 'PLUGBOARD_EGRESS_MAX_RESPONSE_MB') * 1024 * 1024,
    }),
    rateLimit: Object.freeze({ calls: positiveNumber(env, 'PLUGBOARD_RATE_LIMIT_CALLS'), windowMs: positiveNumber(env, 'PLUGBOARD_RATE_LIMIT_WINDOW_SECONDS') * 1000 }),
    publicUrl,
    runs: Object.freeze({
      // The job queue refuses more than 1000 handlers at once and locks outside 10 ms–1 day: checked here, naming the variable, before anything starts.
      workers: boundedNumber(env, { name: 'PLUGBOARD_RUN_WORKERS', min: 1, max: 1000, whole: true, unit: 'runs at once' }),
      lockMs: Math.round(boundedNumber(env, { name: 'PLUGBOARD_RUN_LOCK_SECONDS', min: 1, max: 86_400, whole: false, unit: 'seconds' }) * 1000),
      retentionDays: boundedNumber(env, { name: 'PLUGBOARD_RUN_RETENTION_DAYS', min: 1, max: MAX_RUN_RETENTION_DAYS, whole: true, unit: 'days' }),
    }),
    metrics: Object.freeze({ access: metricsAccess, token: metricsToken }),
  });
}

/**
 * PLUGBOARD_METRICS_TOKEN, checked without ever putting the value in a message. It must differ from
 * the bootstrap token: the scrape token is recognised before API tokens, so that admin token
 * would then read /metrics only.
 */
function scrapeToken(env: Readonly<Record<string, string | undefined>>, context: { readonly access: MetricsAccess; readonly bootstrapToken: string | undefined }): string | undefined {
  const token = read(env, setting('PLUGBOARD_METRICS_TOKEN'));
  if (token === undefined) return undefined;
  const fix = 'use a long random value such as the output of `openssl rand -hex 32`';
  if (token.length < 16) throw new UserInputError(`PLUGBOARD_METRICS_TOKEN is shorter than 16 characters — ${fix}`, { code: 'ConfigInvalid' });
  if (/\s/.test(token)) throw new UserInputError(`PLUGBOARD_METRICS_TOKEN holds whitespace, which an \`Authorization: Bearer\` header cannot carry — ${fix}`, { code: 'ConfigInvalid' });
  if (token === context.bootstrapToken) {
    throw new UserInputError(`PLUGBOARD_METRICS_TOKEN is the same value as PLUGBOARD_BOOTSTRAP_TOKEN — the scrape token must be a value of its own (${fix})`, { code: 'ConfigInvalid' });
  }
  if (context.access !== 'token') {
    throw new UserInputError(`PLUGBOARD_METRICS_TOKEN is set but PLUGBOARD_METRICS_ACCESS is "${context.access}", so no request would ever present it — set PLUGBOARD_METRICS_ACCESS=token (the default) or unset PLUGBOARD_METRICS_TOKEN`, {
      code: 'ConfigInvalid',
    });
  }
  return token;
}

/** A number (a whole one when `whole`) from `min` to `max`; the message names the variable and the range. */
function boundedNumber(env: Readonly<Record<string, string | undefined>>, bounds: { readonly name: string; readonly min: number; readonly max: number; readonly whole: boolean; readonly unit: string }): number {
  const { name, min, max, whole, unit } = bounds;
  const text = read(env, setting(name));
  const value = Number(text);
  if (text === undefined || text.trim() === '' || !Number.isFinite(value) || (whole && !Number.isSafeInteger(value)) || value < min || value > max) {
    throw new UserInputError(`${name} is "${text ?? ''}" — give ${whole ? 'a whole number' : 'a number'} of ${unit} from ${min} to ${max}`, { code: 'ConfigInvalid' });
  }
  return value;
}

function positiveNumber(env: Readonly<Record<string, string | undefined>>, name: string): number {
  const text = read(env, setting(name));
  const value = Number(text);
  if (text === undefined || !Number.isFinite(value) || value <= 0) {
    throw new UserInputError(`${name} is "${text ?? ''}" — give a positive number`, { code: 'ConfigInvalid' });
  }
  return value;
}
