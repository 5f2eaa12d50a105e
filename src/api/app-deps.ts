import type { EngineDeps, RewardSpec, ScorerEntry } from '../engine/generation-plan.js';
import type { Context } from 'hono';
import type { BlobStore, ChatModelV1, Generator, JobRunner, PromptRewriterV1 } from '../ports/index.js';
import type { GenerationSupervisor } from './generation-supervisor.js';
import type { Logger } from './logger.js';
import type { ProcessInfo } from '../records/instance-liveness.js';
import type { ApiKeyStore } from './auth/api-key-store.js';
import type { AuthMode } from './auth/authenticate.js';
import type { TenantLimits } from './limits/tenant-limits.js';
import type { WebhookSettings } from './webhooks/app-webhooks.js';
import type { SwaggerUiAsset } from './docs/api-reference-page.js';

/** Everything the HTTP app needs, injected as a plain object (tests build it with what they need). */
export interface AppDeps {
  /** v1 or v2 (v2: the compute-aware search methods run; with v1 they fall back to best_of_n). */
  readonly generator: Generator;
  readonly scorers: Readonly<Record<string, ScorerEntry>>;
  readonly rewriter?: PromptRewriterV1;
  readonly chatModel?: ChatModelV1;
  readonly store: BlobStore;
  /** Tenant of every request while auth is off (with auth on, each request's API key names its tenant). */
  readonly tenant?: string;
  /**
   * API keys (`Authorization: Bearer`). Default: mode `auto` (on once a key exists in `store`), keys read
   * from `store` and cached 30 s. The runtime passes its own `keys` to share the cache it checked at start.
   */
  readonly auth?: { readonly mode?: AuthMode; readonly keys?: ApiKeyStore; readonly cacheTtlMs?: number };
  /** Default limits of keyed tenants (a key may override them); default: none beyond the request schema. */
  readonly limits?: Partial<TenantLimits>;
  /** Whether `GET /` serves the playground page (src/playground) with its own CSP; default: off (runtimes pass `DIFFALIGN_PLAYGROUND`). */
  readonly playground?: boolean;
  /** Webhooks: the auth-off signing secret, whether loopback http receivers are allowed, the delivery policy. */
  readonly webhooks?: WebhookSettings;
  /** Reads a Swagger UI file of the installed swagger-ui-dist (the Node wiring); absent, `/docs` loads them from jsDelivr. */
  readonly docsAssets?: (name: SwaggerUiAsset) => Promise<Uint8Array | null>;
  /** Origins browser apps may call from (`*` or a list); default: no CORS headers. */
  readonly corsOrigins?: '*' | readonly string[];
  /** Rewards used when a request names none. Default: the first scorer, weight 1. */
  readonly defaultRewards?: readonly RewardSpec[];
  /** Base URL of image links; default: relative links (`/v1/generations/…`), never the request's Host header. */
  readonly publicUrl?: string;
  /** Largest accepted request body in bytes. */
  readonly maxBodyBytes?: number;
  readonly now?: () => number;
  /** Seed used when a request names none. */
  readonly randomSeed?: () => number;
  /** How often running generations re-write their record to show they are alive. */
  readonly heartbeatMs?: number;
  /** Keeps background work (async generations) alive: the runtime's hook (Lambda's waitUntil, a tracker in Node). */
  readonly waitUntil?: (work: Promise<unknown>) => void;
  /** Structured logger (pino in the runtimes); silent when absent. */
  readonly logger?: Logger;
  /** Admission, live generations and shutdown of this process; createApp makes one when absent. */
  readonly supervisor?: GenerationSupervisor;
  /**
   * When the store can presign (S3): image requests answer 302 to a presigned GET valid this long, and a
   * generator that accepts uploads writes each image straight into the store through a presigned PUT.
   */
  readonly presignImageSeconds?: number;
  /** How long an Idempotency-Key is remembered (default 24 h). */
  readonly idempotencyTtlSeconds?: number;
  /** Limits of the supervisor createApp makes when none is injected (defaults 4 running, 64 queued). */
  readonly maxRunning?: number;
  readonly maxQueued?: number;
  /** This process's pid, host and a pid check (Node), so a crashed owner is recognised at once on the same host. */
  readonly processInfo?: ProcessInfo;
  /** Checks that storage is reachable and writable (`/readyz`); resolves, or throws saying what is wrong. */
  readonly checkReady?: () => Promise<void>;
  /**
   * Runs `Prefer: respond-async` generations elsewhere (Lambda: an asynchronous invocation of the worker
   * function), so nothing is left running in a sandbox that freezes after the response. Absent (Node, Workers),
   * they run in this process on its supervisor, kept alive by `waitUntil`.
   */
  readonly jobRunner?: JobRunner;
  /**
   * Epoch ms by which a generation this request starts must be over: the runtime's own time limit (a Lambda
   * invocation's remaining time minus a margin), so a synchronous answer comes before the sandbox is stopped.
   * Undefined: no limit (the Node server).
   */
  readonly requestTimeLimit?: (c: Context) => number | undefined;
  /** Lifts the runtime's per-signal listener limit on a generation's signals (Node wiring; see EngineDeps). */
  readonly allowManyListeners?: EngineDeps['allowManyListeners'];
  /** The engine entry point (injectable so API tests can exercise failure paths). */
  readonly runGeneration?: (plan: Parameters<EngineRun>[0], deps: EngineDeps, options?: Parameters<EngineRun>[2]) => ReturnType<EngineRun>;
}

type EngineRun = typeof import('../engine/index.js').runGeneration;

/** Rewards a request without `rewards` gets: the configured default, else the first scorer at weight 1. */
export function defaultRewardsOf(deps: AppDeps): readonly RewardSpec[] {
  if (deps.defaultRewards) return deps.defaultRewards;
  const first = Object.keys(deps.scorers)[0];
  return first ? [{ model: first, weight: 1 }] : [];
}
