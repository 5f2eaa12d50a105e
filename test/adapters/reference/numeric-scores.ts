/** The scores of a scorer that must not abstain, as numbers (fails the test on a null). */
export function numericScores(scores: readonly (number | null)[]): number[] {
  return scores.map((score, index) => {
    if (score === null) throw new Error(`score ${index} is an abstention (null), expected a number`);
    return score;
  });
}
