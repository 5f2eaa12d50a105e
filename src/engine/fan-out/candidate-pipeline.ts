import type { GeneratedImage, GeneratorV1, ImageRef, ScorerV1 } from '../../ports/index.js';
import { DiffalignError } from '../../ports/index.js';
import type { UsageMeter } from '../budget/usage-meter.js';
import { failRecord, type CandidateRecord } from '../candidate-record.js';
import type { ImageSink } from '../generation-plan.js';
import { raceAbort } from './abortable.js';
import { limiterFor } from './port-limiters.js';
import { retryCall } from './retry-call.js';

/** Everything the pipeline needs to turn candidate records into scored images. */
export interface PipelineContext {
  readonly generator: GeneratorV1;
  /** One entry per reward model of the plan. */
  readonly scorers: readonly { readonly model: string; readonly scorer: ScorerV1 }[];
  readonly imageSink: ImageSink;
  readonly signal: AbortSignal;
  readonly usage: UsageMeter;
  /** What scorers judge images against: always the user's original prompt, so every candidate is comparable. */
  readonly scoringPrompt: string;
  readonly settings: { readonly negativePrompt?: string; readonly guidance: number; readonly width: number; readonly height: number };
  /** Called once per record when it is scored or failed. */
  readonly onSettled: (record: CandidateRecord) => void;
  readonly retryDelayMs?: number;
}

/**
 * Generates records in batches of the generator's maxBatchSize under its concurrency limit; as soon as a
 * batch arrives its images are stored and scored (each scorer in its own batches and limit) while the
 * next batches generate. A failing call fails only the records of its batch; nothing here throws.
 */
export async function runCandidatePipeline(records: readonly CandidateRecord[], context: PipelineContext): Promise<void> {
  const batchSize = Math.max(1, context.generator.maxBatchSize);
  const batches: CandidateRecord[][] = [];
  for (let start = 0; start < records.length; start += batchSize) batches.push(records.slice(start, start + batchSize));
  await Promise.all(batches.map((batch) => runBatch(batch, context)));
}

async function runBatch(batch: readonly CandidateRecord[], context: PipelineContext): Promise<void> {
  const { generator, settings } = context;
  let images: readonly GeneratedImage[];
  try {
    const result = await callPort(generator, 'generator', context, (abortSignal, attempt) => {
      if (attempt === 0) {
        for (const record of batch) {
          record.dispatched = true;
          context.usage.addImages(record.request.phase, 1);
        }
      }
      return generator.doGenerate({
        items: batch.map((record) => ({
          prompt: record.request.prompt,
          ...(settings.negativePrompt !== undefined ? { negativePrompt: settings.negativePrompt } : {}),
          noise: record.request.noise,
          steps: record.request.steps,
          guidance: settings.guidance,
          width: settings.width,
          height: settings.height,
          format: 'png' as const,
        })),
        abortSignal,
      });
    });
    images = result.images;
  } catch (error) {
    for (const record of batch) settle(record, errorOf(error, 'generation_failed', context.signal), context);
    return;
  }
  const delivered: { record: CandidateRecord; image: ImageRef }[] = [];
  batch.forEach((record, index) => {
    const generated = images[index];
    if (!generated) {
      failRecord(record, { code: 'invalid_response', message: `generator returned ${images.length} images for ${batch.length} items` });
      return;
    }
    record.nfe = generated.nfe;
    record.mediaType = generated.image.mediaType ?? 'image/png';
    context.usage.addNfe(record.request.phase, generated.nfe);
    delivered.push({ record, image: generated.image });
  });
  await Promise.all([
    ...delivered.map((entry) => storeImage(entry.record, entry.image, context)),
    ...context.scorers.map((entry) => scoreWith(entry.model, entry.scorer, delivered, context)),
  ]);
  for (const record of batch) {
    if (record.status === 'pending') record.status = 'scored';
    context.onSettled(record);
  }
}

async function storeImage(record: CandidateRecord, image: ImageRef, context: PipelineContext): Promise<void> {
  if (image.type === 'url') {
    record.url = image.url;
    return;
  }
  try {
    const saved = await raceAbort(
      retryCall(() => context.imageSink.save(record.id, { bytes: image.data, mediaType: image.mediaType }), {
        signal: context.signal,
        ...(context.retryDelayMs !== undefined ? { baseDelayMs: context.retryDelayMs } : {}),
      }),
      context.signal,
    );
    record.url = saved.url;
  } catch (error) {
    failRecord(record, errorOf(error, 'image_store_failed', context.signal));
  }
}

async function scoreWith(
  model: string,
  scorer: ScorerV1,
  delivered: readonly { record: CandidateRecord; image: ImageRef }[],
  context: PipelineContext,
): Promise<void> {
  const chunkSize = Math.max(1, scorer.maxBatchSize);
  const chunks: (typeof delivered)[] = [];
  for (let start = 0; start < delivered.length; start += chunkSize) chunks.push(delivered.slice(start, start + chunkSize));
  await Promise.all(
    chunks.map(async (chunk) => {
      try {
        const result = await callPort(scorer, 'scorer', context, (abortSignal) =>
          scorer.doScore({ items: chunk.map((entry) => ({ prompt: context.scoringPrompt, image: entry.image })), abortSignal }),
        );
        chunk.forEach((entry, index) => {
          const score = result.scores[index];
          if (score === undefined || !Number.isFinite(score)) {
            failRecord(entry.record, { code: 'invalid_score', message: `scorer ${model} gave no finite score` });
            return;
          }
          entry.record.scores[model] = score;
          const detail = result.details?.[index];
          if (detail) entry.record.details[model] = detail;
        });
      } catch (error) {
        for (const entry of chunk) failRecord(entry.record, errorOf(error, 'scoring_failed', context.signal));
      }
    }),
  );
}

/** One port call under the port's concurrency limit, retried when retryable, cut short by the request's signal. */
function callPort<T>(
  port: { readonly maxConcurrency: number },
  name: 'generator' | 'scorer',
  context: PipelineContext,
  call: (abortSignal: AbortSignal, attempt: number) => Promise<T>,
): Promise<T> {
  const { signal } = context;
  const work = limiterFor(port).run(
    () =>
      retryCall(
        (attempt) => {
          context.usage.addCall(name);
          return call(signal, attempt);
        },
        { signal, ...(context.retryDelayMs !== undefined ? { baseDelayMs: context.retryDelayMs } : {}) },
      ),
    signal,
  );
  return raceAbort(work, signal);
}

function settle(record: CandidateRecord, error: { code: string; message: string }, context: PipelineContext): void {
  failRecord(record, error);
  context.onSettled(record);
}

/** The `{code, message}` a failed candidate carries: the error's own code when it is ours, `aborted` after the signal fired. */
export function errorOf(error: unknown, fallbackCode: string, signal: AbortSignal): { code: string; message: string } {
  if (signal.aborted) {
    const reason: unknown = signal.reason;
    return { code: 'aborted', message: reason instanceof Error ? reason.message : 'aborted' };
  }
  if (DiffalignError.isInstance(error)) return { code: error.code, message: error.message };
  return { code: fallbackCode, message: error instanceof Error ? error.message : String(error) };
}
