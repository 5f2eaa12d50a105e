import type { CandidateRecord, GenerationRecord } from '../../api/schemas/generation-record.js';
import type { GenerationEvent, Problem } from './api-client.js';

/** A prompt the generation judged, with where it came from and the optimization round that proposed it. */
export interface JudgedPrompt {
  readonly prompt: string;
  readonly source: 'user' | 'promptist' | 'opt2i';
  readonly round: number;
}

/**
 * What a client knows about one generation while its events arrive (or once its record is read): the
 * candidates in the order they finished, the best so far, the prompts judged, and at the end the record
 * (whose rewards are final; the stream's are provisional). Shared by the playground page and the CLI.
 */
export class GenerationProgress {
  id: string | null = null;
  /** The record of the `done` event (or the record this was made from). */
  record: GenerationRecord | null = null;
  /** The problem of an `error` event. */
  problem: Problem | null = null;
  private readonly arrived = new Map<string, CandidateRecord>();
  private readonly judged: JudgedPrompt[] = [];
  private bestSoFar: string | null = null;

  /** @param budget the request's `search.budget`: how many images the generation may make (progress total). */
  constructor(readonly budget: number) {}

  /** Progress of a stored record (opened from the history, or replayed). */
  static fromRecord(record: GenerationRecord): GenerationProgress {
    const progress = new GenerationProgress(record.request.search.budget);
    progress.id = record.id;
    for (const candidate of record.candidates) progress.arrived.set(candidate.id, candidate);
    for (const prompt of promptsOfRecord(record)) progress.judged.push(prompt);
    progress.bestSoFar = record.best?.id ?? null;
    if (record.status !== 'queued' && record.status !== 'running') progress.record = record;
    return progress;
  }

  /** Takes in one event of the generation's stream. */
  apply(event: GenerationEvent): void {
    switch (event.event) {
      case 'accepted':
        this.id = event.data.id;
        return;
      case 'prompt':
        this.judged.push({ prompt: event.data.prompt, source: event.data.source, round: event.data.round });
        return;
      case 'candidate':
        this.arrived.set(event.data.id, event.data);
        return;
      case 'best':
        this.arrived.set(event.data.id, event.data);
        this.bestSoFar = event.data.id;
        return;
      case 'error':
        this.problem = event.data;
        return;
      case 'done':
        this.id = event.data.id;
        this.record = event.data;
        this.bestSoFar = event.data.best?.id ?? null;
        return;
    }
  }

  /** Whether the generation has ended (the final record is known). */
  get finished(): boolean {
    return this.record !== null;
  }

  /** Candidates: the record's when it is final (final rewards, in the order they were made), else in the order they arrived. */
  get candidates(): readonly CandidateRecord[] {
    return this.record ? this.record.candidates : [...this.arrived.values()];
  }

  /** Candidates that finished (scored or failed) so far. */
  get completed(): number {
    return this.candidates.filter((candidate) => candidate.status !== 'pending').length;
  }

  /** The best candidate so far (the record's `best` once final). */
  get best(): CandidateRecord | null {
    if (this.record) return this.record.best;
    return this.bestSoFar === null ? null : (this.arrived.get(this.bestSoFar) ?? null);
  }

  /** The prompts judged, in the order they were proposed. */
  get prompts(): readonly JudgedPrompt[] {
    return this.judged;
  }
}

/** The prompts a record judged: the trace's prompt rounds, else each distinct candidate prompt. */
function promptsOfRecord(record: GenerationRecord): JudgedPrompt[] {
  const method = record.request.prompt_optimization.method;
  const prompts: JudgedPrompt[] = [];
  const seen = new Set<string>();
  for (const candidate of record.candidates) {
    if (seen.has(candidate.prompt)) continue;
    seen.add(candidate.prompt);
    const source = candidate.prompt === record.prompt || method === 'none' ? 'user' : method;
    prompts.push({ prompt: candidate.prompt, source, round: candidate.phase === 'prompt' ? candidate.round : 0 });
  }
  return prompts;
}
