/** Test kit for the OAuth tests: connector loading, a recording fetch, a recording logger, service setup. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { createManualClock } from '../../src/core/index.ts';
import type { Logger, ManualClock } from '../../src/core/index.ts';
import { loadConnector } from '../../src/connectors/index.ts';
import type { ConnectorDefinition } from '../../src/connectors/index.ts';
import {
  createMemoryOAuthAppRepository,
  createMemoryOAuthStateRepository,
  createMemoryTokenStore,
  createOAuthService,
} from '../../src/connections/oauth/index.ts';
import type {
  HttpFetch,
  MemoryTokenStore,
  OAuthAppRecord,
  OAuthConnectionContext,
  OAuthService,
  OAuthStateRepository,
} from '../../src/connections/oauth/index.ts';
import { CORPUS_ROOT } from '../kit/corpus.ts';

/** Fixture folders of these tests. */
export const OAUTH_FIXTURES = resolve(import.meta.dirname, '../fixtures/oauth');

function loadFolder(path: string, label: string): ConnectorDefinition {
  const files = readdirSync(path)
    .filter((name) => statSync(join(path, name)).isFile())
    .map((name) => {
      const bytes = new Uint8Array(readFileSync(join(path, name)));
      return { name: basename(name), size: bytes.length, bytes };
    });
  const { definition, issues } = loadConnector({ kind: 'folder', path: label, files });
  if (definition === undefined) throw new Error(`${label} did not load: ${issues.map((i) => i.message).join('; ')}`);
  return definition;
}

/** A real connector of the shared corpus, e.g. `certified-connectors/Zoho Mail` (read in place, never copied). */
export function corpusDefinition(relative: string): ConnectorDefinition {
  return loadFolder(join(CORPUS_ROOT, relative), relative);
}

/** A connector of test/fixtures/oauth. */
export function fixtureDefinition(name: string): ConnectorDefinition {
  return loadFolder(join(OAUTH_FIXTURES, name), name);
}

/** One token-endpoint request seen by a {@link RecordingFetch}. */
export interface RecordedRequest {
  readonly url: string;
  readonly grantType: string | undefined;
  readonly body: URLSearchParams;
  /** The HTTP status of the answer, once it arrived (undefined for thrown failures). */
  status?: number;
}

/** A fetch that records every request and can be made to fail or wait. */
export interface RecordingFetch {
  readonly fetch: HttpFetch;
  readonly requests: RecordedRequest[];
  /** Requests with this grant type. */
  count(grantType: string): number;
  /** The next `times` requests throw `error` instead of reaching the network. */
  failNext(error: unknown, times?: number): void;
  /** The next `times` requests are answered with `response()` without reaching the provider. */
  answerNext(response: () => Response, times?: number): void;
  /** Holds the next request until the returned `release()`; `reached` resolves when it is held. */
  holdNext(): { readonly reached: Promise<void>; release(): void };
  /** The next request never gets an answer, like a hung provider: it only ends when its signal aborts. */
  hangNext(): void;
}

/** Wraps the global fetch with recording and fault injection. */
export function createRecordingFetch(): RecordingFetch {
  const requests: RecordedRequest[] = [];
  const faults: Array<{ kind: 'throw'; error: unknown } | { kind: 'answer'; response: () => Response } | { kind: 'hold'; gate: Promise<void>; reached: () => void } | { kind: 'hang' }> = [];
  const fetchImpl: HttpFetch = async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const body = init?.body instanceof URLSearchParams ? new URLSearchParams(init.body) : new URLSearchParams(typeof init?.body === 'string' ? init.body : '');
    const recorded: RecordedRequest = { url, grantType: body.get('grant_type') ?? undefined, body };
    requests.push(recorded);
    const fault = faults.shift();
    if (fault?.kind === 'throw') throw fault.error;
    if (fault?.kind === 'hang') {
      const signal = init?.signal;
      await new Promise<never>((_, reject) => {
        signal?.addEventListener('abort', () => reject(signal.reason));
      });
    }
    if (fault?.kind === 'hold') {
      fault.reached();
      await fault.gate;
    }
    const response = fault?.kind === 'answer' ? fault.response() : await fetch(input, init);
    recorded.status = response.status;
    return response;
  };
  return {
    fetch: fetchImpl,
    requests,
    count: (grantType) => requests.filter((r) => r.grantType === grantType).length,
    failNext(error, times = 1) {
      for (let i = 0; i < times; i += 1) faults.push({ kind: 'throw', error });
    },
    answerNext(response, times = 1) {
      for (let i = 0; i < times; i += 1) faults.push({ kind: 'answer', response });
    },
    hangNext() {
      faults.push({ kind: 'hang' });
    },
    holdNext() {
      let release = (): void => undefined;
      let reached = (): void => undefined;
      const gate = new Promise<void>((r) => {
        release = r;
      });
      const reachedPromise = new Promise<void>((r) => {
        reached = r;
      });
      faults.push({ kind: 'hold', gate, reached });
      return { reached: reachedPromise, release };
    },
  };
}

/** A logger that keeps every line, to check that no secret is ever logged. */
export function createRecordingLogger(): Logger & { readonly lines: string[] } {
  const lines: string[] = [];
  const log =
    (level: string) =>
    (message: string, fields?: Readonly<Record<string, unknown>>): void => {
      lines.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);
    };
  return { lines, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/** An in-memory connection directory. */
export function createConnectionDirectory(contexts: readonly OAuthConnectionContext[] = []): { get(id: string): Promise<OAuthConnectionContext | undefined>; put(context: OAuthConnectionContext): void } {
  const byId = new Map(contexts.map((c) => [c.connectionId, c]));
  return {
    async get(id) {
      return byId.get(id);
    },
    put(context) {
      byId.set(context.connectionId, context);
    },
  };
}

/** A sleep the test controls: it learns when a service starts waiting, and decides when the wait ends. */
export interface ControlledSleep {
  readonly sleep: (ms: number) => Promise<void>;
  /** How many waits were started so far. */
  readonly count: () => number;
  /**
   * Resolves once a wait is pending (at once if one already is); rejects if `call` settles first —
   * the caller was expected to wait but went ahead, so the test fails instead of hanging.
   */
  waiting(call: Promise<unknown>): Promise<void>;
  /** Ends every pending wait. */
  wake(): void;
}

/** Creates a {@link ControlledSleep}; waits never end on their own and never move a clock. */
export function createControlledSleep(): ControlledSleep {
  let pending: Array<() => void> = [];
  let watchers: Array<() => void> = [];
  let started = 0;
  return {
    sleep: () =>
      new Promise<void>((resolve) => {
        started += 1;
        pending.push(resolve);
        for (const watcher of watchers) watcher();
        watchers = [];
      }),
    count: () => started,
    waiting(call) {
      if (pending.length > 0) return Promise.resolve();
      const started = new Promise<void>((resolve) => {
        watchers.push(resolve);
      });
      const wentAhead = call.then(
        () => Promise.reject(new Error('the call finished without waiting')),
        (error: unknown) => Promise.reject(new Error('the call failed without waiting', { cause: error })),
      );
      return Promise.race([started, wentAhead]);
    },
    wake() {
      const due = pending;
      pending = [];
      for (const resolve of due) resolve();
    },
  };
}

/** A real short pause that leaves the manual clock alone, so a refresh lease never lapses unless a test moves the clock. */
export const tickSleep = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 1));

/** A service wired to in-memory ports, with everything a test needs to look at. */
export interface OAuthHarness {
  readonly service: OAuthService;
  readonly tokens: MemoryTokenStore;
  readonly states: OAuthStateRepository;
  readonly apps: ReturnType<typeof createMemoryOAuthAppRepository>;
  readonly connections: ReturnType<typeof createConnectionDirectory>;
  readonly http: RecordingFetch;
  readonly clock: ManualClock;
  readonly logger: ReturnType<typeof createRecordingLogger>;
  /** Another service (another process) over the same stores, with its own single-flight table and fetch. */
  sibling(http?: RecordingFetch): OAuthService;
}

/** Options of {@link createHarness}. */
export interface HarnessOptions {
  readonly apps?: readonly OAuthAppRecord[];
  readonly connections?: readonly OAuthConnectionContext[];
  /** Wraps the state repository (e.g. to tamper with payloads). */
  readonly wrapStates?: (states: OAuthStateRepository) => OAuthStateRepository;
  /** The clock starts at the real time so the provider's and Plugboard's expiries agree. */
  readonly clock?: ManualClock;
  /** How a service waits for another one's refresh; default {@link tickSleep}. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** The services' `refreshLeaseMs`; default the service's own. */
  readonly refreshLeaseMs?: number;
}

/** Creates an OAuth service on in-memory ports and a manual clock; `allowInsecureRequests` for the loopback provider. */
export function createHarness(options: HarnessOptions = {}): OAuthHarness {
  const tokens = createMemoryTokenStore();
  const baseStates = createMemoryOAuthStateRepository();
  const states = options.wrapStates === undefined ? baseStates : options.wrapStates(baseStates);
  const apps = createMemoryOAuthAppRepository(options.apps);
  const connections = createConnectionDirectory(options.connections);
  const http = createRecordingFetch();
  const clock = options.clock ?? createManualClock(Date.now());
  const logger = createRecordingLogger();
  const make = (fetchImpl: RecordingFetch): OAuthService =>
    createOAuthService({
      states,
      apps,
      tokens,
      connections,
      fetch: fetchImpl.fetch,
      clock,
      logger,
      allowInsecureRequests: true,
      sleep: options.sleep ?? tickSleep,
      ...(options.refreshLeaseMs === undefined ? {} : { refreshLeaseMs: options.refreshLeaseMs }),
    });
  return { service: make(http), tokens, states, apps, connections, http, clock, logger, sibling: (other) => make(other ?? createRecordingFetch()) };
}
