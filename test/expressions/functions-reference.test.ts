/**
 * The functions reference as a case table: every documented function and example, with the
 * reference's errors corrected (each correction has a `note`). See
 * test/fixtures/expressions/functions-reference.json.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, test } from 'node:test';
import { WORKFLOW_FUNCTION_FAMILIES, WORKFLOW_FUNCTION_NAMES, evaluateExpression } from '../../src/expressions/index.ts';
import type { ExpressionContext } from '../../src/expressions/index.ts';
import { isPlugboardError } from '../../src/core/index.ts';

interface ReferenceCase {
  readonly function: string;
  readonly expression: string;
  readonly context?: ExpressionContext;
  readonly expected?: unknown;
  readonly expectedError?: { readonly code: string; readonly reason?: string };
  readonly expectedBigInt?: string;
  readonly expectedPattern?: string;
  readonly expectedOneOf?: readonly unknown[];
  readonly source: 'docs example' | 'derived';
  readonly note?: string;
}

const FIXTURE = resolve(import.meta.dirname, '..', 'fixtures', 'expressions', 'functions-reference.json');
const { cases } = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { readonly cases: readonly ReferenceCase[] };

/** Runs one case; returns nothing, throws an assertion error on a mismatch. */
function check(entry: ReferenceCase): void {
  const run = () => evaluateExpression(entry.expression, entry.context ?? {});
  if (entry.expectedError !== undefined) {
    const expected = entry.expectedError;
    assert.throws(run, (error: unknown) => {
      assert.ok(isPlugboardError(error), `expected a PlugboardError, got ${String(error)}`);
      assert.equal(error.code, expected.code, error.message);
      if (expected.reason !== undefined) assert.equal(error.details?.reason, expected.reason, error.message);
      return true;
    });
    return;
  }
  const actual = run();
  if (entry.expectedBigInt !== undefined) {
    assert.equal(typeof actual === 'bigint' ? actual : BigInt(Number(actual)), BigInt(entry.expectedBigInt));
    assert.equal(typeof actual, 'bigint', 'integers beyond 2^53 are returned as bigints');
  } else if (entry.expectedPattern !== undefined) {
    assert.equal(typeof actual, 'string');
    assert.match(String(actual), new RegExp(entry.expectedPattern));
  } else if (entry.expectedOneOf !== undefined) {
    assert.ok(entry.expectedOneOf.some((candidate) => candidate === actual), `${String(actual)} is not one of ${entry.expectedOneOf.join(', ')}`);
  } else {
    assert.deepEqual(actual, entry.expected);
  }
}

describe('functions reference case table', () => {
  test('covers each of the 127 documented functions with at least one case, and nothing else', () => {
    assert.equal(WORKFLOW_FUNCTION_NAMES.length, 127);
    const covered = new Set(cases.map((entry) => entry.function));
    assert.deepEqual(WORKFLOW_FUNCTION_NAMES.filter((name) => !covered.has(name)), []);
    assert.deepEqual([...covered].filter((name) => !WORKFLOW_FUNCTION_NAMES.includes(name)), []);
  });

  for (const [family, names] of Object.entries(WORKFLOW_FUNCTION_FAMILIES)) {
    describe(family, () => {
      for (const entry of cases.filter((candidate) => names.includes(candidate.function))) {
        test(`${entry.function}: ${entry.expression}${entry.source === 'derived' ? ' (derived)' : ''}`, () => check(entry));
      }
    });
  }
});
