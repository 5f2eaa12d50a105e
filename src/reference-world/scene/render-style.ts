/**
 * How a scene is drawn, apart from what is in it. Ranges (neutral in brackets):
 * - detail 0..1 (0.35): texture, shading and outlines; below 0.25 the image is blurred.
 * - contrast 0.6..1.4 (1): RGB contrast around mid-grey.
 * - saturation 0..1.6 (1): chroma scale (0 = greyscale).
 * - lighting 0..1 (0.2): strength of a diagonal light-to-shadow gradient.
 * - clutter 0..1 (0.2): density of low-contrast background shapes that are not objects.
 * - washout 0..1 (0.1): strength of a light grey haze over everything.
 */
export interface RenderStyle {
  detail: number;
  contrast: number;
  saturation: number;
  lighting: number;
  clutter: number;
  washout: number;
}

/** The style of a plain prompt with no modifiers. */
export const NEUTRAL_STYLE: RenderStyle = Object.freeze({
  detail: 0.35,
  contrast: 1,
  saturation: 1,
  lighting: 0.2,
  clutter: 0.2,
  washout: 0.1,
});

/** Valid range of each style field. */
export const STYLE_RANGES: Readonly<Record<keyof RenderStyle, readonly [number, number]>> = {
  detail: [0, 1],
  contrast: [0.6, 1.4],
  saturation: [0, 1.6],
  lighting: [0, 1],
  clutter: [0, 1],
  washout: [0, 1],
};

type StyleDelta = Partial<RenderStyle>;

/** What each known modifier does to the style (deltas added to the neutral style). */
const MODIFIER_EFFECTS: readonly (readonly [RegExp, StyleDelta])[] = [
  [/\b(highly|ultra|hyper|extremely) detailed\b|\bintricate\b|\bfine details?\b/, { detail: 0.3 }],
  [/\bdetailed\b/, { detail: 0.15 }],
  [/\b(8k|4k|16k|uhd|hdr|high resolution|hi res|highres)\b/, { detail: 0.15, washout: -0.05 }],
  [/\bsharp( focus)?\b|\bcrisp\b|\bin focus\b/, { detail: 0.2, washout: -0.05 }],
  [/\b(vivid|vibrant|bright|saturated|rich) colou?rs?\b|\bvivid\b|\bvibrant\b|\bcolou?rful\b/, { saturation: 0.3 }],
  [/\b(dramatic|cinematic|studio|volumetric|rim|golden hour) light(ing)?\b|\bchiaroscuro\b/, { lighting: 0.45, contrast: 0.15 }],
  [/\blight(ing)?\b/, { lighting: 0.1 }],
  [/\bhigh contrast\b|\bcontrasty\b/, { contrast: 0.25 }],
  [/\btrending on artstation\b|\bartstation\b/, { detail: 0.15, saturation: 0.15, lighting: 0.15 }],
  [/\bmasterpiece\b|\bbest quality\b|\baward winning\b|\bprofessional\b/, { detail: 0.1, clutter: -0.1, washout: -0.05 }],
  [/\b(octane|unreal engine|ray tracing|3d) ?(render)?\b|\brendered\b/, { detail: 0.15, lighting: 0.15 }],
  [/\b(concept art|digital (painting|art)|illustration|matte painting)\b/, { saturation: 0.1, detail: 0.05 }],
  [/\bsmooth\b|\belegant\b/, { clutter: -0.1 }],
  [/\b(minimalist|minimal|simple|clean|plain)( background| backdrop)?\b|\bminimalism\b|\buncluttered\b/, { clutter: -0.2 }],
  [/\b(cluttered|busy|messy|chaotic|crowded)\b/, { clutter: 0.5 }],
  [/\b(blurry|blurred|out of focus|soft focus|low resolution|low res|pixelated)\b/, { detail: -0.3 }],
  [/\b(hazy|foggy|misty|faded|washed out|overexposed|low contrast)\b/, { washout: 0.45, contrast: -0.15 }],
  [/\b(low quality|worst quality|bad quality|amateur|jpeg artifacts)\b/, { detail: -0.15, washout: 0.2, clutter: 0.2 }],
  [/\b(muted|pastel|desaturated|dull)( colou?rs?| tones?)?\b/, { saturation: -0.4 }],
  [/\b(black and white|monochrome|grayscale|greyscale|b&w)\b/, { saturation: -1 }],
  [/\b(flat lighting|evenly lit|overcast)\b/, { lighting: -0.2 }],
];

/** Clamps a style to the documented ranges. */
export function clampStyle(style: RenderStyle): RenderStyle {
  const clamp = (key: keyof RenderStyle): number => {
    const [min, max] = STYLE_RANGES[key];
    const value = Number.isFinite(style[key]) ? style[key] : NEUTRAL_STYLE[key];
    return Math.min(max, Math.max(min, value));
  };
  return {
    detail: clamp('detail'),
    contrast: clamp('contrast'),
    saturation: clamp('saturation'),
    lighting: clamp('lighting'),
    clutter: clamp('clutter'),
    washout: clamp('washout'),
  };
}

/**
 * The render style a prompt's leftover modifiers ask for: Promptist-style boosters ("highly detailed",
 * "8k", "sharp focus", "vivid colors", "dramatic lighting", "trending on artstation") raise detail,
 * saturation, contrast and lighting; "blurry", "hazy", "cluttered", "muted" lower quality. Each known
 * effect counts once; unknown modifiers change nothing.
 */
export function styleFromModifiers(modifiers: readonly string[]): RenderStyle {
  const text = modifiers.join(' , ').toLowerCase();
  const style: RenderStyle = { ...NEUTRAL_STYLE };
  for (const [pattern, delta] of MODIFIER_EFFECTS) {
    if (!pattern.test(text)) continue;
    for (const [key, value] of Object.entries(delta) as [keyof RenderStyle, number][]) style[key] += value;
  }
  return clampStyle(style);
}
