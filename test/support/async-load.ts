/** What polling concurrent async generations saw. */
export interface AsyncLoadObservation {
  /** Final status of each job. */
  readonly finalStatuses: readonly string[];
  /** Jobs a poll read as `failed` (or `cancelled`) that later read otherwise: a lie. */
  readonly falseFailures: number;
  readonly polls: number;
  /** Latency of each /healthz request sent while the jobs ran, in ms (null: it failed). */
  readonly healthzMs: readonly (number | null)[];
  readonly wallMs: number;
}

/**
 * Submits `jobs` async generations at once, polls each record every `pollMs` until all have ended (at most
 * `limitMs`), and meanwhile times /healthz every `pollMs`: the measure of a server that must stay
 * responsive and truthful under load.
 */
export async function observeAsyncLoad(baseUrl: string, body: (index: number) => unknown, options: { jobs: number; pollMs: number; limitMs: number }): Promise<AsyncLoadObservation> {
  const started = performance.now();
  const ids = await Promise.all(
    Array.from({ length: options.jobs }, async (_, index) => {
      const response = await fetch(`${baseUrl}/v1/generations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', prefer: 'respond-async' },
        body: JSON.stringify(body(index)),
      });
      if (response.status !== 202) throw new Error(`job ${index}: ${response.status} ${await response.text()}`);
      return ((await response.json()) as { id: string }).id;
    }),
  );
  const seen = ids.map(() => [] as string[]);
  const healthzMs: (number | null)[] = [];
  let polls = 0;
  const ended = (status: string | undefined): boolean => status === 'succeeded' || status === 'failed' || status === 'cancelled';
  const probe = (async () => {
    while (!seen.every((statuses) => ended(statuses.at(-1))) && performance.now() - started < options.limitMs) {
      const sent = performance.now();
      try {
        const response = await fetch(`${baseUrl}/healthz`);
        await response.arrayBuffer();
        healthzMs.push(response.status === 200 ? performance.now() - sent : null);
      } catch {
        healthzMs.push(null);
      }
      await new Promise((resolve) => setTimeout(resolve, options.pollMs));
    }
  })();
  await Promise.all(
    ids.map(async (id, index) => {
      while (!ended(seen[index]!.at(-1)) && performance.now() - started < options.limitMs) {
        const record = (await (await fetch(`${baseUrl}/v1/generations/${id}`)).json()) as { status: string };
        seen[index]!.push(record.status);
        polls += 1;
        if (!ended(record.status)) await new Promise((resolve) => setTimeout(resolve, options.pollMs));
      }
    }),
  );
  await probe;
  const finalStatuses = seen.map((statuses) => statuses.at(-1) ?? 'unknown');
  // a record never changes after it ends, so any ended status followed by another is a lie
  const falseFailures = seen.filter((statuses) => statuses.some((status, at) => ended(status) && statuses.slice(at + 1).some((later) => later !== status))).length;
  return { finalStatuses, falseFailures, polls, healthzMs, wallMs: performance.now() - started };
}

/** The p-th percentile (0-100) of numbers (nearest rank). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
