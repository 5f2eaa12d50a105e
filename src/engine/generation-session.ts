import type { Candidate, ScorerV1, Warning } from '../ports/index.js';
import { imageBudget } from './budget/budget-split.js';
import { hardNfeCap, nfeCap, segmentNfe } from './budget/nfe-cost.js';
import { NfeLedger } from './budget/nfe-ledger.js';
import { RunControl } from './budget/run-control.js';
import { UsageMeter } from './budget/usage-meter.js';
import { candidateId, endsSchedule, requestSpan, toCandidate, type CandidateRecord, type CandidateRequest } from './candidate-record.js';
import { BudgetExceededError } from './engine-errors.js';
import { runCandidatePipeline, type PipelineContext } from './fan-out/candidate-pipeline.js';
import { previewSize } from './fan-out/preview-size.js';
import type { EngineDeps, EngineEvent, EngineResult, GenerationPlan, RewardSpec, RunOptions, TraceEntry } from './generation-plan.js';
import { SeedAllocator } from './noise/seed-allocator.js';
import { aggregateRewards, weightedMeanScore, type Calibrations } from './rewards/aggregate-rewards.js';
import { argmaxReward } from './rewards/reward-ranking.js';

/** Tuning knobs of a session that tests and benchmarks may change. */
export interface SessionTuning {
  /** Backoff before the first retry of a retryable port failure (doubles per retry). */
  readonly retryDelayMs?: number;
}

/**
 * The state of one request while the engine works: the budget, every candidate so far, the trace,
 * warnings, usage and the stop signal. Strategies call `evaluate` and read rewards from here.
 */
export class GenerationSession {
  readonly records: CandidateRecord[] = [];
  readonly trace: TraceEntry[] = [];
  readonly warnings: string[] = [];
  readonly usage: UsageMeter;
  /** The request's NFE account: every generator call reserves its NFEs here before it starts. */
  readonly nfe: NfeLedger;
  readonly seeds: SeedAllocator;
  readonly control: RunControl;
  readonly now: () => number;
  /** Reward models with merged duplicate names. */
  readonly rewards: readonly RewardSpec[];
  /** The reward models asked about x̂₀ previews: those that judge previews, or all when none says it does. */
  readonly previewRewards: readonly RewardSpec[];
  private readonly calibrations: Calibrations;
  private readonly pipeline: Omit<PipelineContext, 'onSettled'>;
  private readonly imageCap: number;
  private spent = 0;
  private lastBestId: string | null = null;
  private readonly portWarnings = new Set<string>();
  /** Builds the partial result for `onProgress` (set by runGeneration). */
  snapshotBuilder: (() => EngineResult) | null = null;

  constructor(
    readonly plan: GenerationPlan,
    readonly deps: EngineDeps,
    private readonly options: RunOptions,
    tuning: SessionTuning = {},
  ) {
    this.now = deps.now ?? (() => performance.now());
    this.nfe = new NfeLedger(nfeCap(plan), hardNfeCap(plan));
    this.imageCap = imageBudget(plan);
    this.usage = new UsageMeter(this.now, this.nfe);
    this.seeds = new SeedAllocator(plan.seed);
    this.control = new RunControl(this.now, plan.deadlineMs, options.abortSignal, options.stopSignal);
    for (const signal of [this.control.signal, this.control.stopSignal]) deps.allowManyListeners?.(signal);
    this.rewards = mergeRewardSpecs(plan.rewards);
    const scorers: { model: string; scorer: ScorerV1 }[] = [];
    const calibrations: Record<string, { mean: number; std: number }> = {};
    for (const spec of this.rewards) {
      const entry = deps.scorers[spec.model];
      if (!entry) continue;
      scorers.push({ model: spec.model, scorer: entry.scorer });
      calibrations[spec.model] = entry.calibration;
    }
    this.calibrations = calibrations;
    const judging = scorers.filter((entry) => entry.scorer.judgesPreviews === true);
    const previewScorers = judging.length > 0 ? judging : scorers;
    this.previewRewards = this.rewards.filter((spec) => previewScorers.some((entry) => entry.model === spec.model));
    this.pipeline = {
      generator: deps.generator,
      scorers,
      previewScorers,
      nfe: this.nfe,
      imageSink: deps.imageSink,
      signal: this.control.signal,
      stopSignal: this.control.stopSignal,
      usage: this.usage,
      scoringPrompt: plan.prompt,
      settings: { ...this.candidateSettings, preview: previewSize(plan.width, plan.height) },
      mayStart: (expectedMs) => this.mayStart(expectedMs),
      onDispatched: () => this.progress(),
      onStored: () => this.progress(),
      onWarnings: (source, warnings) => this.onPortWarnings(source, warnings),
      ...(tuning.retryDelayMs !== undefined ? { retryDelayMs: tuning.retryDelayMs } : {}),
    };
  }

  /** Per-request settings every candidate shares. */
  get candidateSettings(): { negativePrompt?: string; guidance: number; width: number; height: number } {
    const { plan } = this;
    return {
      ...(plan.negativePrompt !== undefined ? { negativePrompt: plan.negativePrompt } : {}),
      guidance: plan.guidance,
      width: plan.width,
      height: plan.height,
    };
  }

  /** Images left in the budget (final images; previews and checkpoints count only in NFEs). */
  get remaining(): number {
    return this.imageCap - this.spent;
  }

  /** NFEs left in the budget (reserved calls count as spent). */
  get remainingNfe(): number {
    return Math.max(0, this.nfe.remaining);
  }

  /** Whether some of the plan's scorers declare their preview scores meaningful. */
  get previewsJudged(): boolean {
    return this.rewards.some((spec) => this.deps.scorers[spec.model]?.scorer.judgesPreviews === true);
  }

  /** Whole images of `steps` steps that still fit both budgets, keeping `reserveNfe` NFEs aside. */
  affordableImages(steps: number, reserveNfe = 0): number {
    const cost = segmentNfe(0, steps, this.plan.guidance);
    return Math.max(0, Math.min(this.remaining, Math.floor((this.remainingNfe - reserveNfe) / cost)));
  }

  /** NFEs a request will cost. */
  plannedNfe(request: CandidateRequest): number {
    const span = requestSpan(request);
    return segmentNfe(span.from, span.to, this.plan.guidance);
  }

  /** Whether the deadline passed or the client left: no new work may start. */
  stopped(): boolean {
    return this.control.stopped();
  }

  /**
   * Generates and scores the requested candidates (ids in request order) and waits for all of them.
   * Throws BudgetExceededError if they do not fit the budget; creates nothing once stopped.
   */
  async evaluate(requests: readonly CandidateRequest[]): Promise<CandidateRecord[]> {
    const images = requests.filter(endsSchedule).length;
    if (images > this.remaining) throw new BudgetExceededError(images, this.remaining);
    const nfe = requests.reduce((sum, request) => sum + this.plannedNfe(request), 0);
    if (nfe > this.remainingNfe) throw new BudgetExceededError(nfe, this.remainingNfe, 'NFEs');
    if (requests.length === 0 || this.stopped()) return [];
    this.spent += images;
    this.nfe.reserve(nfe);
    const created = requests.map((request) => {
      const record: CandidateRecord = {
        index: this.records.length,
        id: candidateId(this.records.length),
        request,
        status: 'pending',
        dispatched: false,
        scores: {},
        details: {},
        nfe: 0,
      };
      this.records.push(record);
      this.seeds.reserve(request.noise.terms.map((term) => term.seed));
      return record;
    });
    await runCandidatePipeline(created, { ...this.pipeline, onSettled: (record) => this.onSettled(record) });
    return created;
  }

  /**
   * Aggregated reward of every scored record among the first `end` (default: all), computed over exactly
   * those records (rank is relative): ids map to rewards; failed and pending records are absent.
   */
  rewardsUpTo(end: number = this.records.length, method = this.plan.aggregate): Map<string, number> {
    const scored = this.records.slice(0, end).filter((record) => record.status === 'scored' && endsSchedule(record.request));
    const values = aggregateRewards(
      scored.map((record) => record.scores),
      this.rewards,
      method,
      this.calibrations,
    );
    const rewards = new Map<string, number>();
    scored.forEach((record, index) => {
      const value = values[index];
      if (value !== null && value !== undefined) rewards.set(record.id, value);
    });
    return rewards;
  }

  /**
   * Preview rewards of a cohort of unfinished segments, aggregated (plan.aggregate) over exactly these
   * records with the reward models that judge previews: ids map to rewards; unscored records are absent.
   * Never mixed with final rewards.
   */
  previewRewardsOf(cohort: readonly CandidateRecord[]): Map<string, number> {
    const scored = cohort.filter((record) => record.status === 'scored' && Object.keys(record.previewScores ?? {}).length > 0);
    const values = aggregateRewards(scored.map((record) => record.previewScores ?? {}), this.previewRewards, this.plan.aggregate, this.calibrations);
    const rewards = new Map<string, number>();
    scored.forEach((record, index) => {
      const value = values[index];
      if (value !== null && value !== undefined) rewards.set(record.id, value);
    });
    return rewards;
  }

  /** Weighted mean of a segment's raw preview scores (FK steering's intermediate reward), null when unscored. */
  previewRawScore(record: CandidateRecord): number | null {
    return record.status === 'scored' ? weightedMeanScore(record.previewScores ?? {}, this.previewRewards) : null;
  }

  /** Forgets the checkpoints of records no strategy will resume (they are large). */
  releaseLatents(records: Iterable<CandidateRecord>): void {
    for (const record of records) delete record.latents;
  }

  /** The best scored record among `candidates` by rewards over the first `end` records; ties to the earlier. */
  bestAmong(candidates: readonly CandidateRecord[], rewards: Map<string, number> = this.rewardsUpTo()): CandidateRecord | null {
    const index = argmaxReward(candidates.map((record) => rewards.get(record.id) ?? null));
    return index === -1 ? null : (candidates[index] ?? null);
  }

  /** Weighted mean of a record's raw scores: what `threshold` and `target` compare against. */
  rawScore(record: CandidateRecord): number | null {
    return record.status === 'scored' && endsSchedule(record.request) ? weightedMeanScore(record.scores, this.rewards) : null;
  }

  /** Whether search may stop early: the best raw score so far reaches plan.search.threshold. */
  thresholdReached(): boolean {
    const threshold = this.plan.search.threshold;
    if (threshold === undefined) return false;
    return this.records.some((record) => (this.rawScore(record) ?? Number.NEGATIVE_INFINITY) >= threshold);
  }

  /** The first record whose raw score reaches the threshold (for the trace), or null. */
  thresholdRecord(): CandidateRecord | null {
    const threshold = this.plan.search.threshold;
    if (threshold === undefined) return null;
    return this.records.find((record) => (this.rawScore(record) ?? Number.NEGATIVE_INFINITY) >= threshold) ?? null;
  }

  /** A trace entry for candidates, with the best among the first `end` records (deterministic prefix). */
  traceEntry(
    entry: Omit<TraceEntry, 'bestCandidateId' | 'bestReward' | 'candidateIds'>,
    candidates: readonly CandidateRecord[],
    end: number = this.records.length,
  ): TraceEntry {
    const rewards = this.rewardsUpTo(end);
    const best = this.bestAmong(this.records.slice(0, end), rewards);
    return {
      ...entry,
      candidateIds: candidates.map((record) => record.id),
      bestCandidateId: best?.id ?? null,
      bestReward: best ? (rewards.get(best.id) ?? null) : null,
    };
  }

  /** Adds a non-fatal note to the result (once per distinct text). */
  warn(message: string): void {
    if (!this.warnings.includes(message)) this.warnings.push(message);
    this.progress();
  }

  /** Tells the caller's `onProgress` that the state changed (a throwing listener never breaks the request). */
  progress(): void {
    const builder = this.snapshotBuilder;
    if (!this.options.onProgress || !builder) return;
    try {
      this.options.onProgress(builder);
    } catch {
      // the listener's failure is its own
    }
  }

  /**
   * Whether a generator call may start now: not after a stop, and with a deadline only when it can finish
   * in time — except the run's very first call, which always starts so a reachable deadline gets an image.
   * Refusing stops the run softly for the deadline (what is in flight finishes).
   */
  private mayStart(expectedMs: number | undefined): boolean {
    if (this.stopped()) return false;
    const anyStarted = this.records.some((record) => record.dispatched);
    if (!anyStarted || expectedMs === undefined) return true;
    if (expectedMs <= this.control.timeLeft()) return true;
    this.control.stopStartingForDeadline();
    return false;
  }

  private onPortWarnings(source: string, warnings: readonly Warning[]): void {
    for (const warning of warnings) {
      const text =
        warning.type === 'unsupported'
          ? `${source} does not support ${warning.feature}${warning.details ? `: ${warning.details}` : ''}`
          : `${source}: ${warning.message}`;
      if (this.portWarnings.has(text)) continue;
      this.portWarnings.add(text);
      this.warn(text);
    }
  }

  /** The readonly Candidate of a record, with its reward over everything scored so far. */
  candidateOf(record: CandidateRecord, rewards: Map<string, number> = this.rewardsUpTo()): Candidate {
    return toCandidate(record, rewards.get(record.id) ?? null, this.candidateSettings);
  }

  /** Sends an event to the listener; a throwing listener never breaks the request. */
  emit(event: EngineEvent): void {
    try {
      this.options.onEvent?.(event);
    } catch {
      // the listener's failure is its own
    }
  }

  /** Emits a `best` event for a record chosen by rule rather than by reward (the full-step final image). */
  announceBest(record: CandidateRecord): void {
    if (!this.options.onEvent || record.id === this.lastBestId) return;
    this.lastBestId = record.id;
    this.emit({ type: 'best', candidate: this.candidateOf(record) });
  }

  /** Drops the records that never reached the generator (a suffix: batches are dispatched in order) and refunds them. */
  dropUndispatched(): void {
    const kept = this.records.filter((record) => record.dispatched);
    this.spent -= this.records.filter((record) => !record.dispatched && endsSchedule(record.request)).length;
    this.records.splice(0, this.records.length, ...kept);
  }

  private onSettled(record: CandidateRecord): void {
    if (!record.dispatched) return;
    this.progress();
    if (!this.options.onEvent) return;
    const rewards = this.rewardsUpTo();
    this.emit({ type: 'candidate', candidate: this.candidateOf(record, rewards) });
    const best = this.bestAmong(this.records, rewards);
    if (best && best.id !== this.lastBestId) {
      this.lastBestId = best.id;
      this.emit({ type: 'best', candidate: this.candidateOf(best, rewards) });
    }
  }
}

/** Reward specs with duplicate model names merged (weights added), in order of first appearance. */
export function mergeRewardSpecs(rewards: readonly RewardSpec[]): RewardSpec[] {
  const merged = new Map<string, number>();
  for (const spec of rewards) merged.set(spec.model, (merged.get(spec.model) ?? 0) + spec.weight);
  return [...merged].map(([model, weight]) => ({ model, weight }));
}
