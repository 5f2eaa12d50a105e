import { Hono } from 'hono';
import { handleError } from '../api/error-handler.js';

/**
 * A Hono app that builds the real one on its first request, from that request's env (Workers pass their
 * bindings only to `fetch`), and keeps it. The build may be async (the Lambda entry loads the app's
 * modules on its first invocation). A build that throws (a bad configuration) answers that request 500
 * problem+json (`internal_error`; the detail never shows the configuration) after one JSON line on stderr
 * says why (there is no configured logger yet), and is tried again on the next request.
 */
export function lazyApp(build: (env: unknown) => Hono | Promise<Hono>): Hono {
  // one build for requests that arrive while it runs; a failed one is forgotten, so the next request tries again
  let app: Promise<Hono> | undefined;
  const outer = new Hono();
  outer.all('*', async (c) => {
    app ??= Promise.resolve()
      .then(() => build(c.env))
      .catch((error: unknown) => {
        app = undefined;
        console.error(JSON.stringify({ level: 'error', time: new Date().toISOString(), msg: 'the app cannot be built: the runtime is misconfigured', err: error instanceof Error ? error.message : String(error) }));
        throw error;
      });
    return (await app).fetch(c.req.raw, c.env, executionContextOf(c));
  });
  outer.onError(handleError);
  return outer;
}

/** The request's execution context when the runtime gave one (Workers), else undefined (Hono throws on access). */
function executionContextOf(c: { readonly executionCtx: unknown }): Parameters<Hono['fetch']>[2] {
  try {
    return c.executionCtx as Parameters<Hono['fetch']>[2];
  } catch {
    return undefined;
  }
}
