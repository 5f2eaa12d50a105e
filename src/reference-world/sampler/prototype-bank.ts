/**
 * The prototypes (flattened latents) of a finite scene mixture, stored once so the conditional and
 * the unconditional mixture, which weight the same prototypes differently, share every dot product.
 */
export interface PrototypeBank {
  /** Length of one latent (3·32·32 for the reference world). */
  readonly dimension: number;
  readonly count: number;
  /** count × dimension, row-major. */
  readonly means: Float64Array;
  /** ‖μ_k‖² per prototype. */
  readonly squaredNorms: Float64Array;
}

/** Packs equal-length prototype latents into a bank; throws on an empty list or mismatched lengths. */
export function createPrototypeBank(prototypes: readonly ArrayLike<number>[]): PrototypeBank {
  const first = prototypes[0];
  if (first === undefined) throw new RangeError('a prototype bank needs at least one prototype');
  const dimension = first.length;
  const means = new Float64Array(prototypes.length * dimension);
  const squaredNorms = new Float64Array(prototypes.length);
  prototypes.forEach((prototype, row) => {
    if (prototype.length !== dimension) throw new RangeError(`prototype ${row} has length ${prototype.length}, expected ${dimension}`);
    let squaredNorm = 0;
    const offset = row * dimension;
    for (let index = 0; index < dimension; index += 1) {
      const value = prototype[index];
      means[offset + index] = value;
      squaredNorm += value * value;
    }
    squaredNorms[row] = squaredNorm;
  });
  return { dimension, count: prototypes.length, means, squaredNorms };
}

/** ⟨μ_k, x⟩ for every prototype k. */
export function bankDotProducts(bank: PrototypeBank, x: ArrayLike<number>): Float64Array {
  const { dimension, count, means } = bank;
  const dots = new Float64Array(count);
  for (let row = 0; row < count; row += 1) {
    const offset = row * dimension;
    let sum = 0;
    for (let index = 0; index < dimension; index += 1) sum += means[offset + index] * x[index];
    dots[row] = sum;
  }
  return dots;
}

/** Weights below this magnitude are skipped in combinations (their share is far below float32 resolution). */
const NEGLIGIBLE_WEIGHT = 1e-12;

/** Σ_k w_k·μ_k, written into `out` (allocated when absent); negligible weights (|w| < 1e-12) are skipped. */
export function bankCombination(bank: PrototypeBank, weights: ArrayLike<number>, out?: Float64Array): Float64Array {
  const { dimension, count, means } = bank;
  const result = out ?? new Float64Array(dimension);
  result.fill(0);
  for (let row = 0; row < count; row += 1) {
    const weight = weights[row];
    if (Math.abs(weight) < NEGLIGIBLE_WEIGHT) continue;
    const offset = row * dimension;
    for (let index = 0; index < dimension; index += 1) result[index] += weight * means[offset + index];
  }
  return result;
}
