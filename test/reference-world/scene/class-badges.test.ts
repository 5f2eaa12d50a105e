import { describe, expect, it } from 'vitest';
import { BADGE_DARK_CELLS, badgeCodeOf, classOfBadgeCode } from '../../../src/reference-world/scene/class-badges.js';
import { COCO_CLASSES } from '../../../src/reference-world/scene/coco-classes.js';

describe('badgeCodeOf', () => {
  it('gives every class its own four-of-nine code and reads it back', () => {
    // Act
    const codes = COCO_CLASSES.map((name) => badgeCodeOf(name) ?? -1);

    // Assess
    expect(new Set(codes).size).toBe(80);
    for (const [index, code] of codes.entries()) {
      expect(code).toBeGreaterThanOrEqual(0);
      expect(code).toBeLessThan(512);
      expect(code.toString(2).split('').filter((bit) => bit === '1')).toHaveLength(BADGE_DARK_CELLS);
      expect(classOfBadgeCode(code)).toBe(COCO_CLASSES[index]);
    }
    expect(badgeCodeOf('unicorn')).toBeUndefined();
    expect(classOfBadgeCode(0)).toBeUndefined();
  });
});
