import { z } from 'zod';

/** Element types a checkpoint's latent may be stored in: the endpoint's own compute dtype, so resuming is lossless. */
export type LatentDtype = 'float16' | 'float32' | 'float64';

/**
 * A latent a generator returned part-way through a schedule, inline and compressed, so the engine can
 * resume it on any replica later (the endpoint keeps no state between calls). The engine treats it as
 * opaque: it only hands it back in a later item's `start`.
 *
 * `data` is the latent's values in C order, little-endian `dtype`, deflated in the zlib format
 * (RFC 1950) and base64-encoded. Endpoints write their compute dtype: a float16 diffusers pipeline an
 * SD-class 4×64×64 latent in 32 KB raw (less deflated), the reference world float64.
 */
export interface LatentCheckpoint {
  /** Schedule position of the latent: how many of the schedule's steps ran (0 < step < steps). */
  readonly step: number;
  /** Length of the schedule the latent belongs to (a resume must use the same). */
  readonly steps: number;
  readonly shape: readonly number[];
  readonly dtype: LatentDtype;
  readonly data: string;
  /** Model that wrote it: a checkpoint resumes only on the model that made it. */
  readonly model?: string;
}

/** Most base64 characters of one checkpoint's data (8 MiB raw would never fit a 6 MB payload anyway). */
export const MAX_CHECKPOINT_CHARS = 5_000_000;

/** Wire schema of a latent checkpoint (endpoint payloads; the engine passes checkpoints through unchanged). */
export const latentCheckpointSchema = z.object({
  step: z.number().int().min(0),
  steps: z.number().int().min(1),
  shape: z.array(z.number().int().min(1)).min(1).max(8),
  dtype: z.enum(['float16', 'float32', 'float64']),
  data: z.string().max(MAX_CHECKPOINT_CHARS),
  model: z.string().optional(),
});
