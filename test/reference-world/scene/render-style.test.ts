import { describe, expect, it } from 'vitest';
import { NEUTRAL_STYLE, STYLE_RANGES, clampStyle, styleFromModifiers } from '../../../src/reference-world/scene/render-style.js';
import type { RenderStyle } from '../../../src/reference-world/scene/render-style.js';

describe('styleFromModifiers', () => {
  it('is neutral without modifiers or with unknown ones', () => {
    // Assess
    expect(styleFromModifiers([])).toEqual(NEUTRAL_STYLE);
    expect(styleFromModifiers(['cute', 'by greg rutkowski'])).toEqual(NEUTRAL_STYLE);
  });

  it.each([
    ['highly detailed', 'detail', 1],
    ['8k', 'detail', 1],
    ['sharp focus', 'detail', 1],
    ['vivid colors', 'saturation', 1],
    ['dramatic lighting', 'lighting', 1],
    ['trending on artstation', 'detail', 1],
    ['blurry', 'detail', -1],
    ['hazy', 'washout', 1],
    ['cluttered', 'clutter', 1],
    ['minimalist', 'clutter', -1],
    ['muted colors', 'saturation', -1],
  ] as const)('"%s" moves %s', (modifier, field, direction) => {
    // Act
    const style = styleFromModifiers([modifier]);

    // Assess
    expect(Math.sign(style[field] - NEUTRAL_STYLE[field])).toBe(direction);
  });

  it('stays inside the documented ranges however many boosters pile up', () => {
    // Act
    const style = styleFromModifiers(['highly detailed, intricate, 8k, sharp focus, vivid colors, dramatic lighting, high contrast, trending on artstation, octane render']);

    // Assess
    for (const [field, [min, max]] of Object.entries(STYLE_RANGES) as [keyof RenderStyle, readonly [number, number]][]) {
      expect(style[field]).toBeGreaterThanOrEqual(min);
      expect(style[field]).toBeLessThanOrEqual(max);
    }
  });
});

describe('clampStyle', () => {
  it('clamps out-of-range and non-finite fields', () => {
    // Act
    const style = clampStyle({ detail: 5, contrast: -1, saturation: Number.NaN, lighting: 0.5, clutter: -3, washout: 2 });

    // Assess
    expect(style).toEqual({ detail: 1, contrast: 0.6, saturation: 1, lighting: 0.5, clutter: 0, washout: 1 });
  });
});
