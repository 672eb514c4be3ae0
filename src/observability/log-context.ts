/**
 * Structured logs with context: the core `Logger` port over pino (JSON lines), and loggers bound
 * to a flow, a run and an action so every line they write carries those ids. Ids belong in logs,
 * never in metric labels.
 */
import type { Logger } from '../core/index.ts';

/** The ids a log line can be bound to. */
export interface LogBindings {
  readonly flowId?: string;
  readonly runId?: string;
  /** The action's name in the definition. */
  readonly action?: string;
  /** The action's type (`Http`, `OpenApiConnection`…). */
  readonly actionType?: string;
  /** The loop iteration the action ran in (`''` outside loops). */
  readonly iterationKey?: string;
  readonly trigger?: string;
  readonly jobId?: string;
}

/** The part of a pino logger this adapter uses (Fastify's `app.log` and `pino()` both fit). */
export interface PinoLike {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
  child(bindings: Record<string, unknown>): PinoLike;
}

/** The core Logger over pino: `logger.info(message, fields)` becomes `pino.info(fields, message)`. */
export function createPinoLogger(pino: PinoLike): Logger {
  return {
    debug: (message, fields) => pino.debug({ ...fields }, message),
    info: (message, fields) => pino.info({ ...fields }, message),
    warn: (message, fields) => pino.warn({ ...fields }, message),
    error: (message, fields) => pino.error({ ...fields }, message),
    child: (bindings) => createPinoLogger(pino.child({ ...bindings })),
  };
}

/**
 * A logger whose lines carry `bindings` (undefined members are left out): pino's child logger
 * where the logger has `child`, else a wrapper that adds them to each line's fields.
 */
export function bindLogger(logger: Logger, bindings: LogBindings): Logger {
  const defined: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(bindings)) if (value !== undefined) defined[name] = value;
  return logger.child !== undefined ? logger.child(defined) : withFields(logger, defined);
}

/** A logger without `child`, made to add `bindings` to each line (a line's own fields win). */
function withFields(logger: Logger, bindings: Readonly<Record<string, unknown>>): Logger {
  const merged = (fields: Readonly<Record<string, unknown>> | undefined): Readonly<Record<string, unknown>> => ({ ...bindings, ...fields });
  return {
    debug: (message, fields) => logger.debug(message, merged(fields)),
    info: (message, fields) => logger.info(message, merged(fields)),
    warn: (message, fields) => logger.warn(message, merged(fields)),
    error: (message, fields) => logger.error(message, merged(fields)),
    child: (more) => withFields(logger, { ...bindings, ...more }),
  };
}
