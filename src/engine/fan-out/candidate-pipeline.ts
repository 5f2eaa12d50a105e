import type { GeneratedSegment, Generator, ImageRef, ScorerV1, Warning } from '../../ports/index.js';
import { DiffalignError } from '../../ports/index.js';
import { segmentNfe } from '../budget/nfe-cost.js';
import type { NfeLedger } from '../budget/nfe-ledger.js';
import type { UsageMeter } from '../budget/usage-meter.js';
import { endsSchedule, failRecord, requestSpan, type CandidateRecord } from '../candidate-record.js';
import { RetryOverBudgetError } from '../engine-errors.js';
import type { ImageSink } from '../generation-plan.js';
import { raceAbort } from './abortable.js';
import { callGenerator, itemOf, type ItemSettings } from './generator-call.js';
import { latencyOf } from './latency-estimates.js';
import { limiterFor } from './port-limiters.js';
import { retryCall } from './retry-call.js';

/** Everything the pipeline needs to turn candidate records into scored images. */
export interface PipelineContext {
  readonly generator: Generator;
  /** One entry per reward model of the plan. */
  readonly scorers: readonly { readonly model: string; readonly scorer: ScorerV1 }[];
  /** The reward models that judge x̂₀ previews of unfinished segments. */
  readonly previewScorers: readonly { readonly model: string; readonly scorer: ScorerV1 }[];
  /** The request's NFE account (the first attempt of every batch is reserved before the pipeline runs). */
  readonly nfe: NfeLedger;
  readonly imageSink: ImageSink;
  /** Hard stop: aborts in-flight calls. */
  readonly signal: AbortSignal;
  /** Soft stop: generator calls that have not started leave the queue; started work finishes. */
  readonly stopSignal: AbortSignal;
  readonly usage: UsageMeter;
  /** What scorers judge images against: always the user's original prompt, so every candidate is comparable. */
  readonly scoringPrompt: string;
  readonly settings: ItemSettings;
  /**
   * Asked right before a generator call starts, with the expected milliseconds of the call and of scoring
   * its images (undefined while unknown): false leaves the batch unstarted (it could not finish in time).
   */
  readonly mayStart: (expectedMs: number | undefined) => boolean;
  /** A batch was sent to the generator. */
  readonly onDispatched: (batch: readonly CandidateRecord[]) => void;
  /** A record's image is stored (its url is set). */
  readonly onStored: (record: CandidateRecord) => void;
  /** Called once per dispatched record when it is scored or failed. */
  readonly onSettled: (record: CandidateRecord) => void;
  /** Non-fatal notes a port returned. */
  readonly onWarnings: (source: string, warnings: readonly Warning[]) => void;
  readonly retryDelayMs?: number;
}

/** Thrown inside the pipeline when a call is not started because it could not finish before the deadline. */
class NotStartedError extends Error {}

/**
 * Generates records in batches of the generator's maxBatchSize under its concurrency limit; as soon as a
 * batch arrives its images are stored and scored (each scorer in its own batches and limit) while the
 * next batches generate. A failing call fails only the records of its batch; a batch that never started
 * (stopped, or unable to finish before the deadline) stays undispatched; nothing here throws.
 */
export async function runCandidatePipeline(records: readonly CandidateRecord[], context: PipelineContext): Promise<void> {
  const batchSize = Math.max(1, context.generator.maxBatchSize);
  const batches: CandidateRecord[][] = [];
  for (let start = 0; start < records.length; start += batchSize) batches.push(records.slice(start, start + batchSize));
  await Promise.all(batches.map((batch) => runBatch(batch, context)));
}

async function runBatch(batch: readonly CandidateRecord[], context: PipelineContext): Promise<void> {
  const { generator, settings } = context;
  const units = batch.reduce((sum, record) => {
    const span = requestSpan(record.request);
    return sum + (span.to - span.from);
  }, 0);
  const planned = batch.reduce((sum, record) => sum + plannedNfe(record, settings.guidance), 0);
  // evaluate() reserved the first attempt's NFEs; a retry reserves its own, a call that ran and failed keeps its share
  let reserved = planned;
  let started = false;
  let outputs: readonly GeneratedSegment[];
  const uploads = new Map<CandidateRecord, { putUrl: string; readUrl: string; url: string }>();
  try {
    const result = await callPort(generator, 'generator', context, context.stopSignal, async (abortSignal, attempt) => {
      if (attempt === 0) {
        if (!context.mayStart(expectedBatchMs(batch, units, context))) throw new NotStartedError();
        for (const record of batch) record.dispatched = true;
        context.onDispatched(batch);
        if (generator.acceptsUploads && context.imageSink.prepareUpload) {
          for (const record of batch) {
            if (!endsSchedule(record.request)) continue;
            const upload = await context.imageSink.prepareUpload(record.id, 'image/png');
            if (upload) uploads.set(record, upload);
          }
        }
      } else {
        if (started) context.nfe.fail(reserved);
        reserved = 0;
        started = false;
        if (!context.nfe.tryReserve(planned)) throw new RetryOverBudgetError(planned, context.nfe.remaining);
        reserved = planned;
      }
      const items = batch.map((record) => itemOf(record, settings, uploads.get(record)?.putUrl));
      started = true;
      return callGenerator(generator, batch, items, abortSignal);
    }, units);
    outputs = result.outputs;
    context.nfe.settle(reserved, outputs.reduce((sum, output) => sum + output.nfe, 0));
    context.onWarnings(`generator ${generator.modelId}`, result.warnings);
  } catch (error) {
    if (started) context.nfe.fail(reserved);
    else context.nfe.refund(reserved);
    if (!batch.some((record) => record.dispatched)) return;
    for (const record of batch) settle(record, errorOf(error, 'generation_failed', context.signal), context);
    return;
  }
  const finals: { record: CandidateRecord; image: ImageRef }[] = [];
  const previews: { record: CandidateRecord; image: ImageRef }[] = [];
  batch.forEach((record, index) => {
    const generated = outputs[index];
    if (!generated) {
      failRecord(record, { code: 'invalid_response', message: `generator returned ${outputs.length} outputs for ${batch.length} items` });
      return;
    }
    record.nfe = generated.nfe;
    const final = endsSchedule(record.request);
    if (generated.latents) {
      record.latents = generated.latents;
      record.checkpointChars = generated.latents.data.length;
    }
    if (final) context.usage.addImage(record.request.phase, generated.nfe);
    else context.usage.addPartial(record.request.phase, generated.nfe, generated.image !== undefined);
    if (record.request.segment?.returnLatents && !final && !generated.latents) {
      failRecord(record, { code: 'invalid_response', message: 'generator returned no checkpoint for a segment that asked for one' });
    }
    if (!generated.image) {
      if (final) failRecord(record, { code: 'invalid_response', message: 'generator returned no image for an item that reached the end of its schedule' });
      return;
    }
    record.mediaType = generated.image.mediaType ?? 'image/png';
    const target = final ? finals : previews;
    const upload = uploads.get(record);
    if (upload && generated.image.type === 'url') {
      // the endpoint wrote the image into the store itself: keep the API link, let scorers read it presigned
      record.url = upload.url;
      context.onStored(record);
      target.push({ record, image: { type: 'url', url: upload.readUrl, mediaType: record.mediaType } });
      return;
    }
    target.push({ record, image: generated.image });
  });
  const delivered = [...finals, ...previews];
  await Promise.all([
    ...delivered.filter((entry) => entry.record.url === undefined).map((entry) => storeImage(entry.record, entry.image, context)),
    ...context.scorers.map((entry) => scoreWith(entry.model, entry.scorer, finals, context, 'final')),
    ...(previews.length > 0 ? context.previewScorers.map((entry) => scoreWith(entry.model, entry.scorer, previews, context, 'preview')) : []),
  ]);
  for (const record of batch) {
    if (record.status === 'pending') record.status = 'scored';
    context.onSettled(record);
  }
}

/** NFEs a record is planned to cost: its span of the schedule, ×2 with guidance. */
export function plannedNfe(record: CandidateRecord, guidance: number): number {
  const span = requestSpan(record.request);
  return segmentNfe(span.from, span.to, guidance);
}

/** Expected milliseconds of generating a batch and scoring its images, from the ports' latency estimates. */
function expectedBatchMs(batch: readonly CandidateRecord[], units: number, context: PipelineContext): number | undefined {
  const generation = latencyOf(context.generator).expectedMs(units);
  if (generation === undefined) return undefined;
  let scoring = 0;
  for (const entry of context.scorers) scoring = Math.max(scoring, latencyOf(entry.scorer).expectedMs(batch.length) ?? 0);
  return generation + scoring;
}

async function storeImage(record: CandidateRecord, image: ImageRef, context: PipelineContext): Promise<void> {
  if (image.type === 'url') {
    record.url = image.url;
    context.onStored(record);
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
    context.onStored(record);
  } catch (error) {
    failRecord(record, errorOf(error, 'image_store_failed', context.signal));
  }
}

async function scoreWith(
  model: string,
  scorer: ScorerV1,
  delivered: readonly { record: CandidateRecord; image: ImageRef }[],
  context: PipelineContext,
  kind: 'final' | 'preview',
): Promise<void> {
  if (delivered.length === 0) return;
  const chunkSize = Math.max(1, scorer.maxBatchSize);
  const chunks: (typeof delivered)[] = [];
  for (let start = 0; start < delivered.length; start += chunkSize) chunks.push(delivered.slice(start, start + chunkSize));
  await Promise.all(
    chunks.map(async (chunk) => {
      try {
        // images that exist are scored even after a soft stop: only the hard signal cuts scoring short
        const result = await callPort(scorer, 'scorer', context, context.signal, (abortSignal) =>
          scorer.doScore({ items: chunk.map((entry) => ({ prompt: context.scoringPrompt, image: entry.image })), abortSignal }),
        chunk.length);
        context.onWarnings(`scorer ${model}`, result.warnings);
        chunk.forEach((entry, index) => {
          const score = result.scores[index];
          const detail = result.details?.[index];
          if (score === null) {
            if (kind === 'final') entry.record.details[model] = { ...detail, abstained: detail?.abstained ?? `${model} gave no score` };
            return;
          }
          if (score === undefined || !Number.isFinite(score)) {
            failRecord(entry.record, { code: 'invalid_score', message: `scorer ${model} gave no finite score` });
            return;
          }
          if (kind === 'preview') {
            (entry.record.previewScores ??= {})[model] = score;
            return;
          }
          entry.record.scores[model] = score;
          if (detail) entry.record.details[model] = detail;
        });
      } catch (error) {
        for (const entry of chunk) failRecord(entry.record, errorOf(error, 'scoring_failed', context.signal));
      }
    }),
  );
}

/**
 * One port call under the port's concurrency limit (waiting while `queueSignal` allows), retried when
 * retryable (no retry starts after a stop), cut short by the request's hard signal. Successful calls
 * feed the port's latency estimate with `units` of work.
 */
function callPort<T>(
  port: { readonly maxConcurrency: number },
  name: 'generator' | 'scorer',
  context: PipelineContext,
  queueSignal: AbortSignal,
  call: (abortSignal: AbortSignal, attempt: number) => Promise<T>,
  units: number,
): Promise<T> {
  const { signal } = context;
  const work = limiterFor(port).run(
    () =>
      retryCall(
        async (attempt) => {
          const started = performance.now();
          try {
            const value = await call(signal, attempt);
            context.usage.addCall(name);
            latencyOf(port).observe(units, performance.now() - started);
            return value;
          } catch (error) {
            // a call that never started (it could not finish before the deadline) is not counted
            if (!(error instanceof NotStartedError)) context.usage.addCall(name);
            throw error;
          }
        },
        { signal: context.stopSignal, ...(context.retryDelayMs !== undefined ? { baseDelayMs: context.retryDelayMs } : {}) },
      ),
    queueSignal,
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
