import type { Context } from 'hono';
import type { AppDeps } from '../app-deps.js';
import { ApiKeyStore } from '../auth/api-key-store.js';
import { ValidationFailedError } from '../http-errors.js';
import type { WebhookSubscription } from '../schemas/webhook.js';
import { type WebhookDeliveryPolicy, WebhookDispatcher } from './webhook-dispatcher.js';
import { webhookUrlProblem } from './webhook-target.js';

/** Webhook settings of a deployment (AppDeps.webhooks). */
export interface WebhookSettings {
  /** Signing secret of requests made while auth is off (`DIFFALIGN_WEBHOOK_SECRET`); keyed requests use their key's. */
  readonly secret?: string;
  /** Whether `http://` loopback receivers are allowed: the Node server on a loopback host (see webhookUrlProblem). */
  readonly allowLoopbackHttp?: boolean;
  readonly policy?: Partial<WebhookDeliveryPolicy>;
  /** The fetch deliveries go through (default: the global one). */
  readonly fetch?: typeof fetch;
}

/** One dispatcher per store (the app, its job worker and the runtime's restart sweep share it). */
const dispatchers = new WeakMap<object, WebhookDispatcher>();

/** The dispatcher of an app's dependencies, made on first use. */
export function webhookDispatcherFor(deps: AppDeps): WebhookDispatcher {
  let dispatcher = dispatchers.get(deps.store);
  if (!dispatcher) {
    const keys = deps.auth?.keys ?? new ApiKeyStore(deps.store);
    const settings = deps.webhooks ?? {};
    dispatcher = new WebhookDispatcher({
      store: deps.store,
      secretOf: async (tenant, keyId) => {
        if (keyId === null) return settings.secret ?? null;
        const document = await keys.find(keyId);
        return document && document.tenant === tenant ? (document.webhook_secret ?? null) : null;
      },
      ...(settings.policy ? { policy: settings.policy } : {}),
      ...(settings.fetch ? { fetch: settings.fetch } : {}),
      ...(deps.now ? { now: deps.now } : {}),
      ...(deps.logger ? { logger: deps.logger } : {}),
      ...(deps.waitUntil ? { waitUntil: deps.waitUntil } : {}),
    });
    dispatchers.set(deps.store, dispatcher);
  }
  return dispatcher;
}

/**
 * The webhook subscription of a generation request (`webhook_url`, `webhook_events`), or undefined when it
 * has none; 422 naming the field when the URL is refused, events come without a URL, or no signing secret
 * exists for the request (its API key's, or `DIFFALIGN_WEBHOOK_SECRET` with auth off).
 */
export async function webhookSubscriptionOf(c: Context, request: { readonly webhook_url?: string | undefined; readonly webhook_events?: readonly ('completed' | 'best')[] | undefined }, deps: AppDeps): Promise<WebhookSubscription | undefined> {
  if (request.webhook_url === undefined) {
    if (request.webhook_events !== undefined) refuse('webhook_events', 'needs webhook_url');
    return undefined;
  }
  const problem = webhookUrlProblem(request.webhook_url, { allowLoopbackHttp: deps.webhooks?.allowLoopbackHttp ?? false });
  if (problem) refuse('webhook_url', problem);
  const keyId = (c.get as (key: string) => unknown)('apiKeyId');
  const signingKeyId = typeof keyId === 'string' ? keyId : null;
  const secret = signingKeyId === null ? deps.webhooks?.secret : (await (deps.auth?.keys ?? new ApiKeyStore(deps.store)).find(signingKeyId))?.webhook_secret;
  if (!secret) {
    refuse('webhook_url', signingKeyId === null ? 'no signing secret: set DIFFALIGN_WEBHOOK_SECRET (whsec_…) on the server' : `API key ${signingKeyId} has no webhook secret (made before webhooks): create a new key`);
  }
  return { url: request.webhook_url, events: [...new Set<'completed' | 'best'>(request.webhook_events ?? ['completed'])], signing_key_id: signingKeyId };
}

function refuse(name: string, reason: string): never {
  throw new ValidationFailedError(`${name}: ${reason}`, [{ name, reason }]);
}
