import { ZodError } from 'zod';
import { GENERATOR_V1, generatorV1RequestSchema, type GeneratorV1Image, type GeneratorV1Item } from '../adapters/sagemaker/wire/generator-v1.js';
import { GENERATOR_V2, generatorV2RequestSchema, type GeneratorV2Output } from '../adapters/sagemaker/wire/generator-v2.js';
import { SCORER_V1, scorerV1RequestSchema } from '../adapters/sagemaker/wire/scorer-v1.js';
import { DiffalignError } from '../ports/errors.js';
import type { GenerateItem, GenerateItemV2, GeneratedImage, GeneratorV1, GeneratorV2, ImageRef, ScoreDetail, ScorerV1, Warning } from '../ports/index.js';

/** What the emulator serves: a generator, scorers and the two prompt models' wire functions. */
export interface EmulatorWorld {
  readonly generator: GeneratorV1;
  /** The same model behind generator v2: with it the generator endpoint also answers `generator-v2` requests. */
  readonly generatorV2?: GeneratorV2;
  readonly scorers: readonly ScorerV1[];
  /** Hugging Face text-generation (Promptist): `{inputs, parameters}` → `[{generated_text}]`. */
  textGeneration(request: unknown): unknown;
  /** OpenAI-compatible chat completion. */
  chatCompletion(request: unknown): unknown;
}

/** The kinds of endpoint the emulator hosts, by their wire format. */
export type EndpointKind = 'generator' | 'scorer' | 'text-generation' | 'chat';

/**
 * A failure of the model container itself: the runtime answers it as ModelError with this status, and
 * the container's body (`{code, type, message}`, as the handlers in infra/endpoints answer) as message.
 */
export class ContainerError extends Error {
  constructor(
    readonly status: number,
    reason: string,
  ) {
    super(JSON.stringify({ code: status, type: status < 500 ? 'BadRequest' : 'InternalServerException', message: reason }));
  }
}

/** How long the model work took (the emulator's own service time) and its answer. */
export interface ModelAnswer {
  readonly json: unknown;
  /** Drops the last result (the `wrong_count` fault). */
  readonly withOneResultTooFew: () => unknown;
}

/** Runs one invocation's body through the model an endpoint kind stands for. */
export async function invokeModel(kind: EndpointKind, world: EmulatorWorld, body: unknown, signal: AbortSignal): Promise<ModelAnswer> {
  try {
    switch (kind) {
      case 'generator':
        if (isVersion(body, GENERATOR_V2)) {
          if (!world.generatorV2) throw new ContainerError(400, `version: this endpoint speaks ${GENERATOR_V1}, got ${GENERATOR_V2}`);
          return await generateV2(world.generatorV2, body, signal);
        }
        return await generate(world.generator, body, signal);
      case 'scorer':
        return await score(world.scorers, body, signal);
      case 'text-generation': {
        const json = world.textGeneration(body);
        return { json, withOneResultTooFew: () => (Array.isArray(json) ? json.slice(0, -1) : json) };
      }
      case 'chat': {
        const json = world.chatCompletion(body);
        return { json, withOneResultTooFew: () => ({ ...(json as object), choices: [] }) };
      }
    }
  } catch (error) {
    throw toContainerError(error);
  }
}

async function generate(generator: GeneratorV1, body: unknown, signal: AbortSignal): Promise<ModelAnswer> {
  const request = generatorV1RequestSchema.parse(body);
  const items: GenerateItem[] = request.items.map(portItemOf);
  const results = await Promise.all(chunksOf(items, generator.maxBatchSize).map((chunk) => generator.doGenerate({ items: chunk, abortSignal: signal })));
  const generated: GeneratedImage[] = results.flatMap((result) => [...result.images]);
  const images = await Promise.all(generated.map((image, index) => toWireImage(image, request.items[index]?.output, signal)));
  const warnings = distinctWarnings(results.flatMap((result) => result.warnings));
  const json = { version: GENERATOR_V1, model: generator.modelId, images, ...(warnings.length > 0 ? { warnings } : {}) };
  return { json, withOneResultTooFew: () => ({ ...json, images: images.slice(0, -1) }) };
}

/** The port's item of a wire item's v1 fields. */
function portItemOf(item: GeneratorV1Item): GenerateItem {
  return {
    prompt: item.prompt,
    ...(item.negative_prompt === undefined ? {} : { negativePrompt: item.negative_prompt }),
    noise: item.noise,
    steps: item.steps,
    guidance: item.guidance,
    width: item.width,
    height: item.height,
    format: item.format,
  };
}

/** Warnings without repeats, in order of first appearance. */
function distinctWarnings(all: readonly Warning[]): Warning[] {
  const warnings: Warning[] = [];
  for (const warning of all) {
    if (!warnings.some((known) => JSON.stringify(known) === JSON.stringify(warning))) warnings.push(warning);
  }
  return warnings;
}

/** Whether a request body names this wire version. */
function isVersion(body: unknown, version: string): boolean {
  return typeof body === 'object' && body !== null && (body as { version?: unknown }).version === version;
}

/** A generator-v2 request through the world's v2 generator: outputs in order, final images uploaded when an item names a PUT URL. */
async function generateV2(generator: GeneratorV2, body: unknown, signal: AbortSignal): Promise<ModelAnswer> {
  const request = generatorV2RequestSchema.parse(body);
  const items: GenerateItemV2[] = request.items.map((item) => ({
    ...portItemOf(item),
    ...(item.from === undefined ? {} : { from: item.from }),
    ...(item.to === undefined ? {} : { to: item.to }),
    ...(item.start === undefined ? {} : { start: { step: item.start.step, steps: item.start.steps, shape: item.start.shape, dtype: item.start.dtype, data: item.start.data, ...(item.start.model === undefined ? {} : { model: item.start.model }) } }),
    ...(item.renoise === undefined ? {} : { renoise: item.renoise }),
    ...(item.sampler === undefined ? {} : { sampler: item.sampler }),
    ...(item.return_latents === undefined ? {} : { returnLatents: item.return_latents }),
    ...(item.preview === undefined ? {} : { preview: item.preview }),
  }));
  const results = await Promise.all(chunksOf(items, generator.maxBatchSize).map((chunk) => generator.doGenerate({ items: chunk, abortSignal: signal })));
  const produced = results.flatMap((result) => [...result.outputs]);
  const outputs: GeneratorV2Output[] = await Promise.all(
    produced.map(async (output, index) => {
      const wireImage = output.image ? await toWireImage({ image: output.image, nfe: output.nfe }, output.preview ? undefined : request.items[index]?.output, signal) : { nfe: output.nfe };
      return { ...wireImage, preview: output.preview, ...(output.latents ? { latents: { ...output.latents, shape: [...output.latents.shape] } } : {}) };
    }),
  );
  const warnings = distinctWarnings(results.flatMap((result) => result.warnings));
  const json = { version: GENERATOR_V2, model: generator.modelId, outputs, ...(warnings.length > 0 ? { warnings } : {}) };
  return { json, withOneResultTooFew: () => ({ ...json, outputs: outputs.slice(0, -1) }) };
}

/** An image on the wire: written to the presigned PUT URL when the item names one, else inline base64. */
async function toWireImage(generated: GeneratedImage, output: { put_url: string; url?: string | undefined } | undefined, signal: AbortSignal): Promise<GeneratorV1Image> {
  const { image, nfe } = generated;
  if (image.type === 'url') return { url: image.url, media_type: image.mediaType ?? 'image/png', nfe };
  if (output === undefined) return { b64: Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength).toString('base64'), media_type: image.mediaType, nfe };
  const response = await fetch(output.put_url, { method: 'PUT', body: Buffer.from(image.data), headers: { 'content-type': image.mediaType }, signal });
  if (!response.ok) throw new ContainerError(500, `PUT to the output URL answered ${response.status}`);
  return { url: output.url ?? output.put_url.split('?')[0], media_type: image.mediaType, nfe };
}

async function score(scorers: readonly ScorerV1[], body: unknown, signal: AbortSignal): Promise<ModelAnswer> {
  const request = scorerV1RequestSchema.parse(body);
  const scorer = scorers.find((candidate) => candidate.modelId === request.model);
  if (!scorer) throw new ContainerError(400, `unknown scorer model "${request.model}"; this endpoint serves ${scorers.map((known) => known.modelId).join(', ')}`);
  const items = request.items.map((item) => ({
    prompt: item.prompt,
    image: ('url' in item.image ? { type: 'url', url: item.image.url, ...(item.image.media_type === undefined ? {} : { mediaType: item.image.media_type }) } : { type: 'inline', mediaType: item.image.media_type, data: new Uint8Array(Buffer.from(item.image.b64, 'base64')) }) as ImageRef,
  }));
  const chunks = chunksOf(items, scorer.maxBatchSize);
  const results = await Promise.all(chunks.map((chunk) => scorer.doScore({ items: chunk, abortSignal: signal })));
  const scores = results.flatMap((result) => [...result.scores]);
  const details: (ScoreDetail | null)[] = results.flatMap((result, chunkIndex) =>
    (chunks[chunkIndex] ?? []).map((_, index) => result.details?.[index] ?? null),
  );
  const json = { version: SCORER_V1, model: scorer.modelId, scores, ...(details.some((detail) => detail !== null) ? { details } : {}) };
  return { json, withOneResultTooFew: () => ({ ...json, scores: scores.slice(0, -1) }) };
}

/** Consecutive slices of at most `size` (at least 1) items. */
function chunksOf<T>(items: readonly T[], size: number): T[][] {
  const step = Math.max(1, size);
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += step) chunks.push(items.slice(start, start + step));
  return chunks;
}

/** A model failure as its container would report it: a request it rejects is 400, anything else 500. */
function toContainerError(error: unknown): ContainerError {
  if (error instanceof ContainerError) return error;
  if (error instanceof ZodError) return new ContainerError(400, error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; '));
  if (error instanceof DiffalignError && /^invalid_/.test(error.code)) return new ContainerError(400, error.message);
  return new ContainerError(500, error instanceof Error ? error.message : String(error));
}
