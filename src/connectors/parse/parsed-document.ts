import type { Issue } from '../../core/index.ts';

/** The outcome of parsing one file: the value, whether it is usable, and what was found on the way. */
export interface ParsedDocument {
  /** The parsed value; `undefined` when `ok` is false. */
  readonly value: unknown;
  /** True when the document parsed (possibly after repairs); false when exactly one error says why not. */
  readonly ok: boolean;
  /** Warnings for repairs made, and on failure the single error last. */
  readonly issues: Issue[];
}

/** A successful parse: the value and the (non-error) issues collected while parsing. */
export function parsedValue(value: unknown, issues: Issue[]): ParsedDocument {
  return { value, ok: true, issues };
}

/** A failed parse: the warnings collected so far, then the one error that stopped parsing. */
export function parseFailure(error: Issue, warnings: readonly Issue[] = []): ParsedDocument {
  return { value: undefined, ok: false, issues: [...warnings, error] };
}
