import { ZodError } from 'zod';
import { GENERATOR_V1, generatorV1RequestSchema, type GeneratorV1Image } from '../adapters/sagemaker/wire/generator-v1.js';
import { SCORER_V1, scorerV1RequestSchema } from '../adapters/sagemaker/wire/scorer-v1.js';
import { DiffalignError } from '../ports/errors.js';
import type { GenerateItem, GeneratedImage, GeneratorV1, ImageRef, ScoreDetail, ScorerV1, Warning } from '../ports/index.js';

/** What the emulator serves: a generator, scorers and the two prompt models' wire functions. */
export interface EmulatorWorld {
  readonly generator: GeneratorV1;
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
  const items: GenerateItem[] = request.items.map((item) => ({
    prompt: item.prompt,
    ...(item.negative_prompt === undefined ? {} : { negativePrompt: item.negative_prompt }),
    noise: item.noise,
    steps: item.steps,
    guidance: item.guidance,
    width: item.width,
    height: item.height,
    format: item.format,
  }));
  const results = await Promise.all(chunksOf(items, generator.maxBatchSize).map((chunk) => generator.doGenerate({ items: chunk, abortSignal: signal })));
  const generated: GeneratedImage[] = results.flatMap((result) => [...result.images]);
  const images = await Promise.all(generated.map((image, index) => toWireImage(image, request.items[index]?.output, signal)));
  const warnings: Warning[] = [];
  for (const warning of results.flatMap((result) => result.warnings)) {
    if (!warnings.some((known) => JSON.stringify(known) === JSON.stringify(warning))) warnings.push(warning);
  }
  const json = { version: GENERATOR_V1, model: generator.modelId, images, ...(warnings.length > 0 ? { warnings } : {}) };
  return { json, withOneResultTooFew: () => ({ ...json, images: images.slice(0, -1) }) };
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
