import type { ScorerV1 } from '../../ports/scorer.js';
import type { GenevalSpec } from '../scene/geneval-spec.js';
import { generateGenevalSuite } from '../scene/geneval-suite.js';
import { NEUTRAL_STYLE, styleFromModifiers } from '../scene/render-style.js';
import type { RenderStyle } from '../scene/render-style.js';
import { layoutScene } from '../scene/scene-layout.js';
import { renderScenePng } from '../scene/scene-renderer.js';
import { SeededRandom } from '../scene/seeded-random.js';
import { mutateSpec } from '../scene/spec-mutations.js';

/** How calibration scenes are drawn. */
export interface CalibrationOptions {
  /** Specs to draw from (default: the generated suite, seed 0). */
  readonly specs?: readonly GenevalSpec[];
  /** Use every n-th spec (default 4). */
  readonly stride?: number;
  /** Square render size (default 512). */
  readonly size?: number;
  /** Styles, cycled over the scenes (default: neutral, Promptist-boosted, hazy-and-muted). */
  readonly styles?: readonly RenderStyle[];
  /** Seed of the layouts and of which scenes are failures (default 7). */
  readonly seed?: number;
}

/** The default styles of calibration scenes. */
export const CALIBRATION_STYLES: readonly RenderStyle[] = [
  NEUTRAL_STYLE,
  styleFromModifiers(['highly detailed', 'sharp focus', 'vivid colors', 'dramatic lighting', 'trending on artstation']),
  styleFromModifiers(['hazy', 'muted colors']),
];

/**
 * Mean and standard deviation of each scorer over scenes like a text-to-image model's outputs: for
 * every n-th spec, a faithful layout or (every other spec) a typical failure of it (mutateSpec),
 * rendered in a cycle of styles, scored against the spec's prompt.
 */
export async function measureScorerCalibration(scorers: readonly ScorerV1[], options: CalibrationOptions = {}): Promise<Record<string, { mean: number; std: number }>> {
  const specs = options.specs ?? generateGenevalSuite(0);
  const stride = Math.max(1, options.stride ?? 4);
  const size = options.size ?? 512;
  const styles = options.styles ?? CALIBRATION_STYLES;
  const random = new SeededRandom(options.seed ?? 7);
  const values = new Map<string, number[]>(scorers.map((scorer) => [scorer.modelId, []]));
  let scene = 0;
  for (let index = 0; index < specs.length; index += stride) {
    const spec = specs[index];
    if (!spec) continue;
    const mutated = scene % 2 === 1 ? mutateSpec(spec, random) : undefined;
    const layout = layoutScene(mutated?.variant ?? spec, (options.seed ?? 7) * 10_000 + index);
    const style = styles[scene % styles.length] ?? NEUTRAL_STYLE;
    const png = await renderScenePng(layout, style, size, size);
    for (const scorer of scorers) {
      const result = await scorer.doScore({ items: [{ prompt: spec.prompt ?? '', image: { type: 'inline', mediaType: 'image/png', data: png } }] });
      values.get(scorer.modelId)?.push(result.scores[0] ?? Number.NaN);
    }
    scene += 1;
  }
  const calibration: Record<string, { mean: number; std: number }> = {};
  for (const [modelId, scores] of values) {
    const mean = scores.reduce((sum, value) => sum + value, 0) / Math.max(1, scores.length);
    const variance = scores.reduce((sum, value) => sum + (value - mean) ** 2, 0) / Math.max(1, scores.length - 1);
    calibration[modelId] = { mean, std: Math.sqrt(variance) };
  }
  return calibration;
}
