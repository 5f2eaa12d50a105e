import { serve } from '@hono/node-server';
import { createApp } from '../api/app.js';
import { ConfigError, loadConfig } from '../config.js';
import { createDependencies } from './create-dependencies.js';

/** Local server: `npm start`. Reads the environment, wires the adapters, listens. */
function main(): void {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  // Async generations run in this process; on shutdown they get a grace period, and a record
  // left running after it reads as `interrupted` once its heartbeat goes stale.
  const background = new Set<Promise<unknown>>();
  const waitUntil = (work: Promise<unknown>): void => {
    background.add(work);
    void work.finally(() => background.delete(work));
  };
  const app = createApp(createDependencies(config, { waitUntil }));
  const server = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, (info) => {
    if (config.logLevel !== 'silent') {
      console.log(`diffalign listening on http://${info.address}:${info.port} (backend ${config.backend}, storage ${config.storage} at ${config.dataDir})`);
    }
  });
  const shutdown = (): void => {
    server.close();
    const grace = setTimeout(() => process.exit(0), 10_000);
    grace.unref();
    void Promise.allSettled([...background]).then(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main();
