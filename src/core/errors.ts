/**
 * One error base class for the whole product. Every error a user can see carries a stable `code`,
 * a `kind` (whose fault it is) and a `retryable` flag; the server maps kinds to HTTP statuses in
 * exactly one place.
 */

/** Whose fault an error is: the caller's input, the environment (network, database), or a bug. */
export type ErrorKind = 'user' | 'not-found' | 'conflict' | 'unauthorized' | 'forbidden' | 'operational' | 'unexpected';

/** Options for {@link PlugboardError}. */
export interface PlugboardErrorOptions {
  /** Stable machine-readable code, e.g. `ConnectorNotFound`. */
  readonly code: string;
  readonly kind?: ErrorKind;
  readonly retryable?: boolean;
  /** Extra, non-secret data for API responses (e.g. the issues of a failed validation). */
  readonly details?: Readonly<Record<string, unknown>>;
  readonly cause?: unknown;
}

/** The base class of every error Plugboard raises on purpose. */
export class PlugboardError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly retryable: boolean;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(message: string, options: PlugboardErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PlugboardError';
    this.code = options.code;
    this.kind = options.kind ?? 'unexpected';
    this.retryable = options.retryable ?? false;
    this.details = options.details;
  }
}

/** The caller gave something wrong; the message says what and how to fix it. */
export class UserInputError extends PlugboardError {
  constructor(message: string, options: Omit<PlugboardErrorOptions, 'kind'>) {
    super(message, { ...options, kind: 'user' });
    this.name = 'UserInputError';
  }
}

/** A named thing does not exist (or the caller may not know that it does). */
export class NotFoundError extends PlugboardError {
  constructor(message: string, options: Omit<PlugboardErrorOptions, 'kind'>) {
    super(message, { ...options, kind: 'not-found' });
    this.name = 'NotFoundError';
  }
}

/** The request conflicts with the current state (e.g. a name already taken). */
export class ConflictError extends PlugboardError {
  constructor(message: string, options: Omit<PlugboardErrorOptions, 'kind'>) {
    super(message, { ...options, kind: 'conflict' });
    this.name = 'ConflictError';
  }
}

/** True when `value` is a {@link PlugboardError}. */
export function isPlugboardError(value: unknown): value is PlugboardError {
  return value instanceof PlugboardError;
}

/** The message of any thrown value, without its stack. */
export function errorMessage(value: unknown): string {
  if (value instanceof Error) return value.message;
  return String(value);
}
