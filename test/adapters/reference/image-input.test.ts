import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { BackendCallError, DiffalignError } from '../../../src/ports/errors.js';
import { decodeImage, imageBytes } from '../../../src/adapters/reference/image-input.js';
import { InvalidImageError } from '../../../src/adapters/reference/invalid-image-error.js';

describe('imageBytes', () => {
  it('returns inline bytes and fetches URLs with the injected fetch', async () => {
    // Prepare
    const data = new Uint8Array([1, 2, 3]);
    const requested: string[] = [];
    const fetchImpl = async (url: string): Promise<Response> => {
      requested.push(url);
      return new Response(new Uint8Array([4, 5]), { status: 200 });
    };

    // Act
    const inline = await imageBytes({ type: 'inline', mediaType: 'image/png', data }, fetchImpl);
    const fetched = await imageBytes({ type: 'url', url: 'https://images.example/a.png' }, fetchImpl);

    // Assess
    expect(inline).toBe(data);
    expect([...fetched]).toEqual([4, 5]);
    expect(requested).toEqual(['https://images.example/a.png']);
  });

  it('turns a failed fetch into a BackendCallError that says whether to retry', async () => {
    // Act
    const notFound = await imageBytes({ type: 'url', url: 'https://images.example/gone.png' }, async () => new Response('no', { status: 404 })).catch((error: unknown) => error);
    const unavailable = await imageBytes({ type: 'url', url: 'https://images.example/busy.png' }, async () => new Response('busy', { status: 503 })).catch((error: unknown) => error);

    // Assess
    expect(notFound).toMatchObject({ code: 'backend_call_failed', statusCode: 404, isRetryable: false });
    expect(unavailable).toBeInstanceOf(BackendCallError);
    expect(unavailable).toMatchObject({ isRetryable: true });
  });
});

describe('decodeImage', () => {
  it('decodes to RGB and shrinks to the requested side, never enlarging', async () => {
    // Prepare
    const rgba = await sharp({ create: { width: 300, height: 150, channels: 4, background: { r: 10, g: 20, b: 30, alpha: 1 } } }).png().toBuffer();
    const grey = await sharp({ create: { width: 40, height: 40, channels: 3, background: '#808080' } }).toColourspace('b-w').png().toBuffer();

    // Act
    const shrunk = await decodeImage(rgba, 100);
    const small = await decodeImage(grey, 100);

    // Assess
    expect([shrunk.width, shrunk.height, shrunk.channels, shrunk.data.length]).toEqual([100, 50, 3, 100 * 50 * 3]);
    expect([...shrunk.data.subarray(0, 3)]).toEqual([10, 20, 30]);
    expect([small.width, small.height, small.channels]).toEqual([40, 40, 3]);
  });

  it('throws InvalidImageError (code invalid_image) on bytes that are not an image', async () => {
    // Act
    const garbage = await decodeImage(new TextEncoder().encode('definitely not a png'), 64, 'image/png').catch((error: unknown) => error);
    const empty = await decodeImage(new Uint8Array(0), 64).catch((error: unknown) => error);

    // Assess
    expect(garbage).toBeInstanceOf(InvalidImageError);
    expect(garbage).toMatchObject({ code: 'invalid_image', mediaType: 'image/png' });
    expect(DiffalignError.isInstance(empty) && empty.code === 'invalid_image').toBe(true);
  });
});
