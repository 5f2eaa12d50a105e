import type { CandidatePhase } from '../../ports/index.js';
import type { Usage } from '../generation-plan.js';
import { NfeLedger } from './nfe-ledger.js';

/** The ports whose calls are counted. */
export type CountedPort = 'generator' | 'scorer' | 'rewriter' | 'chat';

/** Accumulates what a request costs: images and NFE per phase, calls per port, milliseconds per phase. */
export class UsageMeter {
  private readonly images: Record<CandidatePhase, number> = { prompt: 0, search: 0, final: 0 };
  private readonly nfe: Record<CandidatePhase, number> = { prompt: 0, search: 0, final: 0 };
  private readonly calls: Record<CountedPort, number> = { generator: 0, scorer: 0, rewriter: 0, chat: 0 };
  private readonly ms: Record<string, number> = {};
  private previews = 0;

  constructor(
    private readonly now: () => number,
    private readonly ledger: NfeLedger = new NfeLedger(Number.POSITIVE_INFINITY),
  ) {}

  /** Counts one image the generator returned, with the NFEs it cost (failed and aborted calls produce none). */
  addImage(phase: CandidatePhase, nfe: number): void {
    this.images[phase] += 1;
    this.nfe[phase] += nfe;
  }

  /** Counts the NFEs of a segment that stopped before the end of its schedule (an x̂₀ preview when it returned one). */
  addPartial(phase: CandidatePhase, nfe: number, withPreview: boolean): void {
    this.nfe[phase] += nfe;
    if (withPreview) this.previews += 1;
  }

  /** Counts one call (each retry is a call). */
  addCall(port: CountedPort): void {
    this.calls[port] += 1;
  }

  /** Runs `work` and adds its wall time to the phase. */
  async time<T>(phase: string, work: () => Promise<T>): Promise<T> {
    const start = this.now();
    try {
      return await work();
    } finally {
      this.ms[phase] = (this.ms[phase] ?? 0) + (this.now() - start);
    }
  }

  /** Sets a duration directly (the request's total). */
  setMs(phase: string, ms: number): void {
    this.ms[phase] = ms;
  }

  /** Images generated so far, all phases. */
  get totalImages(): number {
    return this.images.prompt + this.images.search + this.images.final;
  }

  /** The usage as the record reports it: each phase apart, so the phases add up to the totals. */
  snapshot(): Usage {
    return {
      images: this.totalImages,
      promptImages: this.images.prompt,
      searchImages: this.images.search,
      finalImages: this.images.final,
      nfe: this.nfe.prompt + this.nfe.search + this.nfe.final,
      promptNfe: this.nfe.prompt,
      searchNfe: this.nfe.search,
      finalNfe: this.nfe.final,
      previews: this.previews,
      failedNfe: this.ledger.failed,
      calls: { ...this.calls },
      ms: { ...this.ms },
    };
  }
}
