import type { SearchMethod } from '../generation-plan.js';
import { bestOfN } from './best-of-n.js';
import { particles } from './particles.js';
import { paths } from './paths.js';
import { previewPrune } from './preview-prune.js';
import type { SearchStrategy } from './search-strategy.js';
import { zeroOrder } from './zero-order.js';

const STRATEGIES: Readonly<Record<SearchMethod, SearchStrategy>> = {
  best_of_n: bestOfN,
  zero_order: zeroOrder,
  preview_prune: previewPrune,
  paths,
  particles,
};

/** The strategy that runs a plan's search method. */
export function searchStrategyFor(method: SearchMethod): SearchStrategy {
  return STRATEGIES[method];
}
