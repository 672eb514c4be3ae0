/**
 * Logging as a port. Areas log through this interface; the server wires it to pino. Callers must
 * never pass secret values in `fields`.
 */
export interface Logger {
  debug(message: string, fields?: Readonly<Record<string, unknown>>): void;
  info(message: string, fields?: Readonly<Record<string, unknown>>): void;
  warn(message: string, fields?: Readonly<Record<string, unknown>>): void;
  error(message: string, fields?: Readonly<Record<string, unknown>>): void;
  /**
   * A logger whose every line carries `bindings` too (pino's child loggers). Optional: where it is
   * missing, `bindLogger` in observability wraps the logger instead.
   */
  child?(bindings: Readonly<Record<string, unknown>>): Logger;
}

/** A logger that drops everything (library default). */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
