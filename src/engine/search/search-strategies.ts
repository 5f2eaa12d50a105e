import type { SearchPlan } from '../generation-plan.js';
import { bestOfN } from './best-of-n.js';
import type { SearchStrategy } from './search-strategy.js';
import { zeroOrder } from './zero-order.js';

/** The strategy that runs a plan's search method. */
export function searchStrategyFor(method: SearchPlan['method']): SearchStrategy {
  return method === 'zero_order' ? zeroOrder : bestOfN;
}
