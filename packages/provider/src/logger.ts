/** Pino-compatible logger: pass a pino instance, `console`-like adapters, or nothing (silent). */
export interface Logger {
  debug(objectOrMessage: unknown, message?: string): void;
  info(objectOrMessage: unknown, message?: string): void;
  warn(objectOrMessage: unknown, message?: string): void;
  error(objectOrMessage: unknown, message?: string): void;
}

const noop = () => {};

/** The library default: libraries should not write to the console unless asked. */
export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };
