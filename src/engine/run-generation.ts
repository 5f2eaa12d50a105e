import { finalReserve, effectiveSearchSteps, isComputeAware } from './budget/budget-split.js';
import { imageNfe } from './budget/nfe-cost.js';
import { endsSchedule, type CandidateRecord } from './candidate-record.js';
import type { EngineDeps, EngineResult, GenerationPlan, RunOptions, TraceEntry } from './generation-plan.js';
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
  let optimizedPrompt = plan.prompt;
  let final: { final: CandidateRecord; draft: CandidateRecord } | null = null;
  session.snapshotBuilder = () => assembleResult(session, optimizedPrompt, final, false);
  try {
    const method = searchMethodFor(session);
    const searchSteps = effectiveSearchSteps(plan);
    if (isComputeAware(method) && plan.search.searchSteps < plan.steps) {
      session.warn(`search_steps ${plan.search.searchSteps} not used: ${method} finishes its own trajectories at ${plan.steps} steps`);
    } else if (plan.search.searchSteps !== searchSteps && plan.search.searchSteps < plan.steps) {
      session.warn(`search_steps ${plan.search.searchSteps} not used: a budget of ${plan.search.budget} leaves no image to regenerate the winner at ${plan.steps} steps, so search ran at ${plan.steps}`);
    }
    const reserve = finalReserve(plan);
    const reserveNfe = reserve > 0 ? imageNfe(plan.steps, plan.guidance) : 0;
    const optimized = await session.usage.time('prompt', () => optimizePrompt(session, searchSteps));
    optimizedPrompt = optimized.prompt;
    const strategy = searchStrategyFor(method);
    const outcome = await session.usage.time('search', () =>
      strategy.run(session, {
        prompt: optimized.prompt,
        budget: Math.max(0, Math.min(session.remaining - reserve, session.affordableImages(searchSteps, reserveNfe))),
        steps: searchSteps,
        reserveNfe,
        startingCandidates: optimized.candidatesOfPrompt,
      }),
    );
    session.trace.push(...withThresholdNote(session, outcome.trace, outcome.stop));
    session.progress();
    final = await session.usage.time('final', () => regenerateWinner(session, searchSteps));
    session.control.stopped();
    const stopReason = session.control.reason;
    session.dropUndispatched();
    if (stopReason !== null) session.warn(`stopped early: ${stopNote(stopReason, plan.deadlineMs)}`);
    session.usage.setMs('total', session.now() - started);
    return assembleResult(session, optimized.prompt, final, stopReason !== null, stopReason);
  } finally {
    session.snapshotBuilder = null;
    session.control.dispose();
  }
}

function stopNote(reason: NonNullable<EngineResult['stopReason']>, deadlineMs: number | undefined): string {
  switch (reason) {
    case 'deadline':
      return `deadline of ${deadlineMs} ms reached (no call was started that could not finish before it)`;
    case 'client':
      return 'the client went away (calls in flight finished; nothing new was started)';
    case 'cancelled':
      return 'cancelled (calls in flight finished; nothing new was started)';
    case 'shutdown':
      return 'the server shut down';
  }
}

/** The search trace, with the threshold stop written on its last entry (which candidate reached it). */
function withThresholdNote(session: GenerationSession, trace: readonly TraceEntry[], stop: string): TraceEntry[] {
  const entries = [...trace];
  const reached = stop === 'threshold' ? session.thresholdRecord() : null;
  const last = entries[entries.length - 1];
  if (!reached || !last) return entries;
  const note = `threshold ${session.plan.search.threshold} reached by ${reached.id} (weighted mean score ${session.rawScore(reached)?.toFixed(4)}); search stopped early`;
  entries[entries.length - 1] = { ...last, note: last.note ? `${last.note}; ${note}` : note };
  session.warn(note);
  return entries;
}

/**
 * The search method that runs: the plan's, or best_of_n with a warning when a compute-aware method meets a
 * v1 generator (it cannot stop part-way or resume).
 */
function searchMethodFor(session: GenerationSession): GenerationPlan['search']['method'] {
  const { method } = session.plan.search;
  if (!isComputeAware(method) || session.deps.generator.specificationVersion === 'v2') return method;
  session.warn(`search method ${method} needs a generator-v2 backend (partial schedules, checkpoints, previews); generator ${session.deps.generator.modelId} speaks v1, so best_of_n ran instead`);
  return 'best_of_n';
}

/** Regenerates the best draft at full steps (phase 'final') when search ran at fewer steps and time allows. */
async function regenerateWinner(session: GenerationSession, searchSteps: number): Promise<{ final: CandidateRecord; draft: CandidateRecord } | null> {
  const { plan } = session;
  if (searchSteps >= plan.steps || session.remaining < 1 || session.stopped()) return null;
  if (session.remainingNfe < imageNfe(plan.steps, plan.guidance)) {
    session.warn(`the winner was not regenerated at ${plan.steps} steps: retries spent the NFEs kept for it`);
    return null;
  }
  const draft = session.bestAmong(session.records);
  if (!draft) return null;
  const [final] = await session.evaluate([{ prompt: draft.request.prompt, noise: draft.request.noise, steps: plan.steps, phase: 'final', round: 0 }]);
  if (!final || !final.dispatched) return null;
  const note =
    final.status === 'scored'
      ? `${draft.id} regenerated at ${plan.steps} steps; the full-step image is returned whatever its reward against the drafts`
      : `regenerating ${draft.id} failed: ${final.error?.message ?? 'unknown error'}`;
  session.trace.push({ ...session.traceEntry({ phase: 'final', method: 'regenerate', round: 0, note }, [final]) });
  if (final.status === 'scored') session.announceBest(final);
  else session.warn(`final regeneration failed; returning the ${searchSteps}-step draft`);
  return { final, draft };
}

function assembleResult(
  session: GenerationSession,
  finalPrompt: string,
  final: { final: CandidateRecord; draft: CandidateRecord } | null,
  truncated: boolean,
  stopReason: EngineResult['stopReason'] = null,
): EngineResult {
  const rewards = session.rewardsUpTo();
  const records = session.records.filter((record) => record.dispatched);
  const candidates = records.map((record) => session.candidateOf(record, rewards));
  const order = rankOrder(records.map((record) => rewards.get(record.id) ?? null));
  const finalScored = final && final.final.status === 'scored' ? final : null;
  const warnings = [...session.warnings];
  let bestPosition = finalScored ? records.indexOf(finalScored.final) : (order[0] ?? -1);
  // previews of unfinished trajectories are never returned as images
  const scored = records.filter((record) => record.status === 'scored' && endsSchedule(record.request));
  if (bestPosition === -1 && scored.length > 0) {
    // every scorer abstained on every image: no order is invented, the first image is returned
    bestPosition = records.indexOf(scored[0]!);
    warnings.push('no scorer could judge these images for this prompt; returned the first image (rewards are null)');
  } else if (scored.length > 1 && new Set(scored.map((record) => rewards.get(record.id))).size === 1 && !finalScored) {
    warnings.push('every image got the same reward: the scorers could not tell them apart, so the first one is returned');
  }
  const unjudged = scored.map((record) => records.indexOf(record)).filter((index) => !order.includes(index));
  const imagePositions =
    bestPosition === -1
      ? []
      : [bestPosition, ...[...order, ...unjudged].filter((index) => index !== bestPosition && (!finalScored || records[index] !== finalScored.draft))];
  const images = imagePositions.slice(0, session.plan.n).map((index) => candidates[index]!);
  const best = images[0] ?? null;
  return {
    // the prompt of the delivered image: usually the optimized prompt, but a judging image of another prompt can win
    finalPrompt: best?.prompt ?? finalPrompt,
    best,
    images,
    candidates,
    trace: keptTrace(session, rewards),
    usage: session.usage.snapshot(),
    truncated,
    stopReason,
    warnings,
  };
}

/**
 * The trace without ids of candidates that never reached the generator, each entry's best re-read with
 * the final rewards over the candidates up to that entry, so `best_reward` never falls from one entry to
 * the next (rank rewards are relative: the value written while searching could move as images arrived).
 */
function keptTrace(session: GenerationSession, rewards: Map<string, number>): EngineResult['trace'] {
  const indexOf = new Map(session.records.filter((record) => record.dispatched).map((record) => [record.id, record.index]));
  let bestId: string | null = null;
  let bestReward: number | null = null;
  let upTo = -1;
  const ordered = session.records.filter((record) => record.dispatched).sort((a, b) => a.index - b.index);
  return session.trace
    .map((entry) => ({ ...entry, candidateIds: entry.candidateIds.filter((id) => indexOf.has(id)) }))
    .filter((entry) => entry.candidateIds.length > 0 || entry.phase === 'prompt')
    .map((entry) => {
      const finalReward = entry.phase === 'final' ? rewards.get(entry.candidateIds[0] ?? '') : undefined;
      if (finalReward !== undefined) return { ...entry, bestCandidateId: entry.candidateIds[0] ?? null, bestReward: finalReward };
      if (entry.phase === 'final') return { ...entry, bestCandidateId: bestId, bestReward };
      const end = Math.max(upTo, ...entry.candidateIds.map((id) => indexOf.get(id) ?? -1));
      for (const record of ordered) {
        if (record.index <= upTo || record.index > end) continue;
        const reward = rewards.get(record.id);
        if (reward !== undefined && (bestReward === null || reward > bestReward)) {
          bestReward = reward;
          bestId = record.id;
        }
      }
      upTo = end;
      return { ...entry, bestCandidateId: bestId, bestReward };
    });
}
