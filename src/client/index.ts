/**
 * `diffalign/client`: the TypeScript SDK of the diffalign API, generated from openapi.yaml (openapi-typescript
 * types, openapi-fetch calls) with typed helpers for the stream, async polling, listing, feedback, retries
 * with `Idempotency-Key` and webhook verification.
 */
export {
  createDiffalignClient,
  type CallOptions,
  type DiffalignClient,
  type DiffalignClientOptions,
  type DiffalignHelpers,
  type FeedbackAccepted,
  type FeedbackEvent,
  type Generation,
  type GenerationList,
  type GenerationListQuery,
  type GenerationRequest,
  type GenerationWebhook,
  type StreamOptions,
  type WaitOptions,
} from './diffalign-client.js';
export { DiffalignApiError, type Problem } from './api-error.js';
export type { GenerationEvent } from './generation-events.js';
export type { RetryOptions } from './retrying-fetch.js';
export { WebhookVerificationError } from '../api/webhooks/standard-webhooks.js';
export type { components, paths, webhooks } from './openapi-types.js';
