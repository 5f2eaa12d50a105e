import { createHash } from 'node:crypto';

/**
 * A stable non-negative integer for a text: the first 52 bits of its SHA-256, so it is exact as a JS number
 * and in JSON. Pick-a-Pic's `user_id` and `ranking_id` are int64 columns; diffalign's users and rankings
 * are strings (pseudonymous app users, generation ids), so the datasets carry these hashes in the int
 * columns and the strings beside them.
 */
export function stableNumericId(text: string): number {
  return Number.parseInt(createHash('sha256').update(text).digest('hex').slice(0, 13), 16);
}

/** `user_id` of an app user (0 for events without one). */
export function userNumericId(appUser: string | null): number {
  return appUser === null ? 0 : stableNumericId(`user\n${appUser}`);
}

/** `ranking_id` of one user's judgement of a generation, or of its reward ranking (`appUser` = null, AI feedback). */
export function rankingNumericId(generationId: string, appUser: string | null, aiFeedback: boolean): number {
  return stableNumericId(aiFeedback ? `ranking\n${generationId}\nai_reward` : `ranking\n${generationId}\nuser\n${appUser ?? ''}`);
}
