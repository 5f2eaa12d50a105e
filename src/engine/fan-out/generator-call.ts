import type { GenerateItemV2, GeneratedSegment, Generator, Warning } from '../../ports/index.js';
import { DiffalignError } from '../../ports/index.js';
import { endsSchedule, imageFieldsOf, requestSpan, type CandidateRecord } from '../candidate-record.js';
import { MissingCheckpointError } from '../engine-errors.js';

/** A segment asked of a v1 generator, which can only run whole schedules from noise. */
export class GeneratorV2RequiredError extends DiffalignError {
  constructor(modelId: string) {
    super('generator_v2_required', `generator ${modelId} speaks generator v1: it cannot run part of a schedule or resume a checkpoint`);
  }
}

/** Settings every item of a request shares. */
export interface ItemSettings {
  readonly negativePrompt?: string;
  readonly guidance: number;
  readonly width: number;
  readonly height: number;
  /** Size of x̂₀ previews. */
  readonly preview: { readonly width: number; readonly height: number };
}

/** The generator item of a record: a v1 item for whole schedules, with the v2 fields of a segment. */
export function itemOf(record: CandidateRecord, settings: ItemSettings, putUrl: string | undefined): GenerateItemV2 {
  const { request } = record;
  const base: GenerateItemV2 = {
    ...imageFieldsOf(request, settings),
    format: 'png',
    ...(putUrl !== undefined && endsSchedule(request) ? { output: { putUrl } } : {}),
  };
  const segment = request.segment;
  if (!segment) return base;
  const parent = segment.parent;
  if (parent && !parent.latents) throw new MissingCheckpointError(parent.id);
  const { from, to } = requestSpan(request);
  return {
    ...base,
    from,
    to,
    ...(parent?.latents ? { start: parent.latents } : {}),
    ...(segment.renoise ? { renoise: segment.renoise } : {}),
    ...(segment.sampler && segment.sampler.eta > 0 ? { sampler: segment.sampler } : {}),
    ...(to < request.steps && segment.returnLatents ? { returnLatents: true } : {}),
    ...(to < request.steps && segment.preview ? { preview: settings.preview } : {}),
  };
}

/** Whether a record needs generator v2 (it runs part of a schedule, resumes, or samples stochastically). */
export function needsV2(record: CandidateRecord): boolean {
  const segment = record.request.segment;
  if (!segment) return false;
  return segment.from !== 0 || segment.to !== record.request.steps || segment.parent !== undefined || (segment.sampler?.eta ?? 0) > 0;
}

/** Calls either generator contract with a batch's items and answers one segment per item. */
export async function callGenerator(
  generator: Generator,
  records: readonly CandidateRecord[],
  items: readonly GenerateItemV2[],
  abortSignal: AbortSignal,
): Promise<{ outputs: readonly GeneratedSegment[]; warnings: readonly Warning[] }> {
  if (generator.specificationVersion === 'v2') {
    const result = await generator.doGenerate({ items, abortSignal });
    return { outputs: result.outputs, warnings: result.warnings };
  }
  if (records.some(needsV2)) throw new GeneratorV2RequiredError(generator.modelId);
  const result = await generator.doGenerate({
    items: items.map(({ from: _from, to: _to, start: _start, renoise: _renoise, sampler: _sampler, returnLatents: _latents, preview: _preview, ...item }) => item),
    abortSignal,
  });
  return { outputs: result.images.map((image) => ({ image: image.image, preview: false, nfe: image.nfe })), warnings: result.warnings };
}
