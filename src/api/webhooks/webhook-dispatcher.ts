import type { BlobStore } from '../../ports/blob-store.js';
import { GenerationStore } from '../../records/generation-store.js';
import { isTerminal } from '../generation-events.js';
import type { LiveGeneration } from '../generation-supervisor.js';
import { type Logger, silentLogger } from '../logger.js';
import type { GenerationRecord } from '../schemas/generation-record.js';
import type { WebhookDelivery } from '../schemas/webhook.js';
import type { GenerationWebhook } from '../schemas/webhook-message.js';
import { webhookHeaders } from './standard-webhooks.js';
import { type OutboxMessage, WebhookOutbox } from './webhook-outbox.js';

/** How deliveries are attempted. */
export interface WebhookDeliveryPolicy {
  /** Attempts per message, the first included (default 5). */
  readonly attempts: number;
  /** Wait before the second attempt; each later one waits 4 times longer, ±20% jitter (default 2000 ms: 2 s, 8 s, 32 s, 128 s). */
  readonly retryBaseMs: number;
  /** Longest wait for one attempt's answer (default 10 s). */
  readonly timeoutMs: number;
}

/** How long a claim outlives the wait and the attempt it covers (the time to write down the outcome). */
const LEASE_MARGIN_MS = 1000;

/** The default policy: 5 attempts over about 3 minutes. */
export const DEFAULT_WEBHOOK_POLICY: WebhookDeliveryPolicy = { attempts: 5, retryBaseMs: 2000, timeoutMs: 10_000 };

/** What a dispatcher works with, injected. */
export interface WebhookDispatcherOptions {
  readonly store: BlobStore;
  /** The signing secret of a tenant's deliveries: the key's (`signing_key_id`), or the deployment's (null); null when none exists. */
  readonly secretOf: (tenant: string, signingKeyId: string | null) => Promise<string | null>;
  readonly policy?: Partial<WebhookDeliveryPolicy>;
  readonly fetch?: typeof fetch;
  readonly now?: () => number;
  readonly logger?: Logger;
  /** Keeps a delivery alive after the response that caused it (the runtime's waitUntil). */
  readonly waitUntil?: (work: Promise<unknown>) => void;
  readonly random?: () => number;
}

/**
 * Sends a generation's webhooks (Standard Webhooks, signed with Web Crypto): on completion, and on each new
 * best when asked. Every message is first written to the outbox (`webhook-outbox/<tenant>/<id>.json`,
 * create-only, its id derived from the generation and the moment, so a moment enqueued twice is sent once),
 * then attempted at once and retried with exponential backoff; 2xx is delivered, 410 stops, anything else
 * (and no answer) is retried until the attempts run out. A process claims a message by compare-and-swap
 * for the duration of an attempt and its wait, so two processes do not send it at once; `resume()` (the Node
 * server at start) takes up every message a stopped process left pending. Once the generation has ended, each
 * delivery's state is written onto its record (`webhook_deliveries`, compare-and-swap).
 */
export class WebhookDispatcher {
  private readonly outbox: WebhookOutbox;
  private readonly policy: WebhookDeliveryPolicy;
  private readonly fetchImpl: typeof fetch;
  private readonly now: () => number;
  private readonly logger: Logger;
  private readonly random: () => number;
  /** Deliveries of generations still running here, written onto the record when it ends. */
  private readonly unrecorded = new Map<string, Map<string, WebhookDelivery>>();

  constructor(private readonly options: WebhookDispatcherOptions) {
    this.outbox = new WebhookOutbox(options.store);
    this.policy = { ...DEFAULT_WEBHOOK_POLICY, ...options.policy };
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
    this.now = options.now ?? Date.now;
    this.logger = options.logger ?? silentLogger;
    this.random = options.random ?? Math.random;
  }

  /** Follows a live generation whose record asks for webhooks: its `best` events (when subscribed), then its end. */
  watch(live: LiveGeneration, store: GenerationStore<GenerationRecord>): void {
    const subscription = live.record.webhook;
    if (!subscription) return;
    if (subscription.events.includes('best')) {
      const unsubscribe = live.subscribe(Number.MAX_SAFE_INTEGER, (events) => {
        for (const event of events) if (event.event === 'best') this.keep(this.enqueue(store, live.record, 'best', `msg_${compact(live.id)}_${event.id}`));
      });
      void live.done.then(unsubscribe);
    }
    if (subscription.events.includes('completed')) this.keep(live.done.then((record) => this.enqueue(store, record, 'completed', `msg_${compact(live.id)}_done`)));
    else this.keep(live.done.then((record) => this.recordDeliveries(store, record.id)));
  }

  /** Takes up every pending message of the outbox (after a restart); resolves once each is settled or waits for a retry elsewhere. */
  async resume(): Promise<number> {
    const keys = await this.outbox.pendingKeys();
    for (const key of keys) this.keep(this.sendStored(key));
    return keys.length;
  }

  /** Writes a message for this moment of the record to the outbox and sends it (once per id, whoever enqueues it). */
  private async enqueue(store: GenerationStore<GenerationRecord>, record: GenerationRecord, event: WebhookDelivery['event'], id: string): Promise<void> {
    const subscription = record.webhook;
    if (!subscription) return;
    const payload: GenerationWebhook = { type: event === 'best' ? 'generation.best' : 'generation.completed', timestamp: new Date(this.now()).toISOString(), data: record };
    const message: OutboxMessage = {
      id,
      tenant: store.tenant,
      generation_id: record.id,
      event,
      url: subscription.url,
      signing_key_id: subscription.signing_key_id,
      body: JSON.stringify(payload),
      attempts: 0,
      last_status_code: null,
      lease_until: 0,
    };
    if (!(await this.outbox.add(message))) return;
    this.note(store, message, 'pending', null);
    await this.sendStored(`webhook-outbox/${store.tenant}/${id}.json`, store);
  }

  /** Claims a stored message and attempts it until it settles; leaves it to another process when that one holds it. */
  private async sendStored(key: string, store?: GenerationStore<GenerationRecord>): Promise<void> {
    let read = await this.outbox.read(key);
    // held by another process (or by this one's previous run, which a restart interrupted): look again once its hold ends
    if (read && read.message.lease_until > this.now()) {
      await delay(read.message.lease_until - this.now());
      read = await this.outbox.read(key);
    }
    if (!read || read.message.lease_until > this.now()) return;
    const generations = store ?? new GenerationStore<GenerationRecord>(this.options.store, read.message.tenant);
    for (;;) {
      const { message } = read;
      const wait = message.attempts === 0 ? 0 : this.backoffMs(message.attempts);
      const claimed = await this.outbox.replace({ ...message, lease_until: this.now() + wait + this.policy.timeoutMs + LEASE_MARGIN_MS }, read.etag);
      if (claimed === null) return;
      if (wait > 0) await delay(wait);
      const outcome = await this.attempt(message);
      const attempts = message.attempts + 1;
      const settled: WebhookDelivery['status'] | null = outcome.ok ? 'delivered' : outcome.status === 410 ? 'gone' : attempts >= this.policy.attempts ? 'failed' : null;
      const updated: OutboxMessage = { ...message, attempts, last_status_code: outcome.status, lease_until: 0 };
      if (settled) {
        this.logger[settled === 'delivered' ? 'info' : 'warn']({ generation_id: message.generation_id, webhook_id: message.id, attempts, status_code: outcome.status, error: outcome.error }, `webhook ${settled}`);
        await this.note(generations, updated, settled, settled === 'delivered' ? new Date(this.now()).toISOString() : null);
        await this.outbox.remove(message);
        return;
      }
      this.logger.info({ generation_id: message.generation_id, webhook_id: message.id, attempts, status_code: outcome.status, error: outcome.error }, 'webhook attempt failed; retrying');
      const etag = await this.outbox.replace(updated, claimed);
      if (etag === null) return;
      await this.note(generations, updated, 'pending', null);
      read = { message: updated, etag };
    }
  }

  /** One signed POST of a message. */
  private async attempt(message: OutboxMessage): Promise<{ ok: boolean; status: number | null; error?: string }> {
    const secret = await this.options.secretOf(message.tenant, message.signing_key_id).catch(() => null);
    if (!secret) return { ok: false, status: null, error: 'no signing secret for this tenant' };
    try {
      const headers = await webhookHeaders(secret, message.id, Math.floor(this.now() / 1000), message.body);
      const response = await this.fetchImpl(message.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'diffalign-webhooks', ...headers },
        body: message.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.policy.timeoutMs),
      });
      await response.body?.cancel().catch(() => undefined);
      return { ok: response.status >= 200 && response.status < 300, status: response.status };
    } catch (error) {
      return { ok: false, status: null, error: error instanceof Error ? error.message : String(error) };
    }
  }

  /** Wait before attempt `attempts + 1`: base · 4^(attempts − 1), ±20%. */
  private backoffMs(attempts: number): number {
    return Math.round(this.policy.retryBaseMs * 4 ** (attempts - 1) * (0.8 + 0.4 * this.random()));
  }

  /** Keeps a delivery's state: on the record when the generation has ended, else until it does. */
  private async note(store: Pick<GenerationStore<GenerationRecord>, 'loadVersioned' | 'save'>, message: OutboxMessage, status: WebhookDelivery['status'], deliveredAt: string | null): Promise<void> {
    const delivery: WebhookDelivery = { id: message.id, event: message.event, attempts: message.attempts, status, last_status_code: message.last_status_code, delivered_at: deliveredAt };
    const pending = this.unrecorded.get(message.generation_id) ?? new Map<string, WebhookDelivery>();
    pending.set(message.id, delivery);
    this.unrecorded.set(message.generation_id, pending);
    await this.recordDeliveries(store, message.generation_id);
  }

  /** Writes the deliveries kept for a generation onto its record once it has ended (compare-and-swap, retried on a race). */
  private async recordDeliveries(store: Pick<GenerationStore<GenerationRecord>, 'loadVersioned' | 'save'>, generationId: string): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const pending = this.unrecorded.get(generationId);
      if (!pending || pending.size === 0) return;
      const versioned = await store.loadVersioned(generationId).catch(() => null);
      if (!versioned) {
        this.unrecorded.delete(generationId);
        return;
      }
      const { stored, etag } = versioned;
      if (!isTerminal(stored.record)) return;
      const merged = new Map((stored.record.webhook_deliveries ?? []).map((delivery) => [delivery.id, delivery]));
      for (const [id, delivery] of pending) merged.set(id, delivery);
      const written = new Map(pending);
      try {
        await store.save({ ...stored, record: { ...stored.record, webhook_deliveries: [...merged.values()] } }, { ifMatch: etag });
      } catch (error) {
        this.logger.debug({ generation_id: generationId, err: String(error) }, 'the record changed while its deliveries were written; again');
        continue;
      }
      // what changed meanwhile stays for the next write
      for (const [id, delivery] of written) if (pending.get(id) === delivery) pending.delete(id);
      if (pending.size === 0) this.unrecorded.delete(generationId);
      return;
    }
  }

  private keep(work: Promise<unknown>): void {
    const guarded = work.catch((error: unknown) => this.logger.error({ err: error instanceof Error ? error.message : String(error) }, 'webhook delivery failed unexpectedly'));
    this.options.waitUntil?.(guarded);
  }
}

/** A generation's id without dashes (message ids: `msg_<id>_<moment>`). */
function compact(id: string): string {
  return id.replaceAll('-', '');
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms) as unknown as { unref?: () => void };
    timer.unref?.();
  });
}
