import type { ParticlePotential } from '../generation-plan.js';
import { deriveSeed } from '../noise/seed-derivation.js';

/**
 * FK steering's potential of one particle at a resampling step (Singhal et al. 2025, "A general
 * framework for inference-time scaling and steering of diffusion models"), as a log-weight λ·h:
 * `max` h = the best intermediate reward of its lineage so far, `difference` h = the newest reward minus
 * the previous one (0 before the first), `sum` h = the sum of its lineage's rewards.
 */
export function logPotential(potential: ParticlePotential, lambda: number, history: readonly number[]): number {
  if (history.length === 0) return 0;
  const latest = history[history.length - 1]!;
  switch (potential) {
    case 'max':
      return lambda * Math.max(...history);
    case 'difference':
      return lambda * (latest - (history.length > 1 ? history[history.length - 2]! : 0));
    case 'sum':
      return lambda * history.reduce((sum, value) => sum + value, 0);
  }
}

/**
 * Multinomial resampling: `count` ancestor indices drawn with probabilities ∝ exp(logWeights) (shifted
 * by the maximum, so large λ cannot overflow), from uniforms derived from (seed, round): reproducible.
 * Non-finite log-weights get probability 0; when none is finite every particle is equally likely.
 */
export function resampleAncestors(logWeights: readonly number[], count: number, seed: number, round: number): number[] {
  const finite = logWeights.filter(Number.isFinite);
  const maximum = finite.length > 0 ? Math.max(...finite) : 0;
  const weights = logWeights.map((value) => (finite.length === 0 ? 1 : Number.isFinite(value) ? Math.exp(value - maximum) : 0));
  const total = weights.reduce((sum, value) => sum + value, 0);
  const ancestors: number[] = [];
  for (let draw = 0; draw < count; draw += 1) {
    const target = ((deriveSeed(seed, `resample/${round}`, draw) + 0.5) / 2 ** 32) * total;
    let cumulative = 0;
    let chosen = weights.length - 1;
    for (let index = 0; index < weights.length; index += 1) {
      cumulative += weights[index]!;
      if (target < cumulative) {
        chosen = index;
        break;
      }
    }
    ancestors.push(chosen);
  }
  return ancestors;
}
