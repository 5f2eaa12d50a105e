import { fitOpt2i, fitPromptist, promptImageCap } from '../budget/budget-split.js';
import type { GenerationSession } from '../generation-session.js';
import { runOpt2i } from './opt2i.js';
import type { PromptOutcome } from './prompt-outcome.js';
import { runPromptist } from './promptist.js';

/** Fewest images any prompt optimization needs: the user's prompt and one rewrite on one noise. */
const MINIMUM_PROMPT_IMAGES = 2;

/**
 * Runs the plan's prompt optimization under its mode: `off` (or method `none`) keeps the user's prompt;
 * `auto` runs when the port exists and half the search budget covers it (shrinking k and m to fit), else
 * skips with a warning; `on` runs whenever the port exists (the plan check already threw if not).
 */
export async function optimizePrompt(session: GenerationSession, steps: number): Promise<PromptOutcome> {
  const { plan, deps } = session;
  const { method, mode } = plan.promptOptimization;
  const unchanged: PromptOutcome = { prompt: plan.prompt, candidatesOfPrompt: [] };
  if (method === 'none' || mode === 'off') return unchanged;
  const port = method === 'promptist' ? deps.rewriter : deps.chatModel;
  if (!port) {
    session.warn(`prompt optimization ${method} skipped: no ${method === 'promptist' ? 'prompt rewriter' : 'chat model'} is configured`);
    return unchanged;
  }
  const cap = promptImageCap(plan, MINIMUM_PROMPT_IMAGES);
  const asked = { candidates: plan.promptOptimization.candidates, noises: plan.promptOptimization.noises };
  const size = method === 'promptist' ? fitPromptist(asked.candidates, asked.noises, cap) : fitOpt2i(asked.candidates, asked.noises, cap);
  if (!size) {
    session.warn(`prompt optimization ${method} skipped: a budget of ${plan.search.budget} leaves too few images for it`);
    return unchanged;
  }
  if (size.candidates !== asked.candidates || size.noises !== asked.noises) {
    session.warn(`prompt optimization ${method} shrunk to fit ${cap} images: ${size.candidates} candidates on ${size.noises} noises`);
  }
  if (method === 'promptist' && deps.rewriter) return runPromptist(session, deps.rewriter, size, steps);
  if (method === 'opt2i' && deps.chatModel) return runOpt2i(session, deps.chatModel, size, cap, steps);
  return unchanged;
}
