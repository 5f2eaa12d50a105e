/**
 * The structured logger the API writes to: pino's call shape (`logger.info({ ...fields }, 'message')`),
 * so the Node and Lambda runtimes can inject pino (or Powertools' logger) and tests a silent one.
 */
export interface Logger {
  debug(fields: Record<string, unknown>, message?: string): void;
  info(fields: Record<string, unknown>, message?: string): void;
  warn(fields: Record<string, unknown>, message?: string): void;
  error(fields: Record<string, unknown>, message?: string): void;
  /** A logger whose lines all carry `bindings` (the request id, the generation id). */
  child(bindings: Record<string, unknown>): Logger;
}

/** A logger that drops everything (the default of `createApp` when none is injected). */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
