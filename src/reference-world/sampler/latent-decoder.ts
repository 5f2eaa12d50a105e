import { bankCombination, type PrototypeBank } from './prototype-bank.js';
import { simplexLeastSquares } from './simplex-least-squares.js';

/** What the decoder needs about a bank: its centroid and the Gram matrix of the centred prototypes. */
export interface DecoderBasis {
  readonly bank: PrototypeBank;
  readonly centroid: Float64Array;
  /** count × count Gram matrix of μ_k − centroid. */
  readonly gram: Float64Array;
}

/** A latent read as a convex blend of the prototypes plus what the blend cannot explain. */
export interface LatentReading {
  /** Blend weights on the simplex, one per prototype. */
  readonly weights: Float64Array;
  /** x₀ − Σ_k w_k·μ_k, same layout as the latent (CHW). */
  readonly residual: Float64Array;
}

/** Precomputes the decoder basis of a bank (centring removes the shared background and conditions the fit). */
export function createDecoderBasis(bank: PrototypeBank): DecoderBasis {
  const { count, dimension, means } = bank;
  const centroid = bankCombination(bank, new Float64Array(count).fill(1 / count));
  const centred = new Float64Array(count * dimension);
  for (let row = 0; row < count; row += 1) {
    for (let index = 0; index < dimension; index += 1) centred[row * dimension + index] = means[row * dimension + index] - centroid[index];
  }
  const gram = new Float64Array(count * count);
  for (let row = 0; row < count; row += 1) {
    for (let column = row; column < count; column += 1) {
      let sum = 0;
      for (let index = 0; index < dimension; index += 1) sum += centred[row * dimension + index] * centred[column * dimension + index];
      gram[row * count + column] = sum;
      gram[column * count + row] = sum;
    }
  }
  return { bank, centroid, gram };
}

/**
 * Reads a latent x₀ as the convex blend of prototypes closest to it (least squares on the simplex) and the
 * residual. A concentrated sample reads as one prototype plus fine texture; a sampler that stopped early
 * (posterior still spread) reads as a blend of several scenes.
 */
export function readLatent(basis: DecoderBasis, x0: ArrayLike<number>): LatentReading {
  const { bank, centroid, gram } = basis;
  const { count, dimension, means } = bank;
  const target = new Float64Array(count);
  for (let row = 0; row < count; row += 1) {
    let sum = 0;
    for (let index = 0; index < dimension; index += 1) sum += (means[row * dimension + index] - centroid[index]) * (x0[index] - centroid[index]);
    target[row] = sum;
  }
  const weights = count === 1 ? new Float64Array([1]) : simplexLeastSquares(gram, target);
  const blend = bankCombination(bank, weights);
  const residual = new Float64Array(dimension);
  for (let index = 0; index < dimension; index += 1) residual[index] = x0[index] - blend[index];
  return { weights, residual };
}

/** A full-resolution render of one prototype and its weight in the composite. */
export interface WeightedRender {
  readonly weight: number;
  /** Interleaved 8-bit RGB, height × width × 3 (as the renderer rasterises it). */
  readonly rgb: Uint8Array;
}

/** Options of `compositeImage`. */
export interface CompositeOptions {
  readonly renders: readonly WeightedRender[];
  /** The latent residual (3 × latentSize × latentSize, CHW, pixel units in [−1, 1] scale), upsampled bilinearly as texture. */
  readonly residual: Float64Array;
  readonly latentSize: number;
  readonly width: number;
  readonly height: number;
  /** How strongly the residual shows (1: as is). */
  readonly residualGain: number;
}

/**
 * The decoder's pixels: Σ_j w_j·render_j + gain·upsample(residual) (the residual in [−1, 1] units, i.e.
 * 127.5 per unit), clamped and rounded to interleaved 8-bit RGB. Weights are renormalised over the
 * renders given.
 */
export function compositeImage(options: CompositeOptions): Uint8Array {
  const { renders, residual, latentSize, width, height, residualGain } = options;
  const totalWeight = renders.reduce((sum, render) => sum + render.weight, 0) || 1;
  const weights = renders.map((render) => render.weight / totalWeight);
  const columns = bilinearAxis(latentSize, width);
  const rows = bilinearAxis(latentSize, height);
  const latentPlane = latentSize * latentSize;
  const pixels = new Uint8ClampedArray(width * height * 3);
  // the residual of one output row, upsampled along x, per channel (interleaved like the pixels)
  const rowResidual = new Float64Array(width * 3);
  const latentRow = new Float64Array(latentSize * 3);
  const gain = residualGain * 127.5;
  for (let y = 0; y < height; y += 1) {
    const fy = rows.fraction[y] as number;
    for (let channel = 0; channel < 3; channel += 1) {
      const top = channel * latentPlane + (rows.low[y] as number) * latentSize;
      const bottom = channel * latentPlane + (rows.high[y] as number) * latentSize;
      for (let x = 0; x < latentSize; x += 1) latentRow[x * 3 + channel] = gain * ((residual[top + x] as number) * (1 - fy) + (residual[bottom + x] as number) * fy);
    }
    for (let x = 0; x < width; x += 1) {
      const fx = columns.fraction[x] as number;
      const low = (columns.low[x] as number) * 3;
      const high = (columns.high[x] as number) * 3;
      for (let channel = 0; channel < 3; channel += 1) rowResidual[x * 3 + channel] = (latentRow[low + channel] as number) * (1 - fx) + (latentRow[high + channel] as number) * fx;
    }
    const start = y * width * 3;
    if (renders.length === 1) {
      const rgb = (renders[0] as WeightedRender).rgb;
      for (let index = 0; index < width * 3; index += 1) pixels[start + index] = (rgb[start + index] as number) + (rowResidual[index] as number);
    } else {
      for (let index = 0; index < width * 3; index += 1) {
        let value = rowResidual[index] as number;
        for (let render = 0; render < renders.length; render += 1) value += (weights[render] as number) * ((renders[render] as WeightedRender).rgb[start + index] as number);
        pixels[start + index] = value;
      }
    }
  }
  return new Uint8Array(pixels.buffer);
}

/** Source indices and weights of bilinear (half-pixel centred) resampling along one axis. */
function bilinearAxis(sourceSize: number, targetSize: number): { low: Int32Array; high: Int32Array; fraction: Float64Array } {
  const low = new Int32Array(targetSize);
  const high = new Int32Array(targetSize);
  const fraction = new Float64Array(targetSize);
  const scale = sourceSize / targetSize;
  for (let index = 0; index < targetSize; index += 1) {
    const position = Math.min(sourceSize - 1, Math.max(0, (index + 0.5) * scale - 0.5));
    const base = Math.floor(position);
    low[index] = base;
    high[index] = Math.min(sourceSize - 1, base + 1);
    fraction[index] = position - base;
  }
  return { low, high, fraction };
}
