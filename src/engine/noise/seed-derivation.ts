import { fmix32 } from '../../ports/index.js';

/**
 * Derives an unsigned 32-bit seed from (root seed, purpose, index), so every noise of a request is
 * reproducible from `plan.seed` alone and seeds of different purposes never follow the same stream.
 * FNV-1a over the UTF-8 text `root/purpose/index`, finished with murmur3's fmix32 avalanche.
 */
export function deriveSeed(rootSeed: number, purpose: string, index: number): number {
  const text = `${rootSeed}/${purpose}/${index}`;
  const bytes = new TextEncoder().encode(text);
  let hash = 0x811c9dc5;
  for (const byte of bytes) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  return fmix32(hash);
}
