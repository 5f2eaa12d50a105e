import { createReferenceWorld, REFERENCE_SCORER_CALIBRATION } from '../adapters/reference/index.js';
import { FsBlobStore } from '../adapters/storage/index.js';
import type { AppDeps } from '../api/app-deps.js';
import type { Config } from '../config.js';
import type { ScorerEntry } from '../engine/generation-plan.js';

/** Wires the adapters a configuration names into the app's dependencies (the only place adapters meet the app). */
export function createDependencies(config: Config, extras: Pick<AppDeps, 'waitUntil'> = {}): AppDeps {
  const world = createReferenceWorld();
  const scorers: Record<string, ScorerEntry> = {};
  for (const scorer of world.scorers) {
    scorers[scorer.modelId] = { scorer, calibration: REFERENCE_SCORER_CALIBRATION[scorer.modelId] ?? { mean: 0, std: 1 } };
  }
  return {
    generator: world.generator,
    scorers,
    rewriter: world.rewriter,
    chatModel: world.chatModel,
    store: new FsBlobStore(config.dataDir),
    tenant: config.tenant,
    defaultRewards: [{ model: 'geneval', weight: 1 }],
    maxBodyBytes: config.maxBodyBytes,
    heartbeatMs: config.heartbeatMs,
    ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
    ...extras,
  };
}
