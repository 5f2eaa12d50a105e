import type { Candidate, ChatModelV1, Generator, PromptRewriterV1, ScorerV1 } from '../ports/index.js';

/** A validated generation request with every default filled in: what the engine executes. */
export interface GenerationPlan {
  readonly prompt: string;
  readonly negativePrompt?: string;
  /** How many top images the record returns in `images`. */
  readonly n: number;
  readonly width: number;
  readonly height: number;
  /** Sampler steps of the final image. */
  readonly steps: number;
  readonly guidance: number;
  /** Root seed: every noise seed and sampling choice of the request derives from it. */
  readonly seed: number;
  readonly promptOptimization: PromptOptimizationPlan;
  readonly search: SearchPlan;
  /** Scorers and their weights; at least one. */
  readonly rewards: readonly RewardSpec[];
  readonly aggregate: AggregateMethod;
  /** Wall-clock budget; past it the engine returns the best so far and marks the record truncated. */
  readonly deadlineMs?: number;
}

/** Prompt optimization settings (Promptist rewriting, OPT2I revision). */
export interface PromptOptimizationPlan {
  readonly method: 'none' | 'promptist' | 'opt2i';
  /** off: never rewrite; on: always; auto: rewrite when the method is available and the budget allows. */
  readonly mode: 'off' | 'auto' | 'on';
  /** OPT2I rounds. */
  readonly rounds: number;
  /** Rewrites per round (Promptist k, OPT2I prompts per round). */
  readonly candidates: number;
  /** Fixed noises each candidate prompt is judged on (OPT2I m). */
  readonly noises: number;
  /** Stop once the best aggregated reward reaches this (OPT2I target score). */
  readonly target?: number;
}

/** The noise search methods: v1 ones (whole images) and compute-aware ones (partial schedules, generator v2). */
export type SearchMethod = 'best_of_n' | 'zero_order' | 'preview_prune' | 'paths' | 'particles';

/** FK steering's potentials on intermediate rewards (Singhal et al. 2025). */
export type ParticlePotential = 'max' | 'difference' | 'sum';

/** Noise search settings. */
export interface SearchPlan {
  readonly method: SearchMethod;
  /**
   * Total images the whole request may generate (prompt judging + search + final); also worth the NFEs of
   * that many full-step images, so it bounds what previews and partial trajectories may spend too.
   */
  readonly budget: number;
  /**
   * Denoiser evaluations the whole request may spend (every call started counts, previews, prompt judging,
   * regenerations and retries included). With `budget` too, the tighter of the two binds.
   */
  readonly budgetNfe?: number;
  /** Sampler steps of search candidates (defaults to the final `steps`). */
  readonly searchSteps: number;
  /** Zero-order: neighbours per step. */
  readonly neighbors: number;
  /** Zero-order: cosine between a neighbour and its pivot. */
  readonly cosine: number;
  /** Zero-order: what to do when no neighbour beats the pivot. */
  readonly onStall: 'restart' | 'shrink';
  /** Stop early once the best aggregated reward reaches this. */
  readonly threshold?: number;
  /** preview_prune: schedule position of the first preview (default steps/4). */
  readonly previewSteps?: number;
  /** preview_prune: share of trajectories kept at each preview (default 0.5: successive halving). */
  readonly keep?: number;
  /** paths: N, paths kept per round (default: as many as the budget affords). */
  readonly paths?: number;
  /** paths: schedule position where the search over paths begins (default steps/2). */
  readonly pathStart?: number;
  /** paths: Δf, steps each path is re-noised back per round (default steps/10). */
  readonly pathForward?: number;
  /** paths: Δb, steps denoised after re-noising (default 2·Δf; must exceed Δf). */
  readonly pathBackward?: number;
  /** particles: K (default: as many as the budget affords, at most 16). */
  readonly particles?: number;
  /** particles: steps between resamplings (default steps/5). */
  readonly resampleEvery?: number;
  /** particles: the potential (default `max`). */
  readonly potential?: ParticlePotential;
  /** particles: λ, the potential's inverse temperature on raw preview scores (default 10). */
  readonly lambda?: number;
  /** particles: η of the stochastic sampler (default 1, DDPM). */
  readonly eta?: number;
}

/** One scorer of the reward and its weight. */
export interface RewardSpec {
  readonly model: string;
  readonly weight: number;
}

/** How raw scores of several scorers become one reward. */
export type AggregateMethod = 'rank' | 'zscore' | 'weighted_sum';

/** A scorer with its registry data: per-scorer calibration for `zscore` aggregation. */
export interface ScorerEntry {
  readonly scorer: ScorerV1;
  readonly calibration: { readonly mean: number; readonly std: number };
}

/** Stores a candidate's image as soon as it exists and says where it can be fetched. */
export interface ImageSink {
  save(candidateId: string, image: { readonly bytes: Uint8Array; readonly mediaType: string }): Promise<{ readonly url: string }>;
  /**
   * Optional: where a generator that `acceptsUploads` should write a candidate's image itself — a
   * presigned PUT URL, a URL scorers can read it from, and the link the record keeps — or null when
   * uploads are not possible (then the image comes back inline and is saved as usual).
   */
  prepareUpload?(candidateId: string, mediaType: string): Promise<{ readonly putUrl: string; readonly readUrl: string; readonly url: string } | null>;
}

/** The ports the engine works with, injected by the runtime. */
export interface EngineDeps {
  /** v1 (whole images) or v2 (partial schedules, checkpoints, previews: needed by preview_prune, paths, particles). */
  readonly generator: Generator;
  readonly scorers: Readonly<Record<string, ScorerEntry>>;
  readonly rewriter?: PromptRewriterV1;
  readonly chatModel?: ChatModelV1;
  readonly imageSink: ImageSink;
  /** Milliseconds clock (injected for tests). */
  readonly now?: () => number;
  /**
   * Lifts the runtime's limit on listeners per signal, for a run's signals (every port call in flight and
   * every queued task listens to them). Node warns past 10, so Node wiring passes
   * `(signal) => events.setMaxListeners(0, signal)`; fetch-based runtimes have no such limit.
   */
  readonly allowManyListeners?: (signal: AbortSignal) => void;
}

/** Progress the engine reports while it works (the SSE stream's events). */
export type EngineEvent =
  | { readonly type: 'prompt'; readonly prompt: string; readonly source: 'user' | 'promptist' | 'opt2i'; readonly round: number }
  | { readonly type: 'candidate'; readonly candidate: Candidate }
  | { readonly type: 'best'; readonly candidate: Candidate };

/** One round of prompt optimization or one step of search, as the record's trace keeps it. */
export interface TraceEntry {
  readonly phase: 'prompt' | 'search' | 'final';
  readonly method: string;
  readonly round: number;
  readonly candidateIds: readonly string[];
  readonly bestCandidateId: string | null;
  readonly bestReward: number | null;
  readonly note?: string;
  /** Prompts judged in this round with their mean reward (prompt phase). */
  readonly prompts?: readonly { readonly prompt: string; readonly reward: number | null }[];
}

/**
 * What the request cost, counting only what was produced: an image is counted when the generator
 * returned it (a failed or aborted call produces none), with the NFEs it reports. Phases add up:
 * `images = prompt_images + search_images + final_images`, `nfe = prompt_nfe + search_nfe + final_nfe`.
 * Calls that ran and produced nothing are in `failedNfe`; `nfe + failedNfe <= search.budgetNfe` whenever one is given.
 */
export interface Usage {
  readonly images: number;
  /** Images spent judging prompts (prompt optimization). */
  readonly promptImages: number;
  /** Images spent searching noises (prompt judging excluded). */
  readonly searchImages: number;
  /** Images regenerated at full steps (0 or 1). */
  readonly finalImages: number;
  readonly nfe: number;
  readonly promptNfe: number;
  readonly searchNfe: number;
  readonly finalNfe: number;
  /** x̂₀ previews returned (unfinished trajectories; not images, their NFEs are in search_nfe). */
  readonly previews: number;
  /** NFEs of generator calls that started but returned nothing (failed, retried or aborted): charged to budget_nfe as spent. */
  readonly failedNfe: number;
  /** Calls per port (each retry is a call; calls that never started are not counted). */
  readonly calls: Readonly<Record<'generator' | 'scorer' | 'rewriter' | 'chat', number>>;
  readonly ms: Readonly<Record<string, number>>;
}

/** The engine's answer: every candidate, the best, the top n, the trace and the usage. */
export interface EngineResult {
  readonly finalPrompt: string;
  readonly best: Candidate | null;
  readonly images: readonly Candidate[];
  readonly candidates: readonly Candidate[];
  readonly trace: readonly TraceEntry[];
  readonly usage: Usage;
  readonly truncated: boolean;
  /** Why the run stopped before its budget was spent, or null when it ran to the end. */
  readonly stopReason: StopReason | null;
  readonly warnings: readonly string[];
}

/**
 * Why a run stopped early. `deadline`: the request's deadline (in-flight calls are aborted, no call is
 * started that cannot finish in time). `client`: the caller went away, `cancelled`: someone cancelled it —
 * both stop starting work and let in-flight calls finish, so everything paid for is kept. `shutdown`: the
 * process is stopping (in-flight calls are aborted).
 */
export type StopReason = 'deadline' | 'client' | 'cancelled' | 'shutdown';

/**
 * Per-run options of the engine. Either signal's `reason` may be a StopReason string; otherwise a
 * stop signal means `client` and an abort signal `client` too.
 */
export interface RunOptions {
  /** Hard stop: in-flight port calls are aborted. */
  readonly abortSignal?: AbortSignal;
  /** Soft stop: nothing new starts; in-flight calls finish and are kept. */
  readonly stopSignal?: AbortSignal;
  readonly onEvent?: (event: EngineEvent) => void;
  /**
   * Called synchronously whenever the run's state changes (a candidate dispatched, its image stored, it
   * settled, a trace entry added); `snapshot()` gives the result so far, so a caller can journal it.
   */
  readonly onProgress?: (snapshot: () => EngineResult) => void;
}
