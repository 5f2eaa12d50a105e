import { deriveSeed } from './seed-derivation.js';

/** Hands out seeds derived from the root seed, never the same one twice within a request (neighbours need fresh ε). */
export class SeedAllocator {
  private readonly used = new Set<number>();
  private readonly counters = new Map<string, number>();

  constructor(private readonly rootSeed: number) {}

  /** The next unused seed of a purpose (`search`, `neighbor`, …), deterministic in call order. */
  next(purpose: string): number {
    for (;;) {
      const index = this.counters.get(purpose) ?? 0;
      this.counters.set(purpose, index + 1);
      const seed = deriveSeed(this.rootSeed, purpose, index);
      if (!this.used.has(seed)) {
        this.used.add(seed);
        return seed;
      }
    }
  }

  /** Marks seeds as taken (those of recipes the request already uses). */
  reserve(seeds: Iterable<number>): void {
    for (const seed of seeds) this.used.add(seed);
  }
}
