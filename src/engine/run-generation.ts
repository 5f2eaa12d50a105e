import { finalReserve, effectiveSearchSteps } from './budget/budget-split.js';
import type { CandidateRecord } from './candidate-record.js';
import type { EngineDeps, EngineResult, GenerationPlan, RunOptions } from './generation-plan.js';
import { GenerationSession, type SessionTuning } from './generation-session.js';
import { validatePlan } from './plan-validation.js';
import { optimizePrompt } from './prompt/prompt-optimization.js';
import { rankOrder } from './rewards/reward-ranking.js';
import { searchStrategyFor } from './search/search-strategies.js';

/** Engine options beyond the contract's RunOptions (tests, benchmarks). */
export interface EngineRunOptions extends RunOptions {
  readonly tuning?: SessionTuning;
}

/**
 * Executes a generation plan: prompt optimization (Promptist / OPT2I) if asked, noise search
 * (best-of-n / zero-order) with the rest of the budget, and the winner regenerated at full steps when
 * search ran at fewer. Never exceeds the image budget; on the deadline or the client's abort it stops,
 * aborts in-flight calls and returns the best so far marked truncated. Throws only for plans it cannot
 * run (InvalidPlanError, UnknownModelError, PromptOptimizerUnavailableError).
 */
export async function runGeneration(plan: GenerationPlan, deps: EngineDeps, options: EngineRunOptions = {}): Promise<EngineResult> {
  validatePlan(plan, deps);
  const session = new GenerationSession(plan, deps, options, options.tuning);
  const started = session.now();
  try {
    const searchSteps = effectiveSearchSteps(plan);
    const reserve = finalReserve(plan);
    const optimized = await session.usage.time('prompt', () => optimizePrompt(session, searchSteps));
    const strategy = searchStrategyFor(plan.search.method);
    const outcome = await session.usage.time('search', () =>
      strategy.run(session, {
        prompt: optimized.prompt,
        budget: Math.max(0, session.remaining - reserve),
        steps: searchSteps,
        startingCandidates: optimized.candidatesOfPrompt,
      }),
    );
    session.trace.push(...outcome.trace);
    const final = await session.usage.time('final', () => regenerateWinner(session, searchSteps));
    const truncated = session.control.reason !== null;
    session.dropUndispatched();
    if (truncated) session.warn(`stopped early: ${session.control.reason === 'deadline' ? `deadline of ${plan.deadlineMs} ms reached` : 'client went away'}`);
    session.usage.setMs('total', session.now() - started);
    return assembleResult(session, optimized.prompt, final, truncated);
  } finally {
    session.control.dispose();
  }
}

/** Regenerates the best draft at full steps (phase 'final') when search ran at fewer steps and time allows. */
async function regenerateWinner(session: GenerationSession, searchSteps: number): Promise<{ final: CandidateRecord; draft: CandidateRecord } | null> {
  const { plan } = session;
  if (searchSteps >= plan.steps || session.remaining < 1 || session.stopped()) return null;
  const draft = session.bestAmong(session.records);
  if (!draft) return null;
  const [final] = await session.evaluate([{ prompt: draft.request.prompt, noise: draft.request.noise, steps: plan.steps, phase: 'final', round: 0 }]);
  if (!final) return null;
  const note = final.status === 'scored' ? `${draft.id} regenerated at ${plan.steps} steps` : `regenerating ${draft.id} failed: ${final.error?.message ?? 'unknown error'}`;
  const entry = session.traceEntry({ phase: 'final', method: 'regenerate', round: 0, note }, [final]);
  const reward = session.rewardsUpTo().get(final.id);
  // the full-step image is the answer when it exists, whatever the drafts' ranks
  session.trace.push(reward === undefined ? entry : { ...entry, bestCandidateId: final.id, bestReward: reward });
  if (final.status === 'scored') session.announceBest(final);
  else session.warn(`final regeneration failed; returning the ${searchSteps}-step draft`);
  return { final, draft };
}

function assembleResult(
  session: GenerationSession,
  finalPrompt: string,
  final: { final: CandidateRecord; draft: CandidateRecord } | null,
  truncated: boolean,
): EngineResult {
  const rewards = session.rewardsUpTo();
  const candidates = session.records.map((record) => session.candidateOf(record, rewards));
  const order = rankOrder(session.records.map((record) => rewards.get(record.id) ?? null));
  const finalScored = final && final.final.status === 'scored' ? final : null;
  const bestIndex = finalScored ? finalScored.final.index : (order[0] ?? -1);
  const imageIndices =
    bestIndex === -1
      ? []
      : [bestIndex, ...order.filter((index) => index !== bestIndex && (!finalScored || index !== finalScored.draft.index))];
  const images = imageIndices.slice(0, session.plan.n).map((index) => candidates[index]!);
  const best = images[0] ?? null;
  return {
    // the prompt of the delivered image: usually the optimized prompt, but a judging image of another prompt can win
    finalPrompt: best?.prompt ?? finalPrompt,
    best,
    images,
    candidates,
    trace: keptTrace(session),
    usage: session.usage.snapshot(),
    truncated,
    warnings: [...session.warnings],
  };
}

/** The trace without ids of candidates that never reached the generator (cut by the deadline). */
function keptTrace(session: GenerationSession): EngineResult['trace'] {
  const ids = new Set(session.records.map((record) => record.id));
  return session.trace
    .map((entry) => ({ ...entry, candidateIds: entry.candidateIds.filter((id) => ids.has(id)) }))
    .filter((entry) => entry.candidateIds.length > 0 || entry.phase === 'prompt');
}
