import { describe, expect, it } from 'vitest';
import { pngResponseBound, SAGEMAKER_MAX_PAYLOAD_BYTES, splitByPayload } from '../../../src/adapters/sagemaker/payload-split.js';

const MB = 1024 * 1024;
const limits = { maxRequestBytes: SAGEMAKER_MAX_PAYLOAD_BYTES, maxResponseBytes: SAGEMAKER_MAX_PAYLOAD_BYTES, requestEnvelopeBytes: 60 };

describe('splitByPayload', () => {
  it('keeps a batch under 6 MB in one call', () => {
    // Act
    const ranges = splitByPayload([{ requestBytes: 2 * MB }, { requestBytes: 2 * MB }, { requestBytes: MB }], limits);
    // Assess
    expect(ranges).toEqual([[0, 3]]);
  });

  it('splits a batch above 6 MB into the fewest consecutive calls, each within the limit', () => {
    // Prepare: 16 images of 1.5 MB base64 each (24 MB)
    const items = Array.from({ length: 16 }, () => ({ requestBytes: 1.5 * MB }));
    // Act
    const ranges = splitByPayload(items, limits);
    // Assess: 3 per call (4.5 MB + envelope); 4 would be 6 MB + envelope, over the limit
    expect(ranges).toEqual([[0, 3], [3, 6], [6, 9], [9, 12], [12, 15], [15, 16]]);
    for (const [start, end] of ranges) expect(60 + (end - start - 1) + (end - start) * 1.5 * MB).toBeLessThanOrEqual(SAGEMAKER_MAX_PAYLOAD_BYTES);
  });

  it('counts the separators and the envelope to the byte', () => {
    // Prepare: two items exactly fill the limit with the envelope and one comma
    const half = (SAGEMAKER_MAX_PAYLOAD_BYTES - 60 - 1) / 2;
    // Act
    const fits = splitByPayload([{ requestBytes: Math.floor(half) }, { requestBytes: Math.floor(half) }], limits);
    const over = splitByPayload([{ requestBytes: Math.floor(half) + 1 }, { requestBytes: Math.floor(half) + 1 }], limits);
    // Assess
    expect(fits).toEqual([[0, 2]]);
    expect(over).toEqual([[0, 1], [1, 2]]);
  });

  it('splits on the bounded response size too (small requests, large answers)', () => {
    // Prepare: generator items are a few hundred bytes; their 1024x1024 PNG answers are bounded at ~4.2 MB
    const items = Array.from({ length: 4 }, () => ({ requestBytes: 300, responseBytes: pngResponseBound(1024, 1024) }));
    // Act
    const ranges = splitByPayload(items, { ...limits, responseEnvelopeBytes: 256 });
    // Assess
    expect(ranges).toEqual([[0, 1], [1, 2], [2, 3], [3, 4]]);
  });

  it('gives an item too large on its own a call to itself', () => {
    // Act
    const ranges = splitByPayload([{ requestBytes: 100 }, { requestBytes: 7 * MB }, { requestBytes: 100 }], limits);
    // Assess
    expect(ranges).toEqual([[0, 1], [1, 2], [2, 3]]);
  });

  it('returns no call for no items', () => {
    expect(splitByPayload([], limits)).toEqual([]);
  });
});

describe('pngResponseBound', () => {
  it('bounds a base64 PNG by its raw RGB bytes', () => {
    // Assess: 512x512 (786 kB raw) fits five times in 6 MB, 1024x1024 once
    expect(pngResponseBound(512, 512)).toBeGreaterThan((512 * 512 * 3 * 4) / 3);
    expect(Math.floor(SAGEMAKER_MAX_PAYLOAD_BYTES / pngResponseBound(512, 512))).toBe(5);
    expect(Math.floor(SAGEMAKER_MAX_PAYLOAD_BYTES / pngResponseBound(1024, 1024))).toBe(1);
  });
});
