/** Test helpers for the custom-code sandbox: fixture scripts, a recording send(), a memory logger. */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Logger } from '../../src/core/index.ts';
import type { ScriptRequest, ScriptResponse, ScriptSend, ScriptSendOptions } from '../../src/gateway/script/index.ts';

/** test/fixtures/script. */
export const SCRIPT_FIXTURES = resolve(import.meta.dirname, '../fixtures/script');

/** The text of a fixture script. */
export function fixtureScript(name: string): string {
  return readFileSync(join(SCRIPT_FIXTURES, name), 'utf8');
}

/** A request as the gateway would hand it to a script. */
export function scriptRequest(overrides: Partial<ScriptRequest> = {}): ScriptRequest {
  return { method: 'POST', url: 'https://api.example.com/v1/items', headers: { 'content-type': 'application/json' }, body: '{}', ...overrides };
}

/** A send() that records each call and answers with `answer(request)` (default: 200 echoing the body). */
export function recordingSend(
  answer?: (request: ScriptRequest) => ScriptResponse | Promise<ScriptResponse>,
): ((request: ScriptRequest, options?: ScriptSendOptions) => Promise<ScriptResponse>) & { calls: ScriptRequest[]; options: ScriptSendOptions[] } {
  const calls: ScriptRequest[] = [];
  const options: ScriptSendOptions[] = [];
  // `options` is optional so the same recorder also fits the gateway's one-argument send port.
  const send = async (request: ScriptRequest, sendOptions?: ScriptSendOptions): Promise<ScriptResponse> => {
    calls.push(request);
    if (sendOptions !== undefined) options.push(sendOptions);
    if (answer !== undefined) return answer(request);
    return { status: 200, headers: { 'content-type': 'application/json' }, body: request.body };
  };
  return Object.assign(send, { calls, options });
}

/** One logged line. */
export interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields: Readonly<Record<string, unknown>> | undefined;
}

/** A logger that keeps every line. */
export function memoryLogger(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: LogLine['level']) => (message: string, fields?: Readonly<Record<string, unknown>>) => void lines.push({ level, message, fields });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** A send() that never answers (to test waiting, cancelling and abandoning calls). */
export const hangingSend: ScriptSend = () => new Promise<ScriptResponse>(() => undefined);
