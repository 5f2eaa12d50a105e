import type { ChatModelV1 } from '../../ports/index.js';
import { finalReserveNfe, type PromptJudgingSize } from '../budget/budget-split.js';
import { errorOf } from '../fan-out/candidate-pipeline.js';
import { raceAbort } from '../fan-out/abortable.js';
import { retryCall } from '../fan-out/retry-call.js';
import type { GenerationSession } from '../generation-session.js';
import { deriveSeed } from '../noise/seed-derivation.js';
import { buildOpt2iMessages, OPT2I_HISTORY_SIZE, type Opt2iHistoryEntry } from './opt2i-meta-prompt.js';
import { parseOpt2iReply } from './opt2i-reply-parser.js';
import {
  bestPromptIndex,
  fixedPromptNoises,
  judgePrompts,
  promptKey,
  standingOf,
  type JudgedPrompt,
  type PromptStanding,
} from './prompt-judging.js';
import type { PromptOutcome } from './prompt-outcome.js';

/** Sampling settings of the reviser. */
export const OPT2I_CHAT_SETTINGS = { maxTokens: 1024, temperature: 1 } as const;

/**
 * OPT2I (Mañas et al. 2024, "Improving text-to-image consistency via automatic prompt optimization"):
 * rounds in which the chat model reads the meta-prompt (best ≤5 prompts so far, ascending by 0-100 score,
 * with what their images missed) and proposes revised prompts; each is judged on the same m fixed noises,
 * scored against the user's original prompt. Stops at the round limit, the prompt budget, the target
 * (mean weighted raw score), a reviser failure, or a round that does not improve the best prompt.
 */
export async function runOpt2i(
  session: GenerationSession,
  chatModel: ChatModelV1,
  size: PromptJudgingSize,
  cap: number,
  steps: number,
): Promise<PromptOutcome> {
  const { plan } = session;
  const userPrompt = plan.prompt;
  const noises = fixedPromptNoises(session, size.noises);
  const judged: JudgedPrompt[] = await judgePrompts(session, [{ prompt: userPrompt, source: 'user' }], noises, 0, steps);
  let spent = noises.length;
  let standings = currentStandings(session, judged);
  session.trace.push(
    session.traceEntry(
      { phase: 'prompt', method: 'opt2i', round: 0, note: "the user's prompt", prompts: [{ prompt: userPrompt, reward: standings[0]?.meanReward ?? null }] },
      judged[0]?.records ?? [],
    ),
  );
  const rounds = Math.max(0, Math.floor(plan.promptOptimization.rounds));
  let roundsRun = 0;
  let ended = '';
  for (let round = 1; round <= rounds; round += 1) {
    if (session.stopped()) {
      ended = 'the run stopped';
      break;
    }
    const target = plan.promptOptimization.target;
    const leader = standings[bestPromptIndex(standings)];
    if (target !== undefined && leader?.meanRawScore != null && leader.meanRawScore >= target) {
      ended = `the best prompt reached the target ${target}`;
      break;
    }
    const count = Math.min(size.candidates, Math.floor((cap - spent) / noises.length), Math.floor(session.affordableImages(steps, finalReserveNfe(plan)) / noises.length));
    if (count < 1) {
      ended = `the budget left no images for another round (${cap} images may go to prompt optimization, ${noises.length} per prompt)`;
      break;
    }
    const reply = await requestRevisions(session, chatModel, buildOpt2iMessages(userPrompt, history(judged, standings), count), round);
    if (reply === null) {
      ended = 'the reviser gave no answer';
      break;
    }
    const known = new Set(judged.map((entry) => promptKey(entry.prompt)));
    const fresh: string[] = [];
    for (const prompt of reply) {
      if (known.has(promptKey(prompt)) || fresh.length >= count) continue;
      known.add(promptKey(prompt));
      fresh.push(prompt);
    }
    if (fresh.length === 0) {
      session.warn(`opt2i round ${round}: the reviser proposed no new prompt`);
      ended = 'the reviser proposed no new prompt';
      break;
    }
    roundsRun = round;
    const roundJudged = await judgePrompts(session, fresh.map((prompt) => ({ prompt, source: 'opt2i' as const })), noises, round, steps);
    judged.push(...roundJudged);
    spent += fresh.length * noises.length;
    standings = currentStandings(session, judged);
    const previousCount = judged.length - roundJudged.length;
    const previousLeader = bestPromptIndex(standings.slice(0, previousCount));
    const roundStandings = standings.slice(previousCount);
    const roundBest = bestPromptIndex(roundStandings);
    const improved =
      roundBest !== -1 &&
      (previousLeader === -1 || (roundStandings[roundBest]!.meanReward as number) > (standings[previousLeader]!.meanReward as number));
    session.trace.push(
      session.traceEntry(
        {
          phase: 'prompt',
          method: 'opt2i',
          round,
          note: improved
            ? 'improved the best prompt'
            : `no improvement over the best earlier prompt (mean reward ${standings[previousLeader]?.meanReward?.toFixed(4) ?? 'none'})`,
          prompts: roundJudged.map((entry, index) => ({ prompt: entry.prompt, reward: roundStandings[index]?.meanReward ?? null })),
        },
        roundJudged.flatMap((entry) => entry.records),
      ),
    );
    if (!improved) {
      ended = `round ${round} did not improve the best prompt`;
      break;
    }
  }
  if (roundsRun < rounds && ended !== '' && ended !== 'the run stopped') {
    session.warn(`opt2i ran ${roundsRun} of ${rounds} rounds: ${ended}`);
  }
  const chosen = judged[Math.max(0, bestPromptIndex(standings))]!;
  return { prompt: chosen.prompt, candidatesOfPrompt: chosen.records.filter((record) => record.status === 'scored') };
}

function currentStandings(session: GenerationSession, judged: readonly JudgedPrompt[]): PromptStanding[] {
  const rewards = session.rewardsUpTo();
  const rankRewards = session.rewardsUpTo(undefined, 'rank');
  return judged.map((entry) => standingOf(session, entry, rewards, rankRewards));
}

/** The best ≤5 judged prompts (by mean reward; ties to the earlier) as meta-prompt history entries. */
function history(judged: readonly JudgedPrompt[], standings: readonly PromptStanding[]): Opt2iHistoryEntry[] {
  return judged
    .map((entry, index) => ({ entry, standing: standings[index]!, index }))
    .filter((item) => item.standing.meanReward !== null && item.standing.score100 !== null)
    .sort((a, b) => (b.standing.meanReward as number) - (a.standing.meanReward as number) || a.index - b.index)
    .slice(0, OPT2I_HISTORY_SIZE)
    .sort((a, b) => (a.standing.score100 as number) - (b.standing.score100 as number) || (a.standing.meanReward as number) - (b.standing.meanReward as number))
    .map((item) => ({ prompt: item.entry.prompt, score: item.standing.score100 as number, missed: item.standing.missed }));
}

async function requestRevisions(
  session: GenerationSession,
  chatModel: ChatModelV1,
  messages: ReturnType<typeof buildOpt2iMessages>,
  round: number,
): Promise<string[] | null> {
  const signal = session.control.signal;
  try {
    const result = await raceAbort(
      retryCall(
        () => {
          session.usage.addCall('chat');
          return chatModel.doChat({
            messages,
            maxTokens: OPT2I_CHAT_SETTINGS.maxTokens,
            temperature: OPT2I_CHAT_SETTINGS.temperature,
            seed: deriveSeed(session.plan.seed, 'opt2i-chat', round),
            abortSignal: signal,
          });
        },
        { signal },
      ),
      signal,
    );
    return parseOpt2iReply(result.text);
  } catch (error) {
    const { code, message } = errorOf(error, 'chat_failed', signal);
    if (code !== 'aborted') session.warn(`opt2i round ${round}: the reviser failed (${code}: ${message}); kept the best prompt so far`);
    return null;
  }
}
