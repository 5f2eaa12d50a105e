import type { ImageModelV4, ImageModelV4CallOptions, ImageModelV4Result, SharedV4Warning } from '@ai-sdk/provider';
import type { DiffalignClient, Generation, GenerationRequest } from '../client/index.js';

/** `providerOptions.diffalign`: any generation request field besides prompt, n, size and seed (search, rewards, aggregate, prompt_optimization, steps, …). */
export type DiffalignImageOptions = Omit<GenerationRequest, 'prompt' | 'n' | 'width' | 'height' | 'seed'>;

/** The longest side an `aspectRatio` is turned into (pixels). */
const ASPECT_SIDE = 512;
/** The server's sides are multiples of this. */
const SIDE_MULTIPLE = 8;
const SEED_RANGE = 0x100000000;

/**
 * The AI SDK image model (spec v4) of a diffalign deployment. Each of the `n` images is its own aligned
 * generation — prompt optimization, noise search and reward models as `providerOptions.diffalign` asks —
 * whose best image it returns; image i has seed `seed + i` (mod 2³²), so the n searches start from different
 * noises and the call is reproducible. `size` (`WxH`) or `aspectRatio` (longest side 512, multiples of 8)
 * sets the sides. `providerMetadata.diffalign.images[i]` names the generation, the candidate, its reward,
 * scores and final prompt.
 */
export class DiffalignImageModel implements ImageModelV4 {
  readonly specificationVersion = 'v4';
  readonly provider = 'diffalign';
  /** At most this many generations run for one call (the AI SDK splits larger `n`). */
  readonly maxImagesPerCall = 4;

  constructor(
    readonly modelId: string,
    private readonly client: DiffalignClient,
  ) {}

  async doGenerate(options: ImageModelV4CallOptions): Promise<ImageModelV4Result> {
    const warnings: SharedV4Warning[] = [];
    if (options.files !== undefined && options.files.length > 0) warnings.push({ type: 'unsupported', feature: 'files', details: 'diffalign generates from a prompt; input images are ignored' });
    if (options.mask !== undefined) warnings.push({ type: 'unsupported', feature: 'mask' });
    const sides = sidesOf(options, warnings);
    const extra = (options.providerOptions['diffalign'] ?? {}) as DiffalignImageOptions;
    const requests: GenerationRequest[] = Array.from({ length: options.n }, (_, index) => ({
      ...extra,
      prompt: options.prompt ?? '',
      ...sides,
      ...(options.seed === undefined ? {} : { seed: (((options.seed + index) % SEED_RANGE) + SEED_RANGE) % SEED_RANGE }),
    }));
    const signal = options.abortSignal;
    const records = await Promise.all(requests.map((request) => this.client.generate(request, signal ? { signal } : {})));
    const images = await Promise.all(records.map((record) => this.bestImage(record, signal)));
    for (const record of records) for (const warning of record.warnings) warnings.push({ type: 'compatibility', feature: 'backend', details: warning });
    return {
      images,
      warnings,
      providerMetadata: {
        diffalign: {
          images: records.map((record) => ({
            generationId: record.id,
            candidateId: record.best?.id ?? null,
            reward: record.best?.reward ?? null,
            scores: record.best?.scores ?? {},
            finalPrompt: record.final_prompt,
            seed: record.request.seed,
            url: record.best?.url ?? null,
            truncated: record.truncated,
            images: record.usage?.images ?? 0,
          })),
        },
      },
      response: { timestamp: new Date(), modelId: this.modelId, headers: undefined },
    };
  }

  /** The bytes of a record's best image. */
  private async bestImage(record: Generation, signal: AbortSignal | undefined): Promise<Uint8Array> {
    const best = record.best;
    if (!best) throw new Error(`generation ${record.id} has no image (${record.status})`);
    const { data, error, response } = await this.client.GET('/v1/generations/{id}/candidates/{candidateId}', {
      params: { path: { id: record.id, candidateId: best.id } },
      parseAs: 'arrayBuffer',
      ...(signal ? { signal } : {}),
    });
    if (error !== undefined || !(data instanceof ArrayBuffer)) throw new Error(`the image ${best.id} of generation ${record.id} could not be read (HTTP ${response.status})`);
    return new Uint8Array(data);
  }
}

/** Width and height from `size` or `aspectRatio` (none: the server's default, 512²). */
function sidesOf(options: ImageModelV4CallOptions, warnings: SharedV4Warning[]): { width?: number; height?: number } {
  if (options.size !== undefined) {
    if (options.aspectRatio !== undefined) warnings.push({ type: 'unsupported', feature: 'aspectRatio', details: 'size is given: aspectRatio is ignored' });
    const [width, height] = options.size.split('x').map(Number) as [number, number];
    return { width, height };
  }
  if (options.aspectRatio !== undefined) {
    const [w, h] = options.aspectRatio.split(':').map(Number) as [number, number];
    const scale = ASPECT_SIDE / Math.max(w, h);
    const side = (value: number): number => Math.max(64, Math.round((value * scale) / SIDE_MULTIPLE) * SIDE_MULTIPLE);
    return { width: side(w), height: side(h) };
  }
  return {};
}
