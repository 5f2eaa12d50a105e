/** A seeded PRNG (mulberry32) for property tests: the same seed gives the same cases. */
export function seededRandom(seed: number): { next: () => number; int: (min: number, max: number) => number; pick: <T>(items: readonly T[]) => T } {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)]!,
  };
}

/** Reference aggregation written the slow, obvious way (independent of the engine's implementation). */
export function referenceRewards(
  rows: readonly Record<string, number>[],
  rewards: readonly { model: string; weight: number }[],
  method: 'rank' | 'zscore' | 'weighted_sum',
  calibrations: Record<string, { mean: number; std: number }> = {},
): number[] {
  const total = rewards.reduce((sum, spec) => sum + Math.abs(spec.weight), 0);
  return rows.map((row) => {
    let sum = 0;
    for (const spec of rewards) {
      const value = row[spec.model]!;
      let term: number;
      if (method === 'rank') {
        if (rows.length === 1) term = 1;
        else {
          const lower = rows.filter((other) => other[spec.model]! < value).length;
          const equalOthers = rows.filter((other) => other[spec.model] === value).length - 1;
          term = (lower + equalOthers / 2) / (rows.length - 1);
        }
      } else if (method === 'zscore') {
        const calibration = calibrations[spec.model] ?? { mean: 0, std: 1 };
        term = (value - calibration.mean) / calibration.std;
      } else term = value;
      sum += spec.weight * term;
    }
    return sum / total;
  });
}
