import createClient, { type Client } from 'openapi-fetch';
import { verifyWebhook as verifyStandardWebhook, type VerifyWebhookOptions } from '../api/webhooks/standard-webhooks.js';
import { apiErrorOf, DiffalignApiError, type Problem } from './api-error.js';
import { type GenerationEvent, readGenerationEvents } from './generation-events.js';
import type { components, paths } from './openapi-types.js';
import { retryAfterMs, retryingFetch, type RetryOptions } from './retrying-fetch.js';

/** A generation record. */
export type Generation = components['schemas']['Generation'];
/** A page of `GET /v1/generations`. */
export type GenerationList = components['schemas']['GenerationList'];
/** The body of `POST /v1/generations` (only `prompt` is required). */
export type GenerationRequest = NonNullable<paths['/v1/generations']['post']['requestBody']>['content']['application/json'];
/** The query of `GET /v1/generations`. */
export type GenerationListQuery = NonNullable<paths['/v1/generations']['get']['parameters']['query']>;
/** One feedback event of `POST /v1/feedback`. */
export type FeedbackEvent = paths['/v1/feedback']['post']['requestBody']['content']['application/json']['events'][number];
/** The answer of `POST /v1/feedback`. */
export type FeedbackAccepted = components['schemas']['FeedbackAccepted'];
/** The body of a webhook diffalign sends. */
export type GenerationWebhook = components['schemas']['GenerationWebhook'];

/** How to reach diffalign. */
export interface DiffalignClientOptions {
  /** Where the API is (`http://127.0.0.1:8787`, `https://…`). */
  readonly baseUrl: string;
  /** An API key (`da_…`); none while the server runs with auth off. */
  readonly apiKey?: string;
  /** The fetch to use (default: the global one). */
  readonly fetch?: typeof fetch;
  /** Retries of network errors, 429 and 500/502/503 (default: 3 attempts). */
  readonly retry?: RetryOptions;
}

/** Options of one call. */
export interface CallOptions {
  readonly signal?: AbortSignal;
  /** The `Idempotency-Key` (default: a new UUID per call, kept across its retries). */
  readonly idempotencyKey?: string;
}

/** Options of `wait()`. */
export interface WaitOptions {
  readonly signal?: AbortSignal;
  /** First poll interval (default 250 ms); it doubles up to `maxIntervalMs`, or follows `Retry-After`. */
  readonly intervalMs?: number;
  readonly maxIntervalMs?: number;
  /** Give up (throw) after this long (default: never). */
  readonly timeoutMs?: number;
}

/** Options of `stream()` and `events()`. */
export interface StreamOptions extends CallOptions {
  /** Reconnections after a dropped connection, each resuming after the last event received (default 5). */
  readonly maxReconnects?: number;
}

/** The typed helpers beside the openapi-fetch methods. */
export interface DiffalignHelpers {
  /** Generates synchronously: the finished record (throws DiffalignApiError on a problem answer). */
  generate(request: GenerationRequest, options?: CallOptions): Promise<Generation>;
  /** Generates as a stream of typed events, resuming with `Last-Event-ID` when the connection drops; ends after `done`. */
  stream(request: GenerationRequest, options?: StreamOptions): AsyncGenerator<GenerationEvent>;
  /** The events of an existing generation (after event `after`), resuming the same way. */
  events(id: string, options?: StreamOptions & { readonly after?: string }): AsyncGenerator<GenerationEvent>;
  /** Submits with `Prefer: respond-async`: the queued record (202) at once. */
  submit(request: GenerationRequest, options?: CallOptions): Promise<Generation>;
  /** Polls a generation until it has ended (`succeeded`, `failed`, `cancelled`), with backoff honouring `Retry-After`. */
  wait(generation: string | Pick<Generation, 'id'>, options?: WaitOptions): Promise<Generation>;
  /** A record. */
  get(id: string, options?: CallOptions): Promise<Generation>;
  /** The tenant's records a page at a time, newest first, following `next_cursor` to the end. */
  list(query?: Omit<GenerationListQuery, 'cursor'>, options?: CallOptions): AsyncGenerator<GenerationList>;
  /** Sends a batch of feedback events. */
  sendFeedback(events: readonly FeedbackEvent[], options?: CallOptions): Promise<FeedbackAccepted>;
  /** Verifies a received webhook (Standard Webhooks) with the tenant's `whsec_` secret and returns its body; throws WebhookVerificationError. */
  verifyWebhook(secret: string, headers: Headers | Readonly<Record<string, string | undefined>>, body: string, options?: VerifyWebhookOptions): Promise<GenerationWebhook>;
}

/** The openapi-fetch client of the spec (JSON answers typed, problems as `error`) plus the helpers. */
export type DiffalignClient = Client<paths, `application/${string}`> & DiffalignHelpers;

const TERMINAL = new Set<Generation['status']>(['succeeded', 'failed', 'cancelled']);

/**
 * A client of the diffalign API generated from its spec: openapi-fetch over the openapi-typescript types
 * (`client.GET('/v1/generations/{id}', …)`), every call retried (network errors, 429, 500/502/503) with one
 * `Idempotency-Key` per logical call, and typed helpers for waiting in each of the API's three ways.
 */
export function createDiffalignClient(options: DiffalignClientOptions): DiffalignClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const fetcher = retryingFetch(options.fetch ?? ((input, init) => fetch(input, init)), options.retry);
  const auth: Record<string, string> = options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {};
  const client = createClient<paths, `application/${string}`>({ baseUrl, fetch: fetcher, headers: auth });

  const idempotency = (call?: CallOptions): Record<string, string> => (call?.idempotencyKey ? { 'Idempotency-Key': call.idempotencyKey } : {});
  const unwrap = async <T>(result: { data?: T; error?: unknown; response: Response }): Promise<T> => {
    // openapi-fetch has read the body: its parsed error is the problem document
    if (result.data === undefined || result.error !== undefined) throw new DiffalignApiError(result.response.status, result.error as Problem | undefined, result.response);
    return result.data;
  };

  /** Follows a stream, reconnecting to `/events` with `Last-Event-ID` until `done`. */
  async function* follow(first: Response | null, id: string | undefined, after: string | undefined, stream: StreamOptions): AsyncGenerator<GenerationEvent> {
    let response = first;
    let generationId = id;
    let lastEventId = after;
    const maxReconnects = stream.maxReconnects ?? 5;
    for (let reconnects = 0; ; reconnects += 1) {
      if (response === null) {
        if (generationId === undefined) throw new Error('the stream ended before the generation was accepted; nothing to resume');
        response = await fetcher(`${baseUrl}/v1/generations/${generationId}/events`, {
          headers: { ...auth, accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
          ...(stream.signal ? { signal: stream.signal } : {}),
        });
        if (!response.ok) throw await apiErrorOf(response);
      }
      try {
        for await (const event of readGenerationEvents(response)) {
          lastEventId = event.id;
          if (event.event === 'accepted') generationId = event.data.id;
          yield event;
          if (event.event === 'done') return;
        }
      } catch (error) {
        if (stream.signal?.aborted) throw error;
      }
      if (reconnects >= maxReconnects) throw new Error(`the event stream of generation ${generationId ?? '?'} dropped ${reconnects + 1} times before done`);
      response = null;
      await sleep(Math.min(5000, 250 * 2 ** reconnects));
    }
  }

  const helpers: DiffalignHelpers = {
    generate: async (request, call) => unwrap(await client.POST('/v1/generations', { body: request, headers: idempotency(call), ...(call?.signal ? { signal: call.signal } : {}) })),

    stream: async function* (request, stream = {}) {
      const response = await fetcher(`${baseUrl}/v1/generations`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json', accept: 'text/event-stream', ...(stream.idempotencyKey ? { 'idempotency-key': stream.idempotencyKey } : {}) },
        body: JSON.stringify(request),
        ...(stream.signal ? { signal: stream.signal } : {}),
      });
      if (!response.ok) throw await apiErrorOf(response);
      const location = response.headers.get('location');
      yield* follow(response, location?.split('/').pop(), undefined, stream);
    },

    events: (id, stream = {}) => follow(null, id, stream.after, stream),

    submit: async (request, call) => unwrap(await client.POST('/v1/generations', { body: request, headers: { Prefer: 'respond-async', ...idempotency(call) }, ...(call?.signal ? { signal: call.signal } : {}) })),

    wait: async (generation, wait = {}) => {
      const id = typeof generation === 'string' ? generation : generation.id;
      const started = Date.now();
      let interval = wait.intervalMs ?? 250;
      for (;;) {
        const result = await client.GET('/v1/generations/{id}', { params: { path: { id } }, ...(wait.signal ? { signal: wait.signal } : {}) });
        const record = await unwrap(result);
        if (TERMINAL.has(record.status)) return record;
        if (wait.timeoutMs !== undefined && Date.now() - started > wait.timeoutMs) throw new Error(`generation ${id} is still ${record.status} after ${wait.timeoutMs} ms`);
        await sleep(retryAfterMs(result.response.headers.get('retry-after')) ?? interval, wait.signal);
        interval = Math.min(wait.maxIntervalMs ?? 5000, interval * 2);
      }
    },

    get: async (id, call) => unwrap(await client.GET('/v1/generations/{id}', { params: { path: { id } }, ...(call?.signal ? { signal: call.signal } : {}) })),

    list: async function* (query = {}, call) {
      for (let cursor: string | undefined; ; ) {
        const page = await unwrap(await client.GET('/v1/generations', { params: { query: { ...query, ...(cursor === undefined ? {} : { cursor }) } }, ...(call?.signal ? { signal: call.signal } : {}) }));
        yield page;
        if (page.next_cursor === null) return;
        cursor = page.next_cursor;
      }
    },

    sendFeedback: async (events, call) => unwrap(await client.POST('/v1/feedback', { body: { events: [...events] }, headers: idempotency(call), ...(call?.signal ? { signal: call.signal } : {}) })),

    verifyWebhook: async (secret, headers, body, verify) => (await verifyStandardWebhook(secret, headers, body, verify)) as GenerationWebhook,
  };
  return Object.assign(client, helpers);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
}

export { DiffalignApiError };
