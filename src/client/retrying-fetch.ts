/** How the client retries. */
export interface RetryOptions {
  /** Attempts per call, the first included (default 3). */
  readonly attempts?: number;
  /** Backoff base: retry k waits up to base · 2^(k−1) ms, full jitter, or `Retry-After` when the answer has one (default 500). */
  readonly baseDelayMs?: number;
  /** Longest wait between attempts (default 30 s). */
  readonly maxDelayMs?: number;
}

/** Statuses worth another attempt: throttled, or a server or gateway failure that may pass. */
const RETRYABLE = new Set([429, 500, 502, 503]);
/** POSTs the API deduplicates by `Idempotency-Key`. */
const IDEMPOTENT_POSTS = /\/v1\/(generations|feedback)$/;

/**
 * A fetch that retries network errors, 429 and 500/502/503 with backoff (honouring `Retry-After`). A POST
 * to `/v1/generations` or `/v1/feedback` gets one `Idempotency-Key` per logical call (a random UUID, unless
 * the caller set one), sent unchanged on every attempt, so a retry after a lost answer replays the first
 * answer instead of generating twice. Only the answer's arrival is retried: a stream that breaks later is
 * resumed by the stream helper (`Last-Event-ID`), not here.
 */
export function retryingFetch(inner: typeof fetch, options: RetryOptions = {}, sleep: (ms: number) => Promise<void> = defaultSleep): typeof fetch {
  const attempts = Math.max(1, options.attempts ?? 3);
  const base = options.baseDelayMs ?? 500;
  const max = options.maxDelayMs ?? 30_000;
  return async (input, init) => {
    const original = new Request(input, init);
    if (original.method === 'POST' && IDEMPOTENT_POSTS.test(new URL(original.url).pathname) && !original.headers.has('idempotency-key')) {
      original.headers.set('idempotency-key', crypto.randomUUID());
    }
    // the body is read once and replayed on every attempt
    const body = original.body === null ? null : await original.arrayBuffer();
    for (let attempt = 1; ; attempt += 1) {
      const request = new Request(original.url, { method: original.method, headers: original.headers, body, redirect: original.redirect, signal: original.signal });
      let response: Response;
      try {
        response = await inner(request);
      } catch (error) {
        if (attempt >= attempts || original.signal?.aborted) throw error;
        await sleep(jittered(base, max, attempt));
        continue;
      }
      if (!RETRYABLE.has(response.status) || attempt >= attempts) return response;
      const wait = retryAfterMs(response.headers.get('retry-after')) ?? jittered(base, max, attempt);
      await response.body?.cancel().catch(() => undefined);
      await sleep(Math.min(max, wait));
    }
  };
}

/** Full jitter: uniform in [0, min(max, base · 2^(attempt−1))]. */
function jittered(base: number, max: number, attempt: number): number {
  return Math.random() * Math.min(max, base * 2 ** (attempt - 1));
}

/** `Retry-After` in ms (delay-seconds or an HTTP date), or undefined. */
export function retryAfterMs(value: string | null): number | undefined {
  if (value === null) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
