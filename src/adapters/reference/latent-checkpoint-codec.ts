import { deflateSync, inflateSync } from 'node:zlib';
import type { LatentCheckpoint } from '../../ports/index.js';
import { InvalidGenerateRequestError } from './invalid-generate-request-error.js';

/**
 * A float64 latent as a checkpoint: little-endian values, zlib-deflated (RFC 1950), base64 — the
 * contract's inline form (ports/latent-checkpoint.ts). float64 is the reference sampler's own precision,
 * so resuming is lossless.
 */
export function encodeLatentCheckpoint(latent: Float64Array, position: { step: number; steps: number }, model: string): LatentCheckpoint {
  const bytes = new Uint8Array(latent.length * 8);
  const view = new DataView(bytes.buffer);
  latent.forEach((value, index) => view.setFloat64(index * 8, value, true));
  return { step: position.step, steps: position.steps, shape: [latent.length], dtype: 'float64', data: deflateSync(bytes, { level: 6 }).toString('base64'), model };
}

/** The latent of a checkpoint (float64, float32 or float16 little-endian); throws InvalidGenerateRequestError when it is not one. */
export function decodeLatentCheckpoint(checkpoint: LatentCheckpoint): Float64Array {
  let raw: Buffer;
  try {
    raw = inflateSync(Buffer.from(checkpoint.data, 'base64'));
  } catch (error) {
    throw new InvalidGenerateRequestError(`checkpoint data is not deflated base64: ${(error as Error).message}`);
  }
  const count = checkpoint.shape.reduce((product, side) => product * side, 1);
  const width = checkpoint.dtype === 'float64' ? 8 : checkpoint.dtype === 'float32' ? 4 : 2;
  if (raw.byteLength !== count * width) throw new InvalidGenerateRequestError(`checkpoint holds ${raw.byteLength} bytes, its shape ${checkpoint.shape.join('×')} of ${checkpoint.dtype} needs ${count * width}`);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const latent = new Float64Array(count);
  for (let index = 0; index < count; index += 1) {
    latent[index] = width === 8 ? view.getFloat64(index * 8, true) : width === 4 ? view.getFloat32(index * 4, true) : halfToFloat(view.getUint16(index * 2, true));
  }
  return latent;
}

/** IEEE 754 binary16 → number. */
function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}
