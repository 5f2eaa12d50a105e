import { Hono } from 'hono';
import { methodNotAllowed } from 'hono/method-not-allowed';
import { type AppDeps, defaultRewardsOf } from './app-deps.js';
import { ApiKeyStore } from './auth/api-key-store.js';
import { authenticate } from './auth/authenticate.js';
import { UNLIMITED } from './limits/tenant-limits.js';
import { TenantGenerationStores } from './tenant-generation-stores.js';
import { handleError, problemResponse } from './error-handler.js';
import { MethodNotAllowedError, NotFoundError, ServiceUnavailableError } from './http-errors.js';
import { silentLogger } from './logger.js';
import { corsPolicy, rateLimit, requestIds, requestLogger, securityHeaders } from './middleware/index.js';
import { buildOpenApiDocument } from './openapi-document.js';
import { InstanceLiveness } from '../records/instance-liveness.js';
import { newUuidV7 } from '../records/uuid-v7.js';
import { IdempotencyStore } from './idempotency/idempotency-store.js';
import { idempotency } from './middleware/index.js';
import { mountErasureRoutes } from './routes/erasures.js';
import { mountFeedbackRoutes } from './routes/feedback.js';
import { mountGenerationRoutes } from './routes/generations.js';
import { mountDocs } from './routes/docs.js';
import { mountPlayground } from './routes/playground.js';

/** What `Retry-After` a not-ready or draining instance suggests. */
const READY_RETRY_AFTER_SECONDS = 5;

/** Builds the diffalign HTTP app from injected dependencies (no globals, no env reads). */
export function createApp(injected: AppDeps): Hono {
  const logger = injected.logger ?? silentLogger;
  const deps: AppDeps = { ...injected, logger };
  const app = new Hono();
  // built on the first request that reads it (/openapi.json, /openapi.yaml), not with the app: a serverless cold start need not pay for it
  let builtDocument: Record<string, unknown> | undefined;
  const openApiDocument = (): Record<string, unknown> => (builtDocument ??= buildOpenApiDocument({ publicUrl: deps.publicUrl }));
  const now = deps.now ?? Date.now;
  const authMode = deps.auth?.mode ?? 'auto';
  const keys = deps.auth?.keys ?? new ApiKeyStore(deps.store, { ...(deps.auth?.cacheTtlMs !== undefined ? { cacheTtlMs: deps.auth.cacheTtlMs } : {}) });

  app.use(requestIds());
  app.use(requestLogger({ logger }));
  app.use(securityHeaders());
  // CORS before 405 and auth: a browser's preflight carries no key and is answered here
  if (deps.corsOrigins !== undefined && (deps.corsOrigins === '*' || deps.corsOrigins.length > 0)) app.use(corsPolicy(deps.corsOrigins));
  // 405 + Allow for a known path with another method, from the routes registered on this app (HEAD follows GET).
  app.use(methodNotAllowed({ app, onMethodNotAllowed: (c, allow) => problemResponse(new MethodNotAllowedError(c.req.method, c.req.path, allow), c) }));
  // /healthz, /readyz and /openapi.json stay open; everything under /v1 has a tenant, and a key when auth is on
  app.use(
    '/v1/*',
    authenticate({
      keys,
      mode: authMode,
      defaultTenant: deps.tenant ?? 'default',
      limits: { ...UNLIMITED, ...deps.limits },
      onAuthEnabled: () => logger.info({ auth: 'on' }, 'an API key exists in the store: auth is on; every /v1 request needs Authorization: Bearer <key>'),
    }),
  );
  app.use('/v1/*', rateLimit({ now }));

  app.get('/healthz', (c) => c.json({ status: 'ok' as const }));
  app.get('/openapi.json', (c) => c.json(openApiDocument()));
  mountDocs(app, { document: openApiDocument, ...(deps.docsAssets ? { readAsset: deps.docsAssets } : {}) });
  app.get('/v1/models', (c) => {
    return c.json({
      generators: [{ id: deps.generator.modelId, provider: deps.generator.provider, max_batch_size: deps.generator.maxBatchSize }],
      scorers: Object.entries(deps.scorers).map(([id, entry]) => ({
        id,
        provider: entry.scorer.provider,
        model_id: entry.scorer.modelId,
        ...(entry.scorer.range ? { range: { ...entry.scorer.range } } : {}),
      })),
      prompt_optimizers: [
        ...(deps.rewriter ? [{ method: 'promptist' as const, provider: deps.rewriter.provider, model_id: deps.rewriter.modelId }] : []),
        ...(deps.chatModel ? [{ method: 'opt2i' as const, provider: deps.chatModel.provider, model_id: deps.chatModel.modelId }] : []),
      ],
      default_rewards: defaultRewardsOf(deps),
    });
  });
  const liveness = new InstanceLiveness(deps.store, newUuidV7(now()), deps.heartbeatMs ?? 5_000, deps.processInfo ?? {}, now);
  const idempotencyStore = new IdempotencyStore(deps.store, { ttlSeconds: deps.idempotencyTtlSeconds ?? 86_400, inProgressTtlSeconds: 600 }, { now, liveness });
  const idempotent = idempotency({ store: idempotencyStore, maxBodyBytes: deps.maxBodyBytes ?? 256 * 1024 });
  const stores = new TenantGenerationStores(deps.store);
  const supervisor = mountGenerationRoutes(app, deps, { idempotent, liveness, stores });
  mountFeedbackRoutes(app, deps, idempotent, stores);
  mountErasureRoutes(app, deps);
  if (deps.playground) mountPlayground(app);
  app.get('/readyz', async (c) => {
    // Not ready while draining (shutdown) or while storage fails the probe; /healthz stays a cheap liveness check.
    if (supervisor.draining) throw new ServiceUnavailableError('shutting_down', 'this instance is shutting down; send requests to another one', READY_RETRY_AFTER_SECONDS);
    try {
      await deps.checkReady?.();
    } catch (error) {
      throw new ServiceUnavailableError('not_ready', `not ready: ${(error as Error).message}`, READY_RETRY_AFTER_SECONDS);
    }
    return c.json({ status: 'ready' as const });
  });

  app.notFound((c) => problemResponse(new NotFoundError(`no route ${c.req.method} ${c.req.path}`), c));
  app.onError(handleError);
  return app;
}
