import { describe, expect, it } from 'vitest';
import { isUuidV7, newUuidV7, uuidV7Timestamp } from '../../src/records/uuid-v7.js';
import { candidateImageKey, generationRecordKey } from '../../src/records/generation-layout.js';

describe('newUuidV7', () => {
  it('carries its creation time and sorts by it', () => {
    // Prepare
    const times = [1_700_000_000_000, 1_700_000_000_001, 1_800_000_000_000];
    // Act
    const ids = times.map((time) => newUuidV7(time));
    // Assess
    ids.forEach((id, index) => {
      expect(isUuidV7(id)).toBe(true);
      expect(uuidV7Timestamp(id)).toBe(times[index]);
    });
    expect([...ids].reverse().sort()).toEqual(ids);
  });

  it('differs between two ids of the same millisecond', () => {
    expect(newUuidV7(5)).not.toBe(newUuidV7(5));
  });

  it('is a function of its time and random bytes', () => {
    // Prepare
    const random = Uint8Array.from({ length: 16 }, (_, index) => index * 17);
    // Act
    const id = newUuidV7(1_700_000_000_000.7, random);
    // Assess
    expect(newUuidV7(1_700_000_000_000, random)).toBe(id);
    expect(isUuidV7(id)).toBe(true);
    expect(uuidV7Timestamp(id)).toBe(1_700_000_000_000);
  });
});

describe('generation layout', () => {
  it('files a generation under its tenant and the UTC date its id carries', () => {
    // Prepare
    const id = newUuidV7(Date.UTC(2026, 10, 26, 23, 59));
    // Act / Assess
    expect(generationRecordKey('acme', id)).toBe(`generations/acme/2026/11/26/${id}/record.json`);
    expect(candidateImageKey('acme', id, 'c003')).toBe(`generations/acme/2026/11/26/${id}/c003.png`);
  });
});
