import { z } from '@hono/zod-openapi';
import { webhookDeliverySchema, webhookSubscriptionSchema } from './webhook.js';
import { particlePotentialSchema, promptOptimizationMethodSchema, promptOptimizationModeSchema, rewardAggregateSchema, searchMethodSchema, stallPolicySchema } from './generation-request.js';

/** A candidate id within its generation: `c000`, `c001`, … */
export const CANDIDATE_ID_PATTERN = /^c\d{3,6}$/;

/** Lifecycle of a generation. */
export const generationStatusSchema = z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']).openapi('GenerationStatus', {
  description:
    '`queued` (admitted, waiting for a slot), `running`, then `succeeded` (possibly `truncated`), `failed` (`error` says why: `all_candidates_failed`, `deadline_exceeded`, `interrupted` when the process running it stopped) or `cancelled` (what finished is kept).',
});

/** Lifecycle of one candidate image. */
export const candidateStatusSchema = z
  .enum(['pending', 'scored', 'failed'])
  .openapi('CandidateStatus', { description: '`pending` while it is generated or scored (running records), then `scored` or `failed` (`error` says why).' });

/** Which phase of a generation made a candidate or a trace entry. */
export const generationPhaseSchema = z
  .enum(['prompt', 'search', 'final'])
  .openapi('GenerationPhase', { description: '`prompt`: judging candidate prompts; `search`: searching initial noises; `final`: regenerating the winner at full `steps`.' });

/** Why a generation stopped before spending its budget. */
export const stopReasonSchema = z
  .enum(['deadline', 'client', 'cancelled', 'shutdown'])
  .openapi('StopReason', { description: '`deadline`: `deadline_ms` passed; `client`: the client went away; `cancelled`: cancelled through the API; `shutdown`: the server stopped.' });

/** An error kept on a record or a candidate. */
export const errorDetailSchema = z
  .object({
    code: z.string().openapi({ description: 'Stable error code: on a record `all_candidates_failed`, `deadline_exceeded`, `interrupted`, `cancelled`, `client_disconnected`, `internal_error`; on a candidate the backend\'s (`backend_call_failed`, `endpoint_model_error`, `endpoint_timeout`, `circuit_open`, `interrupted`, …).', example: 'all_candidates_failed' }),
    message: z.string(),
  })
  .openapi('ErrorDetail');

/** One weighted term of a noise recipe. */
export const noiseTermSchema = z.object({ seed: z.number().int().min(0).max(0xffffffff), weight: z.number() }).openapi('NoiseTerm');

/** Noise recipe on the wire (see DESIGN.md "Noise recipes"). */
export const noiseRecipeWireSchema = z
  .object({ terms: z.array(noiseTermSchema).min(1) })
  .openapi('NoiseRecipe', { description: 'The initial noise `z = Σ wᵢ·ε(seedᵢ) / √(Σ wᵢ²)`, `ε(seed)` the endpoint\'s standard-normal tensor for that seed.' });

/** What a scorer explained about one candidate. */
export const scoreDetailSchema = z
  .object({
    failed: z.array(z.string()).optional().openapi({ description: 'A verifier\'s failed constraints.' }),
    passed: z.array(z.string()).optional(),
    abstained: z.string().optional().openapi({ description: 'Why the scorer gave no score.' }),
  })
  .openapi('ScoreDetail');

/** The part of its schedule a candidate ran (compute-aware search). */
export const candidateSegmentSchema = z
  .object({
    from: z.number().int().min(0).openapi({ description: 'First schedule step it ran.' }),
    to: z.number().int().min(1).openapi({ description: 'Step it stopped at (exclusive); below `steps` its image is an x̂₀ preview, not a final image.' }),
    parent_id: z.string().regex(CANDIDATE_ID_PATTERN).optional().openapi({ description: 'The candidate whose latent checkpoint it resumed.' }),
    renoise: noiseRecipeWireSchema.optional().openapi({ description: 'The noise its parent\'s latent was re-noised with first (search over paths).' }),
    sampler: z.object({ eta: z.number(), seed: z.number().int() }).optional().openapi({ description: 'The stochastic sampler (DDIM with η > 0) and its seed; absent: deterministic.' }),
    preview_scores: z.record(z.string(), z.number()).optional().openapi({ description: 'Raw scores of its preview (only scorers that judge previews); never a final score: `scores` stay empty and `reward` null.' }),
    checkpoint_chars: z.number().int().min(0).optional().openapi({ description: 'Size of the latent checkpoint it returned (base64 characters).' }),
  })
  .openapi('CandidateSegment', { description: 'One segment of a trajectory: following `parent_id` back reproduces the trajectory exactly.' });

/** One candidate image of a generation. */
export const candidateSchema = z
  .object({
    id: z.string().regex(CANDIDATE_ID_PATTERN).openapi({ example: 'c000' }),
    status: candidateStatusSchema,
    prompt: z.string().openapi({ description: 'The prompt this image was generated from.' }),
    negative_prompt: z.string().optional(),
    noise: noiseRecipeWireSchema,
    steps: z.number().int().min(1),
    guidance: z.number(),
    width: z.number().int(),
    height: z.number().int(),
    phase: generationPhaseSchema,
    round: z.number().int().min(0),
    scores: z.record(z.string(), z.number()).openapi({ description: 'Raw score per scorer model.' }),
    details: z.record(z.string(), scoreDetailSchema).optional().openapi({ description: 'What scorers explained, per scorer model.' }),
    reward: z.number().nullable().openapi({
      description:
        'Aggregated reward, comparable only within this generation; null when the candidate failed, is pending, or every scorer abstained. In stream `candidate` events and running records it is provisional: rank rewards move as more candidates arrive.',
    }),
    nfe: z.number().int().min(0).openapi({ description: 'Denoiser evaluations this image cost.' }),
    segment: candidateSegmentSchema.optional().openapi({ description: 'Set when it ran part of its schedule or resumed a checkpoint (preview_prune, paths, particles).' }),
    media_type: z.string().optional().openapi({ example: 'image/png' }),
    url: z.string().optional().openapi({ format: 'uri-reference', description: 'The image (`GET /v1/generations/{id}/candidates/{candidateId}`): relative unless the deployment sets a public URL.' }),
    error: errorDetailSchema.optional(),
  })
  .openapi('Candidate');

/** One round of prompt optimization or step of search. */
export const traceEntrySchema = z
  .object({
    phase: generationPhaseSchema,
    method: z.string().openapi({ example: 'best_of_n' }),
    round: z.number().int().min(0),
    candidate_ids: z.array(z.string().regex(CANDIDATE_ID_PATTERN)),
    best_candidate_id: z.string().regex(CANDIDATE_ID_PATTERN).nullable(),
    best_reward: z.number().nullable(),
    note: z.string().optional(),
    prompts: z.array(z.object({ prompt: z.string(), reward: z.number().nullable() }).openapi('TracePrompt')).optional(),
  })
  .openapi('TraceEntry');

/** What a generation cost: only what was produced; the phases add up to the totals. */
export const usageSchema = z
  .object({
    images: z.number().int().min(0).openapi({ description: 'Images the generator returned (= prompt_images + search_images + final_images).' }),
    prompt_images: z.number().int().min(0),
    search_images: z.number().int().min(0),
    final_images: z.number().int().min(0),
    nfe: z.number().int().min(0).openapi({ description: 'Denoiser evaluations of those images (= prompt_nfe + search_nfe + final_nfe).' }),
    prompt_nfe: z.number().int().min(0),
    search_nfe: z.number().int().min(0),
    final_nfe: z.number().int().min(0),
    previews: z.number().int().min(0).optional().openapi({ description: 'x̂₀ previews of unfinished trajectories (not images; their NFEs are in search_nfe).' }),
    failed_nfe: z.number().int().min(0).optional().openapi({ description: 'NFEs of generator calls that started and returned nothing (failed, retried, aborted): charged to `budget_nfe` as spent, so nfe + failed_nfe ≤ budget_nfe.' }),
    calls: z.record(z.string(), z.number().int().min(0)).openapi({ description: 'Calls per port (`generator`, `scorer`, `rewriter`, `chat`).' }),
    ms: z.record(z.string(), z.number()).openapi({ description: 'Milliseconds per phase, and `total`.' }),
  })
  .openapi('Usage');

/** One reward model and its weight, as resolved (every field present). */
export const resolvedRewardSchema = z.object({ model: z.string(), weight: z.number() }).openapi('ResolvedReward');

/** The request a record was generated from, with every default filled in. */
export const resolvedRequestSchema = z
  .object({
    prompt: z.string(),
    negative_prompt: z.string().optional(),
    n: z.number().int(),
    width: z.number().int(),
    height: z.number().int(),
    steps: z.number().int(),
    guidance: z.number(),
    seed: z.number().int().openapi({ description: 'The seed used (drawn at random when the request had none).' }),
    prompt_optimization: z
      .object({
        method: promptOptimizationMethodSchema,
        mode: promptOptimizationModeSchema,
        rounds: z.number().int(),
        candidates: z.number().int(),
        noises: z.number().int(),
        target: z.number().optional(),
      })
      .openapi('ResolvedPromptOptimization'),
    search: z
      .object({
        method: searchMethodSchema,
        budget: z.number().int(),
        search_steps: z.number().int().openapi({ description: 'The steps search ran at (`steps` when the budget left no image for a regeneration).' }),
        neighbors: z.number().int(),
        cosine: z.number(),
        on_stall: stallPolicySchema,
        threshold: z.number().optional(),
        budget_nfe: z.number().int().optional(),
        preview_steps: z.number().int().optional(),
        keep: z.number().optional(),
        paths: z.number().int().optional(),
        path_start: z.number().int().optional(),
        path_forward: z.number().int().optional(),
        path_backward: z.number().int().optional(),
        particles: z.number().int().optional(),
        resample_every: z.number().int().optional(),
        potential: particlePotentialSchema.optional(),
        lambda: z.number().optional(),
        eta: z.number().optional(),
      })
      .openapi('ResolvedSearch'),
    rewards: z.array(resolvedRewardSchema),
    aggregate: rewardAggregateSchema,
    deadline_ms: z.number().int().optional(),
  })
  .openapi('ResolvedRequest', { description: 'The request with every default filled in (the seed included): send it again to reproduce the generation.' });

/** A generation record: what `POST /v1/generations` answers and `GET /v1/generations/{id}` returns. */
export const generationRecordSchema = z
  .object({
    id: z.uuid().openapi({ description: 'UUIDv7 (time-sortable).', example: '01a233b7-bbf3-7334-aa69-9d80f0535482' }),
    object: z.literal('generation'),
    status: generationStatusSchema,
    prompt: z.string().openapi({ description: 'The prompt as the user sent it.' }),
    final_prompt: z.string().nullable().openapi({ description: 'The prompt the best image was generated from (differs when prompt optimization rewrote it); null until there is a best image.' }),
    negative_prompt: z.string().optional(),
    best: z.union([candidateSchema, z.null()]).openapi({ description: 'The chosen candidate (highest reward); null until one is scored, and when every candidate failed.' }),
    images: z.array(candidateSchema).openapi({ description: 'The top `n` candidates, best first.' }),
    candidates: z.array(candidateSchema).openapi({ description: 'Every candidate, in the order they were made (failed and pending ones included).' }),
    trace: z.array(traceEntrySchema).openapi({ description: 'Rounds of prompt optimization and steps of search.' }),
    usage: z.union([usageSchema, z.null()]).openapi({ description: 'What the generation cost; null until it has run.' }),
    truncated: z.boolean().openapi({ description: 'Whether it stopped before spending its budget (`stop_reason` says why).' }),
    stop_reason: z.union([stopReasonSchema, z.null()]).optional().openapi({ description: 'Why the generation stopped before its budget was spent; null when it was not.' }),
    warnings: z.array(z.string()).openapi({ description: 'What the backend could not honour (an unsupported `negative_prompt`, …).' }),
    error: errorDetailSchema.optional().openapi({ description: 'Why a `failed` or `cancelled` generation ended so.' }),
    request: resolvedRequestSchema,
    metadata: z.record(z.string(), z.string()).optional().openapi({ description: 'The request\'s `metadata`.' }),
    webhook: webhookSubscriptionSchema.optional().openapi({ description: 'The request\'s `webhook_url` and `webhook_events`, and which key signs the deliveries.' }),
    webhook_deliveries: z
      .array(webhookDeliverySchema)
      .optional()
      .openapi({ description: 'Every webhook message of the generation and how its delivery went; written once the generation has ended (`best` messages sent while it ran appear then).' }),
    created_at: z.iso.datetime().openapi({ description: 'When the request was accepted.' }),
    completed_at: z.iso.datetime().nullable().openapi({ description: 'When it ended; null while queued or running.' }),
  })
  .openapi('Generation', { description: 'A generation record: the request, every candidate with its prompt, noise, scores and reward, the best image and the top `n`, the trace and the usage.' });

/** A generation record as stored and served. */
export type GenerationRecord = z.infer<typeof generationRecordSchema>;
/** A candidate as stored and served. */
export type CandidateRecord = z.infer<typeof candidateSchema>;
