/**
 * The light a scene is photographed in, apart from the style's lighting strength: a light gradient
 * across the image, a colour temperature and an exposure. The sampler derives it from the initial
 * noise, smoothly, so nearby noises light a scene alike; every field's neutral value is 0.
 */
export interface SceneLighting {
  /** Light gradient vector (fractions of the image per unit): its direction is where light comes from, its length how strong it is. */
  readonly gradientX: number;
  readonly gradientY: number;
  /** Colour temperature, −1 (cool, bluish) .. 1 (warm, orange). */
  readonly temperature: number;
  /** Exposure shift, −1 (dark) .. 1 (bright). */
  readonly exposure: number;
}

/** No extra light: the style's own diagonal gradient only. */
export const NEUTRAL_LIGHTING: SceneLighting = Object.freeze({ gradientX: 0, gradientY: 0, temperature: 0, exposure: 0 });
