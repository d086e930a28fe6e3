import { hasMethods } from './validate.js';

/**
 * The logging surface the runtime needs: the `warn`/`error` half of pino's API, so a pino (or
 * bunyan-style) logger can be passed as is. Errors are passed under `err`, pino's convention.
 */
export interface Logger {
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Default logger: one console line per event, prefixed so it can be grepped. */
export const consoleLogger: Logger = {
  warn(obj, msg) {
    console.warn(`[ghostguard] ${msg ?? ''}`, obj);
  },
  error(obj, msg) {
    console.error(`[ghostguard] ${msg ?? ''}`, obj);
  },
};

/**
 * Logs without ever throwing: a logger that fails inside a settle callback or a timer would turn
 * a handled condition into an uncaught exception, which is exactly what this package prevents.
 */
export function safeLog(logger: Logger | undefined, level: 'warn' | 'error', obj: object, msg: string): void {
  try {
    (logger ?? consoleLogger)[level](obj, msg);
  } catch {
    // Nothing sensible left to report to.
  }
}

export function assertOptionalLogger(value: unknown, argument: string): asserts value is Logger | undefined {
  if (value === undefined) return;
  if (!hasMethods(value, ['warn', 'error'])) {
    throw new TypeError(`\`${argument}\` must be a logger with warn(obj, msg) and error(obj, msg) methods`);
  }
}
