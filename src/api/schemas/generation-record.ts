import { z } from '@hono/zod-openapi';

/** Noise recipe on the wire (see DESIGN.md "Noise recipes"). */
export const noiseRecipeWireSchema = z
  .object({
    terms: z.array(z.object({ seed: z.number().int(), weight: z.number() })),
  })
  .openapi('NoiseRecipe', { description: 'z = Σ wᵢ·ε(seedᵢ) / √(Σ wᵢ²)' });

/** One candidate image of a generation. */
export const candidateSchema = z
  .object({
    id: z.string(),
    status: z.enum(['pending', 'scored', 'failed']).openapi({ description: '`pending` while it is generated or scored (running records), then `scored` or `failed`.' }),
    prompt: z.string(),
    negative_prompt: z.string().optional(),
    noise: noiseRecipeWireSchema,
    steps: z.number().int(),
    guidance: z.number(),
    width: z.number().int(),
    height: z.number().int(),
    phase: z.enum(['prompt', 'search', 'final']),
    round: z.number().int(),
    scores: z.record(z.string(), z.number()).openapi({ description: 'Raw score per scorer model.' }),
    details: z
      .record(z.string(), z.object({ failed: z.array(z.string()).optional(), passed: z.array(z.string()).optional(), abstained: z.string().optional() }))
      .optional()
      .openapi({ description: 'What scorers explained (a verifier\'s failed constraints; `abstained`: why a scorer gave no score).' }),
    reward: z.number().nullable().openapi({ description: 'Aggregated reward, comparable only within this generation; null when the candidate failed, is pending, or every scorer abstained. In SSE `candidate` events and running records it is provisional: rank rewards move as more candidates arrive.' }),
    nfe: z.number().int(),
    media_type: z.string().optional(),
    url: z.string().optional(),
    error: z.object({ code: z.string(), message: z.string() }).optional(),
  })
  .openapi('Candidate');

/** One round of prompt optimization or step of search. */
export const traceEntrySchema = z
  .object({
    phase: z.enum(['prompt', 'search', 'final']),
    method: z.string(),
    round: z.number().int(),
    candidate_ids: z.array(z.string()),
    best_candidate_id: z.string().nullable(),
    best_reward: z.number().nullable(),
    note: z.string().optional(),
    prompts: z.array(z.object({ prompt: z.string(), reward: z.number().nullable() })).optional(),
  })
  .openapi('TraceEntry');

/** What a generation cost: only what was produced; the phases add up to the totals. */
export const usageSchema = z
  .object({
    images: z.number().int().openapi({ description: 'Images the generator returned (= prompt_images + search_images + final_images).' }),
    prompt_images: z.number().int(),
    search_images: z.number().int(),
    final_images: z.number().int(),
    nfe: z.number().int().openapi({ description: 'Denoiser evaluations of those images (= prompt_nfe + search_nfe + final_nfe).' }),
    prompt_nfe: z.number().int(),
    search_nfe: z.number().int(),
    final_nfe: z.number().int(),
    calls: z.record(z.string(), z.number().int()),
    ms: z.record(z.string(), z.number()),
  })
  .openapi('Usage');

/** A generation record: what `POST /v1/generations` answers and `GET /v1/generations/{id}` returns. */
export const generationRecordSchema = z
  .object({
    id: z.string().openapi({ description: 'UUIDv7 (time-sortable).' }),
    object: z.literal('generation'),
    status: z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']).openapi({
      description:
        '`queued` (admitted, waiting for a slot), `running`, then `succeeded` (possibly `truncated`), `failed` (`error` says why: `all_candidates_failed`, `deadline_exceeded`, `interrupted` when the process running it stopped) or `cancelled` (what finished is kept).',
    }),
    prompt: z.string().openapi({ description: 'The prompt as the user sent it.' }),
    final_prompt: z.string().nullable().openapi({ description: 'The prompt the best image was generated from (differs when prompt optimization rewrote it).' }),
    negative_prompt: z.string().optional(),
    best: candidateSchema.nullable(),
    images: z.array(candidateSchema).openapi({ description: 'The top `n` candidates, best first.' }),
    candidates: z.array(candidateSchema),
    trace: z.array(traceEntrySchema),
    usage: usageSchema.nullable(),
    truncated: z.boolean(),
    stop_reason: z.enum(['deadline', 'client', 'cancelled', 'shutdown']).nullable().optional().openapi({ description: 'Why the generation stopped before its budget was spent.' }),
    warnings: z.array(z.string()),
    error: z.object({ code: z.string(), message: z.string() }).optional(),
    request: z.record(z.string(), z.unknown()).openapi({ description: 'The request with every default filled in (seed included), to reproduce the generation.' }),
    metadata: z.record(z.string(), z.string()).optional(),
    created_at: z.string(),
    completed_at: z.string().nullable(),
  })
  .openapi('Generation');

/** A generation record as stored and served. */
export type GenerationRecord = z.infer<typeof generationRecordSchema>;
/** A candidate as stored and served. */
export type CandidateRecord = z.infer<typeof candidateSchema>;

/** Problem details (RFC 9457) with diffalign's stable `code`. */
export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    instance: z.string().optional(),
    invalid_params: z.array(z.object({ name: z.string(), reason: z.string() })).optional(),
  })
  .openapi('Problem');
