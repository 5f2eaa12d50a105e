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
  /** CHW float RGB in [−1, 1], 3 × height × width. */
  readonly rgb: Float32Array;
}

/** Options of `compositeImage`. */
export interface CompositeOptions {
  readonly renders: readonly WeightedRender[];
  /** The latent residual (3 × latentSize × latentSize, CHW), upsampled bilinearly as texture. */
  readonly residual: Float64Array;
  readonly latentSize: number;
  readonly width: number;
  readonly height: number;
  /** How strongly the residual shows (1: as is). */
  readonly residualGain: number;
}

/**
 * The decoder's pixels: Σ_j w_j·render_j + gain·upsample(residual), clamped to [−1, 1] and quantised to
 * interleaved 8-bit RGB (round half to even). Weights are renormalised over the renders given.
 */
export function compositeImage(options: CompositeOptions): Uint8Array {
  const { renders, residual, latentSize, width, height, residualGain } = options;
  const plane = width * height;
  const totalWeight = renders.reduce((sum, render) => sum + render.weight, 0) || 1;
  const weights = renders.map((render) => render.weight / totalWeight);
  const columns = bilinearAxis(latentSize, width);
  const rows = bilinearAxis(latentSize, height);
  const latentPlane = latentSize * latentSize;
  const pixels = new Uint8ClampedArray(plane * 3);
  const rowBuffer = new Float64Array(latentSize);
  for (let channel = 0; channel < 3; channel += 1) {
    const channelOffset = channel * latentPlane;
    const renderOffset = channel * plane;
    for (let y = 0; y < height; y += 1) {
      const top = channelOffset + rows.low[y] * latentSize;
      const bottom = channelOffset + rows.high[y] * latentSize;
      const fy = rows.fraction[y];
      for (let x = 0; x < latentSize; x += 1) rowBuffer[x] = residualGain * (residual[top + x] * (1 - fy) + residual[bottom + x] * fy);
      const rowStart = y * width;
      for (let x = 0; x < width; x += 1) {
        const fx = columns.fraction[x];
        let value = rowBuffer[columns.low[x]] * (1 - fx) + rowBuffer[columns.high[x]] * fx;
        const index = rowStart + x;
        for (let render = 0; render < renders.length; render += 1) value += weights[render] * renders[render].rgb[renderOffset + index];
        pixels[index * 3 + channel] = (value + 1) * 127.5;
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
