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
  const app = createApp(createDependencies(config));
  const server = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, (info) => {
    if (config.logLevel !== 'silent') {
      console.log(`diffalign listening on http://${info.address}:${info.port} (backend ${config.backend}, storage ${config.storage} at ${config.dataDir})`);
    }
  });
  const shutdown = (): void => {
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main();
