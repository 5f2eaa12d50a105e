import type { BlobStore } from '../../ports/blob-store.js';
import { DiffalignError } from '../../ports/errors.js';
import type { WebhookDelivery, WebhookSubscription } from '../schemas/webhook.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Prefix of every pending webhook message: `webhook-outbox/<tenant>/<message id>.json`. */
export const WEBHOOK_OUTBOX_PREFIX = 'webhook-outbox/';

/** A webhook message not yet settled (delivered, given up or refused with 410), durable so a restart sends it again. */
export interface OutboxMessage {
  readonly id: string;
  readonly tenant: string;
  readonly generation_id: string;
  readonly event: WebhookDelivery['event'];
  readonly url: string;
  readonly signing_key_id: WebhookSubscription['signing_key_id'];
  /** The exact body of every attempt (signatures cover these bytes). */
  readonly body: string;
  readonly attempts: number;
  readonly last_status_code: number | null;
  /** Epoch ms before which no process takes it up again (the one sending it holds it until then). */
  readonly lease_until: number;
}

/** Key of a pending message. */
export function outboxKey(tenant: string, messageId: string): string {
  return `${WEBHOOK_OUTBOX_PREFIX}${tenant}/${messageId}.json`;
}

/** The pending webhook messages on a BlobStore, each claimed by compare-and-swap before it is sent. */
export class WebhookOutbox {
  constructor(private readonly store: BlobStore) {}

  /** Stores a new message; false when one with its id exists (the same moment enqueued twice: sent once). */
  async add(message: OutboxMessage): Promise<boolean> {
    try {
      await this.store.put(outboxKey(message.tenant, message.id), encoder.encode(JSON.stringify(message)), { contentType: 'application/json', createOnly: true });
      return true;
    } catch (error) {
      if (DiffalignError.isInstance(error) && error.code === 'blob_already_exists') return false;
      throw error;
    }
  }

  /** Writes a message's new state over the version `etag` names; the new ETag, or null when another process changed or settled it. */
  async replace(message: OutboxMessage, etag: string): Promise<string | null> {
    try {
      return (await this.store.put(outboxKey(message.tenant, message.id), encoder.encode(JSON.stringify(message)), { contentType: 'application/json', ifMatch: etag })).etag;
    } catch (error) {
      if (DiffalignError.isInstance(error) && error.code === 'blob_precondition_failed') return null;
      throw error;
    }
  }

  /** A message with its ETag, or null when it is settled (gone) or unreadable. */
  async read(key: string): Promise<{ message: OutboxMessage; etag: string } | null> {
    const blob = await this.store.get(key);
    if (!blob) return null;
    try {
      return { message: JSON.parse(decoder.decode(blob.body)) as OutboxMessage, etag: blob.etag };
    } catch {
      return null;
    }
  }

  /** Removes a settled message. */
  async remove(message: Pick<OutboxMessage, 'tenant' | 'id'>): Promise<void> {
    await this.store.delete(outboxKey(message.tenant, message.id));
  }

  /** Keys of every pending message of every tenant. */
  pendingKeys(): Promise<string[]> {
    return this.store.list(WEBHOOK_OUTBOX_PREFIX);
  }
}
