/** Test kit: assertions over parse results shared by the JSON and YAML parse tests. */
import assert from 'node:assert/strict';
import type { Issue } from '../../src/core/index.ts';

/** A parse result, as far as these assertions need it. */
interface ParseResult {
  readonly ok: boolean;
  readonly value: unknown;
  readonly issues: readonly Issue[];
}

/** The one error of a failed parse; fails unless the parse failed with exactly one error. */
export function theError(result: ParseResult, options: { located?: boolean } = {}): Issue {
  assert.equal(result.ok, false, 'expected the parse to fail');
  assert.equal(result.value, undefined);
  const errors = result.issues.filter((i) => i.severity === 'error');
  assert.equal(errors.length, 1, `expected exactly one error, got ${JSON.stringify(result.issues)}`);
  const [error] = errors;
  assert.ok(error !== undefined);
  if (options.located === true) {
    assert.equal(typeof error.line, 'number');
    assert.equal(typeof error.column, 'number');
  }
  return error;
}
