import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';
import type { Config } from '../config.js';

/**
 * The runtime's structured logger: pino writing one JSON object per line to stdout (synchronously, so the
 * lines written just before `process.exit` are not lost), at `config.logLevel` (`silent` writes nothing).
 * Lines carry `level` as a name, an ISO `time`, `pid` and `hostname`.
 */
export function createLogger(config: Pick<Config, 'logLevel'>, destination: DestinationStream = pino.destination({ fd: 1, sync: true })): PinoLogger {
  return pino(
    {
      level: config.logLevel,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}
