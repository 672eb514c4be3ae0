/** Log context: pino JSON lines carry the flow, run and action ids a logger was bound to. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { pino } from 'pino';
import type { Logger } from '../core/index.ts';
import { bindLogger, createPinoLogger } from './log-context.ts';

function collector(): { stream: { write(line: string): void }; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  return {
    stream: { write: (line) => void chunks.push(line) },
    lines: () => chunks.join('').split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe('log context', () => {
  test('a run logger and an action logger under it write JSON lines with flowId, runId and action', () => {
    const out = collector();
    const root = createPinoLogger(pino({ level: 'debug' }, out.stream));
    const run = bindLogger(root, { flowId: 'flow-1', runId: 'run-7' });
    run.info('run started', { trigger: 'Request' });
    bindLogger(run, { action: 'Get_items', actionType: 'OpenApiConnection' }).warn('action failed', { code: 'UpstreamError' });
    root.debug('no context');
    const [started, failed, plain] = out.lines();
    assert.equal(started?.['msg'], 'run started');
    assert.equal(started?.['flowId'], 'flow-1');
    assert.equal(started?.['runId'], 'run-7');
    assert.equal(started?.['trigger'], 'Request');
    assert.equal(started?.['level'], 30);
    assert.equal(failed?.['msg'], 'action failed');
    assert.deepEqual([failed?.['flowId'], failed?.['runId'], failed?.['action'], failed?.['actionType'], failed?.['code']], ['flow-1', 'run-7', 'Get_items', 'OpenApiConnection', 'UpstreamError']);
    assert.equal(failed?.['level'], 40);
    assert.equal(plain?.['msg'], 'no context');
    assert.equal(plain?.['runId'], undefined);
  });

  test('a logger without child() gets the bindings added to each line; undefined ids are left out', () => {
    const seen: { message: string; fields: Readonly<Record<string, unknown>> | undefined }[] = [];
    const plain: Logger = {
      debug: (message, fields) => seen.push({ message, fields }),
      info: (message, fields) => seen.push({ message, fields }),
      warn: (message, fields) => seen.push({ message, fields }),
      error: (message, fields) => seen.push({ message, fields }),
    };
    const run = bindLogger(plain, { flowId: 'f', runId: 'r', action: undefined });
    run.error('boom', { code: 'X' });
    bindLogger(run, { action: 'Compose_1' }).info('done');
    assert.deepEqual(seen, [
      { message: 'boom', fields: { flowId: 'f', runId: 'r', code: 'X' } },
      { message: 'done', fields: { flowId: 'f', runId: 'r', action: 'Compose_1' } },
    ]);
  });
});
