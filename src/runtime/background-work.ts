/**
 * Work a runtime keeps alive after the response (async generations): added as it starts, dropped as it
 * settles. The Node server awaits what is left at shutdown; the Workers entry hands it to `ctx.waitUntil`.
 */
export class BackgroundWork {
  private readonly pending = new Set<Promise<unknown>>();

  /** Keeps `work` until it settles (AppDeps.waitUntil). */
  readonly add = (work: Promise<unknown>): void => {
    this.pending.add(work);
    void work.then(
      () => this.pending.delete(work),
      () => this.pending.delete(work),
    );
  };

  /** How many are still running. */
  get size(): number {
    return this.pending.size;
  }

  /** The work still running now. */
  running(): Promise<unknown>[] {
    return [...this.pending];
  }
}
