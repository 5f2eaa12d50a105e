import { REFERENCE_SCORER_CALIBRATION } from '../adapters/reference/reference-scorer-calibration.js';
import type { SageMakerWorld } from '../adapters/sagemaker/index.js';
import type { AppDeps } from '../api/app-deps.js';
import type { Config } from '../config.js';
import type { ScorerEntry } from '../engine/generation-plan.js';

/** The ports of a backend (the reference world or the SageMaker one), as the app takes them. */
export type WorldDependencies = Pick<AppDeps, 'generator' | 'scorers' | 'rewriter' | 'chatModel' | 'defaultRewards'>;

/**
 * What the configuration alone fixes in the app's dependencies — tenant, auth, per-tenant limits, CORS, body
 * size, heartbeat, admission, idempotency TTL, presigned links, public URL — the same on every runtime
 * (Node, Lambda, Workers); each runtime adds its store, backend and hooks.
 */
export function appSettings(config: Config): Omit<AppDeps, 'generator' | 'scorers' | 'store'> {
  return {
    tenant: config.tenant,
    auth: { mode: config.authMode, cacheTtlMs: config.authCacheTtlMs },
    limits: config.tenantLimits,
    corsOrigins: config.corsOrigins,
    maxBodyBytes: config.maxBodyBytes,
    heartbeatMs: config.heartbeatMs,
    maxRunning: config.maxRunning,
    maxQueued: config.maxQueued,
    idempotencyTtlSeconds: config.idempotencyTtlSeconds,
    webhooks: { ...(config.webhooks.secret ? { secret: config.webhooks.secret } : {}), policy: { attempts: config.webhooks.attempts, retryBaseMs: config.webhooks.retryBaseMs } },
    playground: config.playground,
    ...(config.presignImageSeconds !== undefined ? { presignImageSeconds: config.presignImageSeconds } : {}),
    ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
  };
}

/**
 * A backend's ports for the app: each scorer with its z-score calibration (the reference world's, which the
 * emulator also serves; mean 0, std 1 for others), and geneval as the default reward where it is served.
 */
export function worldDependencies(world: Pick<SageMakerWorld, 'generator' | 'generatorV2' | 'scorers' | 'rewriter' | 'chatModel'>): WorldDependencies {
  const scorers: Record<string, ScorerEntry> = {};
  for (const scorer of world.scorers) {
    scorers[scorer.modelId] = { scorer, calibration: REFERENCE_SCORER_CALIBRATION[scorer.modelId] ?? { mean: 0, std: 1 } };
  }
  return {
    // generator v2: partial schedules and checkpoints for preview_prune, paths and particles (whole images as v1)
    generator: world.generatorV2,
    scorers,
    rewriter: world.rewriter,
    chatModel: world.chatModel,
    defaultRewards: [{ model: world.scorers.some((scorer) => scorer.modelId === 'geneval') ? 'geneval' : world.scorers[0]!.modelId, weight: 1 }],
  };
}
