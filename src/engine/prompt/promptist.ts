import type { PromptRewriterV1 } from '../../ports/index.js';
import type { PromptJudgingSize } from '../budget/budget-split.js';
import { errorOf } from '../fan-out/candidate-pipeline.js';
import { raceAbort } from '../fan-out/abortable.js';
import { retryCall } from '../fan-out/retry-call.js';
import type { GenerationSession } from '../generation-session.js';
import type { JudgedPrompt } from './prompt-judging.js';
import { bestPromptIndex, fixedPromptNoises, judgePrompts, promptKey, standingOf } from './prompt-judging.js';
import type { PromptOutcome } from './prompt-outcome.js';

/** Promptist's limit on new tokens per rewrite (Hao et al. 2023). */
export const PROMPTIST_MAX_NEW_TOKENS = 75;

/**
 * Promptist (Hao et al. 2023, "Optimizing prompts for text-to-image generation"): k rewrites from the
 * rewriter; the user's prompt stays a candidate; every prompt is judged on the same m fixed noises
 * (images scored against the user's prompt) and the best mean reward wins (ties keep the user's prompt).
 * The user's prompt is judged while the rewriter works, and the rewrites as soon as they arrive.
 */
export async function runPromptist(
  session: GenerationSession,
  rewriter: PromptRewriterV1,
  size: PromptJudgingSize,
  steps: number,
): Promise<PromptOutcome> {
  const userPrompt = session.plan.prompt;
  const noises = fixedPromptNoises(session, size.noises);
  const userJudging = judgePrompts(session, [{ prompt: userPrompt, source: 'user' }], noises, 0, steps);
  const rewrites = await requestRewrites(session, rewriter, userPrompt, size.candidates);
  const rewriteJudging =
    rewrites.length > 0 && !session.stopped()
      ? judgePrompts(session, rewrites.map((prompt) => ({ prompt, source: 'promptist' as const })), noises, 1, steps)
      : Promise.resolve([]);
  const judged: JudgedPrompt[] = [...(await userJudging), ...(await rewriteJudging)];
  const rewards = session.rewardsUpTo();
  const rankRewards = session.rewardsUpTo(undefined, 'rank');
  const standings = judged.map((entry) => standingOf(session, entry, rewards, rankRewards));
  const bestIndex = Math.max(0, bestPromptIndex(standings));
  const records = judged.flatMap((entry) => entry.records);
  session.trace.push(
    session.traceEntry(
      {
        phase: 'prompt',
        method: 'promptist',
        round: 1,
        note: `${rewrites.length} rewrites judged on ${noises.length} noises; chose ${bestIndex === 0 ? "the user's prompt" : `rewrite ${bestIndex}`}`,
        prompts: judged.map((entry, index) => ({ prompt: entry.prompt, reward: standings[index]?.meanReward ?? null })),
      },
      records,
    ),
  );
  const chosen = judged[bestIndex]!;
  return { prompt: chosen.prompt, candidatesOfPrompt: chosen.records.filter((record) => record.status === 'scored') };
}

async function requestRewrites(session: GenerationSession, rewriter: PromptRewriterV1, prompt: string, count: number): Promise<string[]> {
  const signal = session.control.signal;
  try {
    const result = await raceAbort(
      retryCall(
        () => {
          session.usage.addCall('rewriter');
          return rewriter.doRewrite({ prompt, count, maxNewTokens: PROMPTIST_MAX_NEW_TOKENS, abortSignal: signal });
        },
        { signal },
      ),
      signal,
    );
    const seen = new Set([promptKey(prompt)]);
    const rewrites: string[] = [];
    for (const rewrite of result.rewrites) {
      const text = rewrite.replace(/\s+/g, ' ').trim();
      if (text.length === 0 || seen.has(promptKey(text))) continue;
      seen.add(promptKey(text));
      rewrites.push(text);
    }
    if (rewrites.length < count) session.warn(`promptist returned ${rewrites.length} distinct rewrites of ${count} asked`);
    return rewrites.slice(0, count);
  } catch (error) {
    const { code, message } = errorOf(error, 'rewriter_failed', signal);
    if (code !== 'aborted') session.warn(`promptist rewriting failed (${code}: ${message}); kept the user's prompt`);
    return [];
  }
}
