import sharp from 'sharp';
import { BackendCallError } from '../../src/ports/errors.js';
import type { GenerateOptions, GenerateResult, GeneratorV1 } from '../../src/ports/generator.js';
import type { ScoreOptions, ScoreResult, ScorerV1 } from '../../src/ports/scorer.js';

/** A tiny real generator for API tests: a solid-colour PNG whose grey level is a function of the first seed. */
export class SolidColorGenerator implements GeneratorV1 {
  readonly specificationVersion = 'v1';
  readonly provider = 'test';
  readonly modelId = 'solid-color';
  readonly maxBatchSize = 4;
  readonly maxConcurrency = 2;
  calls = 0;

  /** @param failCall which calls (0-based) fail with a non-retryable backend error. */
  constructor(private readonly failCall: (callIndex: number) => boolean = () => false) {}

  async doGenerate(options: GenerateOptions): Promise<GenerateResult> {
    const callIndex = this.calls;
    this.calls += 1;
    if (this.failCall(callIndex)) {
      throw new BackendCallError({ backend: this.modelId, message: 'endpoint exploded', statusCode: 400 });
    }
    const images = await Promise.all(
      options.items.map(async (item) => {
        const level = item.noise.terms[0]!.seed % 256;
        const data = await sharp({ create: { width: 16, height: 16, channels: 3, background: { r: level, g: level, b: level } } }).png().toBuffer();
        return { image: { type: 'inline' as const, mediaType: 'image/png', data: new Uint8Array(data) }, nfe: item.steps * (item.guidance > 1 ? 2 : 1) };
      }),
    );
    return { images, warnings: [], response: { modelId: this.modelId } };
  }
}

/** A real pixel scorer for API tests: mean brightness of the decoded PNG in [0, 1]. */
export class BrightnessScorer implements ScorerV1 {
  readonly specificationVersion = 'v1';
  readonly provider = 'test';
  readonly modelId = 'brightness';
  readonly maxBatchSize = 8;
  readonly maxConcurrency = 2;
  readonly range = { min: 0, max: 1 };

  async doScore(options: ScoreOptions): Promise<ScoreResult> {
    const scores = await Promise.all(
      options.items.map(async (item) => {
        if (item.image.type !== 'inline') throw new Error('inline images only');
        const { data } = await sharp(item.image.data).raw().toBuffer({ resolveWithObject: true });
        let sum = 0;
        for (const value of data) sum += value;
        return sum / data.length / 255;
      }),
    );
    return { scores, warnings: [], response: { modelId: this.modelId } };
  }
}
