/**
 * A small client of the diffalign HTTP API for the playground page and the CLI: JSON requests with the
 * API key as `Authorization: Bearer`, problem+json answers as ApiError, and a generation's server-sent
 * events read with fetch and a stream reader (not EventSource, which cannot send `Authorization`). Uses
 * only web-platform globals (fetch, streams, TextDecoderStream), so it runs in browsers and in Node.
 */
import type { z } from '@hono/zod-openapi';
import { readSseJsonEvents } from '../../client/generation-events.js';
import type { GenerationRecord } from '../../api/schemas/generation-record.js';
import type { generationRequestSchema } from '../../api/schemas/generation-request.js';
import type { generationEventSchema } from '../../api/schemas/generation-stream.js';
import type { ProblemBody } from '../../api/schemas/problem.js';

/** One event of a generation's stream (`accepted`, `prompt`, `candidate`, `best`, `error`, `done`), its data parsed. */
export type GenerationEvent = z.infer<typeof generationEventSchema>;

/** A `POST /v1/generations` body as a client sends it (only `prompt` is required). */
export type GenerationRequestBody = z.input<typeof generationRequestSchema>;

/** A problem document, as much of one as the server sent (a proxy may answer something else). */
export type Problem = Partial<ProblemBody> & { readonly detail: string };

/** The server answered an error status; `problem` is its problem+json body (or one made from the status). */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(`${status} ${problem.code ?? problem.title ?? 'error'}: ${problem.detail}`);
  }

  /** The problem's stable code, when the server sent one. */
  get code(): string | undefined {
    return this.problem.code;
  }
}

/** No answer from the server at all (connection refused, DNS failure, TLS failure). */
export class ServerUnreachableError extends Error {
  override readonly name = 'ServerUnreachableError';
  constructor(
    readonly url: string,
    options?: ErrorOptions,
  ) {
    super(`no answer from ${url}${reasonOf(options?.cause)}`, options);
  }
}

/** The most telling reason in a fetch failure's cause chain: a system error code (ECONNREFUSED), else the innermost message. */
function reasonOf(cause: unknown): string {
  let reason = '';
  for (let at = cause as { code?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0; at && depth < 5; at = at.cause as typeof at, depth += 1) {
    if (typeof at.code === 'string') return ` (${at.code})`;
    if (typeof at.message === 'string' && at.message !== '') reason = ` (${at.message})`;
  }
  return reason;
}

/** Where the client talks to and with which key. */
export interface ApiClientOptions {
  /** Base URL of the deployment; '' for the page's own origin. */
  readonly baseUrl: string;
  /** The API key to send, read at every request (the page may learn it later); none: no header. */
  readonly apiKey?: () => string | undefined;
  /** The fetch to use (default: the global one). */
  readonly fetch?: typeof fetch;
}

/** A page of the listing endpoint `GET /v1/generations`. */
export interface GenerationPage {
  readonly data: readonly GenerationRecord[];
  readonly next_cursor: string | null;
}

/** The diffalign API over fetch. */
export class ApiClient {
  private readonly fetcher: typeof fetch;

  constructor(private readonly options: ApiClientOptions) {
    this.fetcher = options.fetch ?? ((input, init) => fetch(input, init));
  }

  /** The absolute (or, on the page, origin-relative) URL of an API path or of a link a record holds. */
  url(pathOrUrl: string): string {
    if (/^[a-z][a-z0-9+.-]*:/i.test(pathOrUrl)) return pathOrUrl;
    return `${this.options.baseUrl.replace(/\/+$/, '')}${pathOrUrl.startsWith('/') ? '' : '/'}${pathOrUrl}`;
  }

  /** Sends a request with the key; answers the response when its status is 2xx/3xx, else throws ApiError. */
  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    const key = this.options.apiKey?.();
    if (key) headers.set('authorization', `Bearer ${key}`);
    const url = this.url(path);
    let response: Response;
    try {
      response = await this.fetcher(url, { ...init, headers });
    } catch (error) {
      if (isAbort(error)) throw error;
      throw new ServerUnreachableError(url, { cause: error });
    }
    if (response.status >= 400) throw new ApiError(response.status, await problemOf(response));
    return response;
  }

  /** GET a JSON document. */
  async getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
    const response = await this.request(path, { headers: { accept: 'application/json' }, ...(signal ? { signal } : {}) });
    return (await response.json()) as T;
  }

  /** POST a JSON body and read the JSON answer. */
  async postJson<T>(path: string, body: unknown, headers: Record<string, string> = {}): Promise<T> {
    const response = await this.request(path, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', ...headers }, body: JSON.stringify(body) });
    return (await response.json()) as T;
  }

  /** One page of this tenant's generations, newest first (`GET /v1/generations`). */
  listGenerations(query: { readonly limit?: number; readonly cursor?: string | null; readonly status?: string; readonly appUser?: string } = {}): Promise<GenerationPage> {
    const params = new URLSearchParams();
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    if (query.cursor) params.set('cursor', query.cursor);
    if (query.status) params.set('status', query.status);
    if (query.appUser) params.set('app_user', query.appUser);
    const search = params.toString();
    return this.getJson<GenerationPage>(`/v1/generations${search ? `?${search}` : ''}`);
  }

  /** Starts a generation and yields its events as they arrive; the last is `done` (an `error` may come before it). */
  async *streamGeneration(body: GenerationRequestBody, signal?: AbortSignal): AsyncGenerator<GenerationEvent> {
    const response = await this.request('/v1/generations', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify(body),
      ...(signal ? { signal } : {}),
    });
    yield* readGenerationEvents(response);
  }

  /** Follows a generation's events (`GET /v1/generations/{id}/events`), running or done. */
  async *followGeneration(id: string, signal?: AbortSignal): AsyncGenerator<GenerationEvent> {
    const response = await this.request(`/v1/generations/${encodeURIComponent(id)}/events`, { headers: { accept: 'text/event-stream' }, ...(signal ? { signal } : {}) });
    yield* readGenerationEvents(response);
  }

  /** The bytes of an image link of a record (sent with the key, so it works with auth on). */
  async image(url: string, signal?: AbortSignal): Promise<Blob> {
    const response = await this.request(url, { headers: { accept: 'image/*' }, ...(signal ? { signal } : {}) });
    return response.blob();
  }
}

/**
 * The events of a generation answer: parsed from `text/event-stream`, or, when the server answered JSON
 * (a replayed idempotent request), the record as one `done` event.
 */
export async function* readGenerationEvents(response: Response): AsyncGenerator<GenerationEvent> {
  const type = response.headers.get('content-type') ?? '';
  if (!type.startsWith('text/event-stream')) {
    const record = (await response.json()) as GenerationRecord;
    yield { event: 'done', id: '0', data: record } as GenerationEvent;
    return;
  }
  for await (const event of readSseJsonEvents(response)) {
    if (event.event === undefined) continue;
    yield { event: event.event, id: event.id ?? '', data: event.data } as GenerationEvent;
  }
}

async function problemOf(response: Response): Promise<Problem> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as Partial<Problem>;
    if (body && typeof body === 'object') return { ...body, detail: typeof body.detail === 'string' ? body.detail : (body.title ?? response.statusText) };
  } catch {
    // not JSON: a proxy's page, say
  }
  return { status: response.status, detail: text.trim().slice(0, 200) || response.statusText || `HTTP ${response.status}` };
}

function isAbort(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'AbortError';
}
