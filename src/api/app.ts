import { Hono } from 'hono';
import { type AppDeps, defaultRewardsOf } from './app-deps.js';
import { handleError } from './error-handler.js';
import { NotFoundError } from './http-errors.js';
import { buildOpenApiDocument } from './openapi-document.js';
import { mountGenerationRoutes } from './routes/generations.js';

/** Builds the diffalign HTTP app from injected dependencies (no globals, no env reads). */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  const openApiDocument = buildOpenApiDocument();

  app.get('/healthz', (c) => c.json({ status: 'ok' as const }));
  app.get('/openapi.json', (c) => c.json(openApiDocument));
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
  mountGenerationRoutes(app, deps);

  app.notFound((c) => handleError(new NotFoundError(`no route ${c.req.method} ${c.req.path}`), c));
  app.onError(handleError);
  return app;
}
