/**
 * Label values from names the caller does not fully control (action and trigger types come from
 * user-written definitions): anything that is not a short identifier, or looks like an id, becomes
 * {@link OVERFLOW_LABEL}, so a label never carries an id, a URL or free text.
 */
import { OVERFLOW_LABEL } from './metrics-registry.ts';

const NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
/** A UUID or a long hex / digit run: ids, not names. */
const ID_LIKE = /[0-9a-f]{8}-[0-9a-f]{4}|[0-9a-f]{16}|\d{6}/i;

/** `value` when it is a short name (letters first; letters, digits, `_ . -`), else `other`. */
export function boundedName(value: string): string {
  return NAME.test(value) && !ID_LIKE.test(value) ? value : OVERFLOW_LABEL;
}

/** An HTTP status (100–599) as text, else `error`. */
export function httpStatusLabel(status: number | 'error'): string {
  return typeof status === 'number' && Number.isInteger(status) && status >= 100 && status <= 599 ? String(status) : 'error';
}

/** Milliseconds → seconds; a negative or non-finite duration (a clock that went back) counts as 0. */
export function seconds(durationMs: number | undefined): number {
  return durationMs === undefined || !Number.isFinite(durationMs) || durationMs < 0 ? 0 : durationMs / 1000;
}
