/** Index of the highest reward, skipping nulls; ties go to the earlier index (deterministic). -1 when none. */
export function argmaxReward(rewards: readonly (number | null)[]): number {
  let best = -1;
  for (let index = 0; index < rewards.length; index += 1) {
    const reward = rewards[index];
    if (reward === null || reward === undefined || Number.isNaN(reward)) continue;
    if (best === -1 || reward > (rewards[best] as number)) best = index;
  }
  return best;
}

/** Indices ordered best first by reward (nulls dropped), ties by index: the order of `images` in a record. */
export function rankOrder(rewards: readonly (number | null)[]): number[] {
  return rewards
    .map((reward, index) => ({ reward, index }))
    .filter((entry): entry is { reward: number; index: number } => entry.reward !== null && !Number.isNaN(entry.reward))
    .sort((a, b) => b.reward - a.reward || a.index - b.index)
    .map((entry) => entry.index);
}
