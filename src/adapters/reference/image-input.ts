import sharp from 'sharp';
import { AbortedError, BackendCallError } from '../../ports/errors.js';
import type { ImageRef } from '../../ports/image-ref.js';
import { InvalidImageError } from './invalid-image-error.js';

/** The `fetch` a scorer uses for `url` images (injectable for tests and custom transports). */
export type FetchFunction = (input: string, init?: { signal?: AbortSignal }) => Promise<Response>;

/** Decoded pixels: interleaved 8-bit sRGB, 3 channels. */
export interface DecodedImage {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly channels: 3;
}

/** The bytes of an image reference: inline data as is, a URL fetched (non-2xx is a BackendCallError). */
export async function imageBytes(image: ImageRef, fetchImpl: FetchFunction, signal?: AbortSignal): Promise<Uint8Array> {
  if (image.type === 'inline') return image.data;
  let response: Response;
  try {
    response = await fetchImpl(image.url, signal ? { signal } : undefined);
  } catch (error) {
    if (signal?.aborted) throw new AbortedError('image fetch aborted', { cause: error });
    throw new BackendCallError({ backend: 'image-url', message: `could not fetch image: ${String(error)}`, cause: error, isRetryable: true });
  }
  if (!response.ok) {
    throw new BackendCallError({ backend: 'image-url', message: `image fetch answered ${response.status}`, statusCode: response.status });
  }
  return new Uint8Array(await response.arrayBuffer());
}

/** Decodes image bytes to sRGB pixels, shrunk (never enlarged) to fit `maxSide`; undecodable bytes throw InvalidImageError. */
export async function decodeImage(bytes: Uint8Array, maxSide: number, mediaType?: string): Promise<DecodedImage> {
  if (bytes.byteLength === 0) throw new InvalidImageError('empty image', mediaType === undefined ? {} : { mediaType });
  try {
    const { data, info } = await sharp(bytes, { failOn: 'error' })
      .removeAlpha()
      .toColourspace('srgb')
      .resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true, kernel: 'linear' })
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`expected 3 channels, got ${info.channels}`);
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, channels: 3 };
  } catch (error) {
    throw new InvalidImageError(`could not decode image: ${error instanceof Error ? error.message : String(error)}`, { ...(mediaType === undefined ? {} : { mediaType }), cause: error });
  }
}
