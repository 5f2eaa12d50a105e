import type { CandidateRecord } from '../../api/schemas/generation-record.js';

/** A reward or raw score as the page and the CLI show it (3 decimals; whole numbers from 100 up). */
export function formatReward(reward: number): string {
  return Math.abs(reward) >= 100 ? reward.toFixed(0) : reward.toFixed(3);
}

/** A candidate's raw scores by scorer id, in alphabetical order (the same on every card and line). */
export function sortedScores(candidate: Pick<CandidateRecord, 'scores'>): [string, number][] {
  return Object.entries(candidate.scores).sort(([a], [b]) => a.localeCompare(b));
}

/** `aesthetic 6.284, geneval 0.500`: a candidate's raw scores on one line. */
export function scoresText(candidate: Pick<CandidateRecord, 'scores'>): string {
  return sortedScores(candidate)
    .map(([model, score]) => `${model} ${formatReward(score)}`)
    .join(', ');
}
