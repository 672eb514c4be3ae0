/**
 * Connector scripts in the QuickJS sandbox, as connector authors write them: forwarding with
 * send(), editing JSON, branching on operationId, computing a response without a backend.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { PlugboardError, createManualClock } from '../../src/core/index.ts';
import { createScriptRunner } from '../../src/gateway/script/index.ts';
import type { ScriptResponse, ScriptRunnerOptions } from '../../src/gateway/script/index.ts';
import { fixtureScript, memoryLogger, recordingSend, scriptRequest } from './script-kit.ts';

function runner(source: string, options: Partial<ScriptRunnerOptions> = {}) {
  return createScriptRunner({ source, language: 'typescript', file: 'script.ts', ...options });
}

/** Asserts that `promise` rejects with a PlugboardError of `code`, and returns it. */
async function failsWith(promise: Promise<unknown>, code: string): Promise<PlugboardError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof PlugboardError, `expected a PlugboardError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return error;
  }
  assert.fail(`expected a ${code} error, but the call succeeded`);
}

describe('script runner: what connector scripts do', () => {
  it('wraps the prompt and forwards the request with send, like the Anthropic script', async () => {
    const script = await runner(fixtureScript('anthropic-prompt.ts'));
    const send = recordingSend((request) => ({ status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ completion: 'Hi', sent: JSON.parse(request.body ?? 'null') }) }));
    const response = await script.run({ operationId: 'CompletePrompt', request: scriptRequest({ body: JSON.stringify({ prompt: 'Hello', max_tokens: 5 }) }), send });
    assert.equal(send.calls.length, 1);
    assert.deepEqual(JSON.parse(send.calls[0]?.body ?? ''), { prompt: '\n\nHuman: Hello\n\nAssistant:', max_tokens: 5 });
    assert.equal(send.calls[0]?.url, 'https://api.example.com/v1/items');
    assert.equal(response.status, 200);
    assert.equal(JSON.parse(response.body ?? '').completion, 'Hi');
  });

  it('decodes a double-encoded request URI before forwarding, like the Beauhurst script', async () => {
    const script = await runner(fixtureScript('beauhurst-decode.ts'));
    const send = recordingSend();
    await script.run({ operationId: 'CompanyInfoByFID', request: scriptRequest({ method: 'GET', url: 'https://api.beauhurst.com/v1/companies/abc%252Fdef', body: null }), send });
    assert.equal(send.calls[0]?.url, 'https://api.beauhurst.com/v1/companies/abc%2Fdef');
    assert.equal(send.calls[0]?.method, 'GET');
  });

  it('computes the whole response without a backend call, like the HtmlToText script', async () => {
    const script = await runner(fixtureScript('html-to-text.ts'));
    const send = recordingSend();
    const response = await script.run({
      operationId: 'HtmlToText',
      request: scriptRequest({ headers: { 'content-type': 'text/html' }, body: '<html><style>p{}</style><p>Fish &amp; chips</p><br/><b>today</b></html>' }),
      send,
    });
    assert.equal(send.calls.length, 0);
    assert.deepEqual(response, { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'Fish & chips\ntoday' });
  });

  it('branches on operationId in a JavaScript dispatcher that reshapes, edits and fabricates', async () => {
    const script = await runner(fixtureScript('dispatcher.js'), { language: 'javascript', file: 'script.js' });
    const send = recordingSend((request): ScriptResponse =>
      request.url.endsWith('/me')
        ? { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: 7, first: 'Ada', last: 'Lovelace' }) }
        : { status: 201, headers: {}, body: request.body },
    );
    const user = await script.run({ operationId: 'GetUser', request: scriptRequest({ method: 'GET', url: 'https://api.example.com/me', body: null }), send });
    assert.deepEqual(JSON.parse(user.body ?? ''), { id: 7, displayName: 'Ada Lovelace' });
    assert.equal(user.headers['content-type'], 'application/json');

    const added = await script.run({ operationId: 'AddOption', request: scriptRequest({ body: JSON.stringify({ options: { a: 1 } }) }), send });
    assert.equal(added.status, 201);
    assert.deepEqual(JSON.parse(send.calls[1]?.body ?? ''), { options: { a: 1, ApplicationName: 'Plugboard' } });
    assert.equal(send.calls[1]?.headers['content-type'], 'application/json');

    const tooMany = await script.run({ operationId: 'Validate', request: scriptRequest({ body: JSON.stringify({ values: Array.from({ length: 26 }, (_, i) => i) }) }), send });
    assert.equal(tooMany.status, 400);
    assert.deepEqual(JSON.parse(tooMany.body ?? ''), { error: 'at most 25 values' });
    assert.equal(send.calls.length, 2, 'the fabricated answer made no backend call');
  });

  it('runs TypeScript with interfaces, generics, casts, satisfies and type-only imports', async () => {
    const script = await runner(`import type { Nothing } from './types.ts';
interface Item<T> { value: T }
type Context = { operationId: string; request: { body: string | null } };
const first = <T,>(items: readonly T[]): T | undefined => items[0];
export default async function ({ operationId, request }: Context): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const items = JSON.parse(request.body ?? '[]') as Item<number>[];
  const picked = first(items)?.value satisfies number | undefined;
  return { status: 200, headers: {}, body: \`\${operationId}:\${picked}\` };
}
`);
    const response = await script.run({ operationId: 'Pick', request: scriptRequest({ body: '[{"value":42}]' }), send: recordingSend() });
    assert.equal(response.body, 'Pick:42');
  });

  it('serialises an object body as JSON and sets the content type', async () => {
    const script = await runner('export default async () => ({ status: 200, body: { ok: true, list: [1, 2] } })');
    const response = await script.run({ operationId: 'Op', request: scriptRequest(), send: recordingSend() });
    assert.deepEqual(response, { status: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true,"list":[1,2]}' });
  });

  it('lower-cases header names in both directions', async () => {
    const script = await runner(`export default async ({ request, send }) => {
  const answer = await send({ ...request, headers: { ...request.headers, 'X-Extra': 'yes' } });
  return { ...answer, headers: { 'X-From-Script': request.headers['x-custom'] } };
}`, { language: 'javascript', file: 'script.js' });
    const send = recordingSend();
    const response = await script.run({ operationId: 'Op', request: scriptRequest({ headers: { 'X-Custom': 'v' } }), send });
    assert.equal(send.calls[0]?.headers['x-extra'], 'yes');
    assert.deepEqual(response.headers, { 'x-from-script': 'v' });
  });

  it('lets a script make several backend calls, in parallel too', async () => {
    const script = await runner(`export default async ({ request, send }) => {
  const me = JSON.parse((await send({ method: 'GET', url: 'https://api.example.com/users/me', headers: request.headers })).body);
  const [a, b] = await Promise.all([send({ ...request, url: request.url + '?org=' + me.org + '&n=1' }), send({ ...request, url: request.url + '?org=' + me.org + '&n=2' })]);
  return { status: 200, body: [a.status, b.status] };
}`, { language: 'javascript', file: 'script.js' });
    const send = recordingSend(async (request) => {
      if (request.url.endsWith('/me')) return { status: 200, headers: {}, body: '{"org":"o1"}' };
      // Answer the second call first.
      if (request.url.endsWith('n=1')) await new Promise((resolve) => setImmediate(resolve));
      return { status: request.url.endsWith('n=1') ? 201 : 202, headers: {}, body: null };
    });
    const response = await script.run({ operationId: 'Op', request: scriptRequest(), send });
    assert.equal(response.body, '[201,202]');
    assert.deepEqual(send.calls.map((call) => call.url), ['https://api.example.com/users/me', 'https://api.example.com/v1/items?org=o1&n=1', 'https://api.example.com/v1/items?org=o1&n=2']);
  });

  it('passes the time left in the invocation to send', async () => {
    const clock = createManualClock();
    const script = await runner('export default async ({ request, send }) => send(request)', { clock, totalTimeoutMs: 30_000 });
    const send = recordingSend();
    await script.run({ operationId: 'Op', request: scriptRequest(), send });
    assert.equal(send.options[0]?.timeoutMs, 30_000);
  });
});

describe('script runner: loading errors', () => {
  it('reports a TypeScript syntax error with the file, line and column', async () => {
    const error = await failsWith(runner('const a = 1;\nexport default async function () {\n  const b: number = 2 +;\n}\n'), 'CustomCodeInvalid');
    assert.equal(error.kind, 'user');
    assert.match(error.message, /script\.ts line 3, column 24/);
    assert.deepEqual({ line: error.details?.['line'], column: error.details?.['column'] }, { line: 3, column: 24 });
  });

  it('refuses TypeScript that needs a transform, saying what to write instead', async () => {
    const error = await failsWith(runner('enum Colour { Red }\nexport default async () => ({ status: 200 })'), 'CustomCodeInvalid');
    assert.match(error.message, /enum/);
    assert.match(error.message, /line 1/);
    assert.match(error.message, /replace enums with objects/);
  });

  it('reports a JavaScript syntax error with its line', async () => {
    const error = await failsWith(runner('export default async function () {\n  return {\n    status: 200,,\n  };\n}', { language: 'javascript', file: 'script.js' }), 'CustomCodeInvalid');
    assert.match(error.message, /script\.js line 3/);
    assert.equal(error.details?.['line'], 3);
  });

  it('refuses a script without a default export function, naming the hook to write', async () => {
    const error = await failsWith(runner('export async function run() { return { status: 200 } }'), 'CustomCodeInvalid');
    assert.match(error.message, /no default export function/);
    assert.match(error.message, /export default async function \(\{ operationId, request, send \}\)/);
  });

  it('refuses a script that imports a module', async () => {
    const error = await failsWith(runner('import { readFileSync } from "node:fs";\nexport default async () => ({ status: 200, body: String(readFileSync) })'), 'CustomCodeInvalid');
    assert.match(error.message, /cannot import modules \("node:fs"\)/);
  });

  it('refuses a script whose top-level code throws, with the line', async () => {
    const error = await failsWith(runner('const config = JSON.parse("{oops");\nexport default async () => ({ status: 200 })'), 'CustomCodeInvalid');
    assert.match(error.message, /SyntaxError/);
    assert.match(error.message, /line 1/);
  });
});

describe('script runner: failures while handling a call', () => {
  it('turns an error the script throws into CustomCodeFailed with the script line and no host stack', async () => {
    const script = await runner('export default async function ({ request }) {\n  const body = JSON.parse(request.body);\n  if (!body.id) {\n    throw new Error("id is required");\n  }\n}', { language: 'javascript', file: 'script.js' });
    const error = await failsWith(script.run({ operationId: 'GetItem', request: scriptRequest(), send: recordingSend() }), 'CustomCodeFailed');
    assert.equal(error.kind, 'operational');
    assert.equal(error.retryable, false);
    assert.match(error.message, /^custom code `script\.js` \(operation `GetItem`\) failed at script\.js line 4, column \d+: id is required$/);
    assert.doesNotMatch(error.message, /node:|\/work\/|sandbox-invocation|wasm/);
    assert.equal(error.details?.['operationId'], 'GetItem');
  });

  it('reports a TypeError from the script with its name', async () => {
    const script = await runner('export default async function () {\n  const x: { y: number } | null = null;\n  return { status: 200, body: String(x!.y) };\n}');
    const error = await failsWith(script.run({ operationId: 'Op', request: scriptRequest(), send: recordingSend() }), 'CustomCodeFailed');
    assert.match(error.message, /line 3.*TypeError: cannot read property 'y' of null/);
  });

  it('reports a thrown non-Error value', async () => {
    const script = await runner('export default async () => { throw "plain text" }');
    const error = await failsWith(script.run({ operationId: 'Op', request: scriptRequest(), send: recordingSend() }), 'CustomCodeFailed');
    assert.match(error.message, /plain text/);
  });

  it('checks the returned response: a missing status is a CustomCodeFailed that says what to return', async () => {
    const script = await runner('export default async () => ({ body: "x" })');
    const error = await failsWith(script.run({ operationId: 'Op', request: scriptRequest(), send: recordingSend() }), 'CustomCodeFailed');
    assert.match(error.message, /`status` must be an integer HTTP status from 200 to 599/);
    const nothing = await runner('export default async () => {}');
    const empty = await failsWith(nothing.run({ operationId: 'Op', request: scriptRequest(), send: recordingSend() }), 'CustomCodeFailed');
    assert.match(empty.message, /returned nothing — return `await send\(request\)`/);
  });

  it('refuses a header value with a line break (header injection)', async () => {
    const script = await runner('export default async () => ({ status: 200, headers: { "x-a": "1\\r\\nset-cookie: a=b" } })');
    const error = await failsWith(script.run({ operationId: 'Op', request: scriptRequest(), send: recordingSend() }), 'CustomCodeFailed');
    assert.match(error.message, /line break/);
  });

  it('hands an invalid send() request back to the script as a TypeError it can catch', async () => {
    const script = await runner(`export default async ({ send }) => {
  try { await send({ method: 'GET', url: '/relative' }); } catch (e) { return { status: 200, body: e.name + ': ' + e.message }; }
}`);
    const send = recordingSend();
    const response = await script.run({ operationId: 'Op', request: scriptRequest(), send });
    assert.match(response.body ?? '', /^TypeError: send\(request\): `url` "\/relative" is not an absolute URL/);
    assert.equal(send.calls.length, 0);
  });

  it('keeps the gateway error when a send() failure is not caught by the script', async () => {
    const refused = new PlugboardError('egress refused 169.254.169.254: link-local address', { code: 'EgressBlocked', kind: 'forbidden' });
    const script = await runner('export default async ({ request, send }) => send(request)');
    const send = async () => Promise.reject(refused);
    await assert.rejects(script.run({ operationId: 'Op', request: scriptRequest(), send }), (error) => error === refused);
  });

  it('lets a script catch a send() failure and answer itself, seeing the error code', async () => {
    const script = await runner(`export default async ({ request, send }) => {
  try { return await send(request); } catch (e) { return { status: 502, body: { code: e.code, name: e.name, message: e.message } }; }
}`);
    const send = async () => Promise.reject(new PlugboardError('backend timed out after 30000 ms', { code: 'EgressTimeout', kind: 'operational' }));
    const response = await script.run({ operationId: 'Op', request: scriptRequest(), send });
    assert.equal(response.status, 502);
    assert.deepEqual(JSON.parse(response.body ?? ''), { code: 'EgressTimeout', name: 'SendError', message: 'send() failed: backend timed out after 30000 ms' });
  });

  it('stops a script that calls send() more than maxSendCalls times, even if it catches the error', async () => {
    const script = await runner(`export default async ({ request, send }) => {
  for (let i = 0; i < 10; i++) { try { await send(request); } catch (e) { /* ignore */ } }
  return { status: 200 };
}`, { maxSendCalls: 3 });
    const send = recordingSend();
    const error = await failsWith(script.run({ operationId: 'Op', request: scriptRequest(), send }), 'CustomCodeLimitExceeded');
    assert.match(error.message, /more than 3 times/);
    assert.equal(send.calls.length, 3);
  });

  it('refuses bodies over maxBodyBytes on every crossing', async () => {
    const echo = await runner('export default async ({ request, send }) => send(request)', { maxBodyBytes: 1000 });
    const bigRequest = await failsWith(echo.run({ operationId: 'Op', request: scriptRequest({ body: 'x'.repeat(1001) }), send: recordingSend() }), 'CustomCodeLimitExceeded');
    assert.match(bigRequest.message, /request has a body of 1001 bytes/);
    const bigAnswer = await failsWith(echo.run({ operationId: 'Op', request: scriptRequest(), send: recordingSend(() => ({ status: 200, headers: {}, body: 'é'.repeat(501) })) }), 'CustomCodeLimitExceeded');
    assert.match(bigAnswer.message, /answer to send\(\) has a body of 1002 bytes/);
    const grow = await runner('export default async () => ({ status: 200, body: "y".repeat(5000) })', { maxBodyBytes: 1000 });
    const bigResponse = await failsWith(grow.run({ operationId: 'Op', request: scriptRequest(), send: recordingSend() }), 'CustomCodeLimitExceeded');
    assert.match(bigResponse.message, /returned response has a body of 5000 bytes/);
    const sendBig = await runner('export default async ({ request, send }) => send({ ...request, body: "z".repeat(5000) })', { maxBodyBytes: 1000 });
    await failsWith(sendBig.run({ operationId: 'Op', request: scriptRequest(), send: recordingSend() }), 'CustomCodeLimitExceeded');
  });

  it('cancels the backend calls still in flight when the script fails', async () => {
    const script = await runner('export default async ({ request, send }) => { send(request); await null; throw new Error("gave up"); }');
    const signals: AbortSignal[] = [];
    const send = (_request: unknown, options: { signal: AbortSignal }) => {
      signals.push(options.signal);
      return new Promise<never>(() => undefined);
    };
    await failsWith(script.run({ operationId: 'Op', request: scriptRequest(), send }), 'CustomCodeFailed');
    assert.equal(signals.length, 1);
    assert.equal(signals[0]?.aborted, true);
  });

  it('stops waiting for send() when the caller cancels', async () => {
    const script = await runner('export default async ({ request, send }) => send(request)');
    const controller = new AbortController();
    let started!: () => void;
    let sendSignal: AbortSignal | undefined;
    const sendStarted = new Promise<void>((resolve) => (started = resolve));
    const pending = script.run({
      operationId: 'Op',
      request: scriptRequest(),
      signal: controller.signal,
      send: (_request, options) => {
        sendSignal = options.signal;
        started();
        return new Promise(() => undefined);
      },
    });
    await sendStarted;
    assert.equal(sendSignal?.aborted, false);
    controller.abort();
    const error = await failsWith(pending, 'CustomCodeAborted');
    assert.equal(error.retryable, true);
    assert.equal(sendSignal?.aborted, true, 'the backend call is cancelled too');
  });
});

describe('script runner: console and secrets', () => {
  it('sends console output to the logger, masking credential headers and bounding the volume', async () => {
    const logger = memoryLogger();
    const script = await runner(`export default async ({ request }) => {
  console.log('auth is', request.headers.authorization, { key: request.headers['x-api-key'] });
  console.warn('x'.repeat(5000));
  for (let i = 0; i < 200; i++) console.info('line', i);
  return { status: 200 };
}`, { logger });
    await script.run({ operationId: 'Op', request: scriptRequest({ headers: { authorization: 'Bearer tok-123456789', 'x-api-key': 'key-abcdefgh' } }), send: recordingSend() });
    assert.equal(logger.lines[0]?.message, 'custom code: auth is *** {"key":"***"}');
    assert.deepEqual(logger.lines[0]?.fields, { file: 'script.ts', operationId: 'Op' });
    assert.equal(logger.lines[1]?.level, 'warn');
    assert.ok((logger.lines[1]?.message.length ?? 0) < 2100);
    assert.equal(logger.lines.length, 101, '100 lines, then one warning that the rest is dropped');
    assert.match(logger.lines[100]?.message ?? '', /more than 100 console lines/);
    assert.ok(!JSON.stringify(logger.lines).includes('tok-123456789'));
  });

  it('masks a credential that a script puts in its error message', async () => {
    const script = await runner('export default async ({ request }) => { throw new Error("bad token " + request.headers.authorization.slice(7)); }');
    const error = await failsWith(
      script.run({ operationId: 'Op', request: scriptRequest({ headers: { authorization: 'Bearer s3cr3t-value-xyz' } }), send: recordingSend(), secrets: ['another-secret'] }),
      'CustomCodeFailed',
    );
    assert.doesNotMatch(error.message, /s3cr3t-value-xyz/);
    assert.match(error.message, /bad token \*\*\*/);
  });
});

describe('script runner: limits', () => {
  it('stops an endless loop with CustomCodeTimeout', async () => {
    const script = await runner('export default async () => { while (true) {} }', { timeoutMs: 200 });
    const error = await failsWith(script.run({ operationId: 'Spin', request: scriptRequest(), send: recordingSend() }), 'CustomCodeTimeout');
    assert.match(error.message, /ran for more than 200 ms of its own execution/);
    assert.equal(error.details?.['limit'], 'execution');
  });

  it('does not let try/catch or finally swallow the timeout', async () => {
    const script = await runner('export default async () => { for (;;) { try { while (true) {} } catch (e) { } finally { continue; } } }', { timeoutMs: 200 });
    await failsWith(script.run({ operationId: 'Op', request: scriptRequest(), send: recordingSend() }), 'CustomCodeTimeout');
  });

  it('stops catastrophic regular-expression backtracking', async () => {
    const script = await runner('export default async () => ({ status: 200, body: String(/^(a+)+$/.test("a".repeat(40) + "b")) })', { timeoutMs: 200 });
    await failsWith(script.run({ operationId: 'Op', request: scriptRequest(), send: recordingSend() }), 'CustomCodeTimeout');
  });

  it('stops an endless loop in top-level code when the runner is created', async () => {
    await failsWith(runner('while (true) {}\nexport default async () => ({ status: 200 })', { timeoutMs: 200 }), 'CustomCodeTimeout');
  });

  it('counts only the script’s own execution, not the time awaiting send()', async () => {
    const clock = createManualClock();
    const script = await runner('export default async ({ request, send }) => { await send(request); return send(request); }', { clock, timeoutMs: 200, totalTimeoutMs: 60_000 });
    const send = recordingSend((request) => {
      clock.advance(10_000);
      return { status: 200, headers: {}, body: request.body };
    });
    const response = await script.run({ operationId: 'Op', request: scriptRequest(), send });
    assert.equal(response.status, 200);
    assert.deepEqual(send.options.map((options) => options.timeoutMs), [60_000, 50_000]);
  });

  it('bounds the whole invocation, send() waits included, by totalTimeoutMs', async () => {
    const clock = createManualClock();
    const script = await runner('export default async ({ request, send }) => { await send(request); return send(request); }', { clock, totalTimeoutMs: 15_000 });
    const send = recordingSend((request) => {
      clock.advance(16_000);
      return { status: 200, headers: {}, body: request.body };
    });
    const error = await failsWith(script.run({ operationId: 'Op', request: scriptRequest(), send }), 'CustomCodeTimeout');
    assert.equal(error.details?.['limit'], 'total');
    assert.equal(send.calls.length, 1);
  });

  it('fails a memory bomb with CustomCodeMemoryLimit', async () => {
    const script = await runner('export default async () => { const parts = []; while (true) parts.push("x".repeat(1 << 20) + parts.length); }');
    const error = await failsWith(script.run({ operationId: 'Op', request: scriptRequest(), send: recordingSend() }), 'CustomCodeMemoryLimit');
    assert.match(error.message, /at most 64 MiB/);
  });

  it('fails one huge allocation with CustomCodeMemoryLimit under a smaller limit', async () => {
    const script = await runner('export default async () => ({ status: 200, body: String(new ArrayBuffer(20 * 1024 * 1024).byteLength) })', { memoryLimitBytes: 16 * 1024 * 1024 });
    const error = await failsWith(script.run({ operationId: 'Op', request: scriptRequest(), send: recordingSend() }), 'CustomCodeMemoryLimit');
    assert.match(error.message, /at most 16 MiB/);
  });

  it('fails runaway recursion with CustomCodeMemoryLimit, and the next call works', async () => {
    const script = await runner('function down(n: number): number { return down(n + 1) + 1; }\nexport default async ({ request }) => ({ status: 200, body: request.body === "deep" ? String(down(0)) : "fine" })');
    const error = await failsWith(script.run({ operationId: 'Op', request: scriptRequest({ body: 'deep' }), send: recordingSend() }), 'CustomCodeMemoryLimit');
    assert.match(error.message, /stack/);
    const response = await script.run({ operationId: 'Op', request: scriptRequest({ body: 'shallow' }), send: recordingSend() });
    assert.equal(response.body, 'fine');
  });

  it('fails deeply nested data (JSON.stringify of a 100000-level array) without harming the host', async () => {
    const script = await runner('export default async () => { let a: unknown[] = []; for (let i = 0; i < 100000; i++) a = [a]; return { status: 200, body: JSON.stringify(a) }; }');
    const error = await failsWith(script.run({ operationId: 'Op', request: scriptRequest(), send: recordingSend() }), 'CustomCodeMemoryLimit');
    assert.equal(error.details?.['limit'], 'stack');
  });

  it('contains code so deeply nested that the host stack overflows, and keeps serving other calls', async () => {
    const script = await runner('export default async () => { try { eval("(".repeat(50000) + "1" + ")".repeat(50000)); } catch (e) { } return { status: 200 }; }');
    const error = await script.run({ operationId: 'Op', request: scriptRequest(), send: recordingSend() }).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    // QuickJS may catch this itself (a SyntaxError the script swallows) or V8's stack overflows first; either way the process lives on.
    if (error !== undefined) {
      assert.ok(error instanceof PlugboardError);
      assert.ok(['CustomCodeMemoryLimit', 'CustomCodeCrashed'].includes(error.code), error.message);
    }
    const next = await runner('export default async () => ({ status: 204 })');
    assert.equal((await next.run({ operationId: 'Op', request: scriptRequest(), send: recordingSend() })).status, 204);
  });

  it('fails at once when the script awaits a promise that can never settle', async () => {
    const script = await runner('export default async () => { await new Promise(() => {}); return { status: 200 }; }');
    const error = await failsWith(script.run({ operationId: 'Op', request: scriptRequest(), send: recordingSend() }), 'CustomCodeFailed');
    assert.match(error.message, /can never settle/);
  });
});

describe('script runner: isolation', () => {
  it('gives every call a fresh sandbox: globals and prototypes set by one call are gone in the next', async () => {
    const script = await runner(`export default async () => {
  const seen = [globalThis.counter ?? 'none', Object.prototype.polluted ?? 'none', typeof JSON.stringify];
  globalThis.counter = 1;
  Object.prototype.polluted = 'yes';
  JSON.stringify = () => 'hijacked';
  return { status: 200, body: seen.join(',') };
}`, { language: 'javascript', file: 'script.js' });
    const first = await script.run({ operationId: 'Op', request: scriptRequest(), send: recordingSend() });
    const second = await script.run({ operationId: 'Op', request: scriptRequest(), send: recordingSend() });
    assert.equal(first.body, 'none,none,function');
    assert.equal(second.body, 'none,none,function');
  });

  it('runs concurrent calls without mixing their state', async () => {
    const script = await runner(`let calls = 0;
export default async ({ request, send }) => {
  calls += 1;
  const answer = await send(request);
  return { status: 200, body: request.body + ':' + answer.body + ':' + calls };
}`, { language: 'javascript', file: 'script.js' });
    const send = recordingSend(async (request) => {
      await new Promise((resolve) => setTimeout(resolve, Number(request.body) % 5));
      return { status: 200, headers: {}, body: `echo-${request.body}` };
    });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => script.run({ operationId: 'Op', request: scriptRequest({ body: String(i) }), send })));
    assert.deepEqual(results.map((result) => result.body), Array.from({ length: 20 }, (_, i) => `${i}:echo-${i}:1`));
  });

  it('offers no host access: process, require, fetch, import(), Function constructors and the host functions are out of reach', async () => {
    process.env['PLUGBOARD_SANDBOX_CANARY'] = 'canary-7f3a9e';
    try {
      const script = await runner(`
const probes = {
  process: () => typeof process,
  require: () => typeof require,
  fetch: () => typeof globalThis.fetch,
  XMLHttpRequest: () => typeof XMLHttpRequest,
  WebSocket: () => typeof WebSocket,
  setTimeout: () => typeof setTimeout,
  Deno: () => typeof Deno,
  Bun: () => typeof Bun,
  std: () => typeof std,
  os: () => typeof os,
  WebAssembly: () => typeof WebAssembly,
  Atomics: () => typeof Atomics,
  functionThis: () => typeof Function('return this')().process,
  constructorChain: () => typeof ({}).constructor.constructor('return process')(),
  arrowConstructor: () => typeof (() => 0).constructor('return globalThis.process')(),
  asyncFunctionConstructor: () => typeof (async () => 0).constructor('return process'),
  generatorConstructor: () => typeof Object.getPrototypeOf(function* () {}).constructor('return this')().require,
  templateKey: () => typeof ({})[\`constructor\`][\`constructor\`]('return this')().process,
  arrayConstructor: () => typeof Array.constructor('return process')(),
  errorStack: () => { const e = new Error('x'); return typeof e.stack === 'string' && !/node:|\\/work\\//.test(e.stack) ? 'guest-only' : 'host'; },
  prepareStackTrace: () => { Error.prepareStackTrace = (e, frames) => frames; const s = new Error('x').stack; return typeof s; },
  hostSendOnGlobal: () => typeof globalThis.send + '/' + typeof globalThis.hostSend + '/' + typeof globalThis.log,
  consoleReach: () => typeof console.log.constructor('return process')(),
  reflect: () => Reflect.ownKeys(globalThis).filter((k) => typeof k === 'string' && /^(process|require|module|exports|Buffer|global|__dirname)$/.test(k)).join('|') || 'none',
  env: () => JSON.stringify(globalThis).includes('canary') ? 'leak' : 'clean',
};
export default async () => {
  const results = {};
  for (const [name, probe] of Object.entries(probes)) {
    try { results[name] = probe(); } catch (e) { results[name] = 'threw ' + e.name; }
  }
  try { await import('fs'); results.dynamicImport = 'imported'; } catch (e) { results.dynamicImport = 'threw ' + e.name; }
  try { await import('node:child_process'); results.childProcess = 'imported'; } catch (e) { results.childProcess = 'threw ' + e.name; }
  return { status: 200, body: results };
}`, { language: 'javascript', file: 'script.js' });
      const response = await script.run({ operationId: 'Op', request: scriptRequest(), send: recordingSend() });
      const results = JSON.parse(response.body ?? '{}') as Record<string, string>;
      assert.deepEqual(results, {
        process: 'undefined',
        require: 'undefined',
        fetch: 'undefined',
        XMLHttpRequest: 'undefined',
        WebSocket: 'undefined',
        setTimeout: 'undefined',
        Deno: 'undefined',
        Bun: 'undefined',
        std: 'undefined',
        os: 'undefined',
        WebAssembly: 'undefined',
        Atomics: 'undefined',
        functionThis: 'undefined',
        constructorChain: 'threw ReferenceError',
        arrowConstructor: 'undefined',
        asyncFunctionConstructor: 'function',
        generatorConstructor: 'undefined',
        templateKey: 'undefined',
        arrayConstructor: 'threw ReferenceError',
        errorStack: 'guest-only',
        prepareStackTrace: 'string',
        hostSendOnGlobal: 'undefined/undefined/undefined',
        consoleReach: 'threw ReferenceError',
        reflect: 'none',
        env: 'clean',
        dynamicImport: 'threw Error',
        childProcess: 'threw Error',
      });
      assert.ok(!(response.body ?? '').includes('canary-7f3a9e'));
    } finally {
      delete process.env['PLUGBOARD_SANDBOX_CANARY'];
    }
  });

  it('hands the host only data: a response with a looping getter is stopped inside the sandbox', async () => {
    const script = await runner('export default async () => ({ get status() { for (;;) {} } })', { timeoutMs: 200 });
    await failsWith(script.run({ operationId: 'Op', request: scriptRequest(), send: recordingSend() }), 'CustomCodeTimeout');
    const getters = await runner('export default async () => ({ get status() { return 201 }, headers: { get "x-a"() { return "v" } } })');
    assert.deepEqual(await getters.run({ operationId: 'Op', request: scriptRequest(), send: recordingSend() }), { status: 201, headers: { 'x-a': 'v' }, body: null });
  });

  it('round-trips any JSON data through the sandbox boundary unchanged', async () => {
    const script = await runner('export default async ({ request }) => ({ status: 200, body: JSON.parse(request.body).value })', { language: 'javascript', file: 'script.js' });
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (value) => {
        const response = await script.run({ operationId: 'Op', request: scriptRequest({ body: JSON.stringify({ value }) }), send: recordingSend() });
        const expected = value === null ? null : typeof value === 'string' ? value : JSON.stringify(value);
        assert.equal(response.body, expected);
      }),
      { numRuns: 100 },
    );
  });

  it('exposes only the standard QuickJS globals and the documented helpers', async () => {
    const script = await runner('export default async () => ({ status: 200, body: Object.getOwnPropertyNames(globalThis).sort() })');
    const response = await script.run({ operationId: 'Op', request: scriptRequest(), send: recordingSend() });
    const names = JSON.parse(response.body ?? '[]') as string[];
    const standard = [
      'AggregateError', 'Array', 'ArrayBuffer', 'BigInt', 'BigInt64Array', 'BigUint64Array', 'Boolean', 'DataView', 'Date', 'Error', 'EvalError',
      'FinalizationRegistry', 'Float16Array', 'Float32Array', 'Float64Array', 'Function', 'Infinity', 'Int16Array', 'Int32Array', 'Int8Array',
      'InternalError', 'Iterator', 'JSON', 'Map', 'Math', 'NaN', 'Number', 'Object', 'Promise', 'Proxy', 'RangeError', 'ReferenceError', 'Reflect',
      'RegExp', 'Set', 'SharedArrayBuffer', 'String', 'Symbol', 'SyntaxError', 'TypeError', 'URIError', 'Uint16Array', 'Uint32Array', 'Uint8Array',
      'Uint8ClampedArray', 'WeakMap', 'WeakRef', 'WeakSet', 'decodeURI', 'decodeURIComponent', 'encodeURI', 'encodeURIComponent', 'escape', 'eval',
      'globalThis', 'isFinite', 'isNaN', 'parseFloat', 'parseInt', 'undefined', 'unescape',
    ];
    const helpers = ['TextDecoder', 'TextEncoder', 'URLSearchParams', 'atob', 'btoa', 'console'];
    assert.deepEqual(names, [...standard, ...helpers].sort());
  });
});
