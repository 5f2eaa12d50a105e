import type { ImageRef, ScoreDetail, ScoreOptions, ScoreResult, ScorerV1, Warning } from '../../ports/index.js';
import { SageMakerAdapter, type SageMakerEndpointConfig } from './sagemaker-endpoint.js';
import { toBase64 } from './wire-encoding.js';
import { SCORER_V1, scorerV1ResponseSchema, type WireImage } from './wire/scorer-v1.js';

/** Configuration of one reward model on a SageMaker scorer endpoint. */
export interface SageMakerScorerConfig extends SageMakerEndpointConfig {
  readonly maxBatchSize: number;
  readonly maxConcurrency: number;
  /** Nominal score range, for the models listing. */
  readonly range?: { readonly min: number; readonly max: number };
  /** Whether the model's scores of x̂₀ previews are meaningful (ScorerV1.judgesPreviews). */
  readonly judgesPreviews?: boolean;
}

/**
 * ScorerV1 for one reward model (`modelId`, sent as `model`) on a SageMaker endpoint speaking
 * `scorer-v1`. Inline images travel as base64, URL images as their URL; a batch over the 6 MB request
 * limit is sent as several consecutive calls.
 */
export class SageMakerScorer extends SageMakerAdapter implements ScorerV1 {
  readonly maxBatchSize: number;
  readonly maxConcurrency: number;
  readonly range?: { readonly min: number; readonly max: number };
  readonly judgesPreviews: boolean;

  constructor(modelId: string, config: SageMakerScorerConfig) {
    super(modelId, config);
    this.maxBatchSize = config.maxBatchSize;
    this.maxConcurrency = config.maxConcurrency;
    this.judgesPreviews = config.judgesPreviews === true;
    if (config.range) this.range = config.range;
  }

  async doScore(options: ScoreOptions): Promise<ScoreResult> {
    const { items, abortSignal } = options;
    if (items.length === 0) return { scores: [], warnings: [], response: { modelId: this.modelId } };
    const encoded = items.map((item) => JSON.stringify({ prompt: item.prompt, image: toWireImage(item.image) }));
    const results = await this.endpoint.callInParts(
      { prefix: `{"version":"${SCORER_V1}","model":${JSON.stringify(this.modelId)},"items":[`, suffix: ']}', items: encoded },
      abortSignal,
      ({ json }, range, inferenceId) => this.read(json, range[1] - range[0], inferenceId),
    );
    const scores = results.flatMap((result) => result.scores);
    const details = results.flatMap((result) => result.details);
    return {
      scores,
      ...(details.some((detail) => detail !== undefined) ? { details } : {}),
      warnings: [] as Warning[],
      response: { modelId: results[0]?.modelId ?? this.modelId },
    };
  }

  private read(json: unknown, count: number, inferenceId: string): { scores: (number | null)[]; details: (ScoreDetail | undefined)[]; modelId: string } {
    const invalid = (message: string, cause?: unknown) => this.invalidResponse(inferenceId, `model ${this.modelId}: ${message}`, cause);
    const parsed = scorerV1ResponseSchema.safeParse(json);
    if (!parsed.success) throw invalid(`answer is not a scorer-v1 response (${parsed.error.issues[0]?.path.join('.') || 'body'}: ${parsed.error.issues[0]?.message})`, parsed.error);
    const { scores, details, model } = parsed.data;
    if (scores.length !== count) throw invalid(`answered ${scores.length} scores for ${count} items`);
    return {
      scores,
      details: scores.map((_, index) => toDetail(details?.[index] ?? undefined)),
      modelId: model ?? this.modelId,
    };
  }
}

function toWireImage(image: ImageRef): WireImage {
  if (image.type === 'url') return { url: image.url, ...(image.mediaType === undefined ? {} : { media_type: image.mediaType }) };
  return { b64: toBase64(image.data), media_type: image.mediaType };
}

function toDetail(wire: { failed?: string[] | undefined; passed?: string[] | undefined; abstained?: string | undefined } | undefined): ScoreDetail | undefined {
  if (wire === undefined) return undefined;
  const detail: { failed?: string[]; passed?: string[]; abstained?: string } = {};
  if (wire.failed !== undefined) detail.failed = wire.failed;
  if (wire.passed !== undefined) detail.passed = wire.passed;
  if (wire.abstained !== undefined) detail.abstained = wire.abstained;
  return Object.keys(detail).length === 0 ? undefined : detail;
}
