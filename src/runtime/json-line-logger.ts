import pino from 'pino/browser.js';
import type { Logger as PinoLogger } from 'pino';
import type { Config } from '../config.js';

/**
 * The serverless runtimes' structured logger: pino's browser build, which needs no Node streams or worker
 * threads (so it runs on Workers, and adds ~8 KB to a bundle where pino's Node build adds ~60 KB), writing
 * each entry as one JSON line through `write` — `console.log` on Workers, stdout on Lambda — with the
 * Node logger's fields: `level` as a name, an ISO `time`, the message as `msg`.
 */
export function createJsonLineLogger(config: Pick<Config, 'logLevel'>, write: (line: string) => void): PinoLogger {
  return pino({
    level: config.logLevel,
    timestamp: pino.stdTimeFunctions.isoTime,
    browser: {
      asObject: true,
      formatters: { level: (label) => ({ level: label }) },
      write: (entry) => write(JSON.stringify(entry)),
    },
  });
}
