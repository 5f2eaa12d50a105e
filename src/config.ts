import { resolve } from 'pathe';
import { z } from 'zod';
import { DiffalignError } from './ports/errors.js';
import type { SageMakerWorldConfig } from './adapters/sagemaker/index.js';
import { loadSageMakerConfig } from './runtime/sagemaker-config.js';
import { LIMITS } from './api/schemas/generation-request.js';
import { isWebhookSecret } from './api/webhooks/standard-webhooks.js';

/** `DIFFALIGN_CORS_ORIGINS`: empty (no CORS), `*`, or a comma list of origins (`https://app.example.com`). */
const corsOriginsSchema = z
  .string()
  .default('')
  .transform((value, context): '*' | string[] => {
    const entries = value.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
    if (entries.length === 1 && entries[0] === '*') return '*';
    const origins: string[] = [];
    for (const entry of entries) {
      const origin = originOf(entry);
      if (origin === null) {
        context.addIssue({ code: 'custom', message: `${JSON.stringify(entry)} is not an origin: use * alone, or scheme://host[:port] entries such as https://app.example.com, comma-separated` });
        return z.NEVER;
      }
      origins.push(origin);
    }
    return origins;
  });

/** The origin `scheme://host[:port]` an entry names, or null when it is not one (a path, a query, another scheme). */
function originOf(entry: string): string | null {
  try {
    const url = new URL(entry);
    if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username !== '' || url.password !== '') return null;
    if (url.pathname !== '/' || url.search !== '' || url.hash !== '' || entry.replace(/\/$/, '').toLowerCase() !== url.origin.toLowerCase()) return null;
    return url.origin;
  } catch {
    return null;
  }
}

/** Environment variables diffalign reads, with their defaults: nothing needs to be set locally. */
const envSchema = z.object({
  DIFFALIGN_HOST: z.string().min(1).default('127.0.0.1'),
  DIFFALIGN_PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  DIFFALIGN_DATA_DIR: z.string().min(1).default('./data'),
  DIFFALIGN_BACKEND: z.enum(['reference', 'sagemaker']).default('reference'),
  DIFFALIGN_STORAGE: z.enum(['fs', 's3']).default('fs'),
  DIFFALIGN_S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name: 3 to 63 lowercase letters, digits, dots and dashes')
    .optional(),
  DIFFALIGN_S3_PREFIX: z
    .string()
    .refine((prefix) => !prefix.startsWith('/') && !prefix.split('/').includes('..'), 'a relative key prefix (no leading /, no ..)')
    .default(''),
  DIFFALIGN_S3_ENDPOINT: z.url().optional(),
  DIFFALIGN_S3_PRESIGN_SECONDS: z.coerce.number().int().min(1).max(604_800).optional(),
  DIFFALIGN_IDEMPOTENCY_TTL_SECONDS: z.coerce.number().int().min(60).max(30 * 86_400).default(86_400),
  AWS_REGION: z.string().min(1).optional(),
  DIFFALIGN_PUBLIC_URL: z.url().optional(),
  DIFFALIGN_TENANT: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lowercase letters, digits and dashes')
    .default('default'),
  DIFFALIGN_MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(6 * 1024 * 1024).default(256 * 1024),
  DIFFALIGN_HEARTBEAT_MS: z.coerce.number().int().min(50).max(600_000).default(5000),
  DIFFALIGN_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  DIFFALIGN_MAX_RUNNING: z.coerce.number().int().min(1).max(1024).default(4),
  DIFFALIGN_MAX_QUEUED: z.coerce.number().int().min(0).max(100_000).default(64),
  DIFFALIGN_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
  DIFFALIGN_REFERENCE_THREADS: z.coerce.number().int().min(0).max(64).optional(),
  DIFFALIGN_AUTH: z.enum(['auto', 'required']).default('auto'),
  DIFFALIGN_AUTH_CACHE_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
  DIFFALIGN_CORS_ORIGINS: corsOriginsSchema,
  DIFFALIGN_RATE_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
  DIFFALIGN_TENANT_MAX_RUNNING: z.coerce.number().int().min(1).max(1024).default(16),
  DIFFALIGN_MAX_BUDGET: z.coerce.number().int().min(1).max(LIMITS.budget).default(LIMITS.budget),
  DIFFALIGN_WEBHOOK_SECRET: z
    .string()
    .refine(isWebhookSecret, 'must be a Standard Webhooks secret: whsec_ followed by the base64 of 16 to 64 bytes')
    .optional(),
  DIFFALIGN_WEBHOOK_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  DIFFALIGN_WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(1).max(600_000).default(2000),
  DIFFALIGN_PLAYGROUND: z.enum(['on', 'off']).default('on'),
}).superRefine((values, context) => {
  if (values.DIFFALIGN_STORAGE === 's3' && values.DIFFALIGN_S3_BUCKET === undefined) {
    context.addIssue({ code: 'custom', path: ['DIFFALIGN_S3_BUCKET'], message: 'required when DIFFALIGN_STORAGE=s3' });
  }
});

/**
 * Credentials s3rver accepts (its one account; it does not check signatures). Used for an S3-compatible
 * endpoint (`DIFFALIGN_S3_ENDPOINT`, as `npm run s3` serves) when the environment names no AWS credentials,
 * so a local S3 works with nothing else set; real S3 never gets them.
 */
export const LOCAL_S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/** Where the S3 store keeps its objects (`DIFFALIGN_STORAGE=s3`). */
export interface S3Config {
  readonly bucket: string;
  /** Prefix of every key (`''`: the bucket root). */
  readonly prefix: string;
  /** Default: the SDK's own resolution (AWS_REGION, profile); `us-east-1` with an endpoint. */
  readonly region: string | undefined;
  /** An S3-compatible server; path-style addressing. */
  readonly endpoint: string | undefined;
  /** Static credentials for a local endpoint (see LOCAL_S3_CREDENTIALS); otherwise the SDK's default chain. */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string } | undefined;
}

/**
 * Whether the environment names AWS credentials for the SDK's default chain: keys, a profile, a web
 * identity token (EKS, GitHub OIDC) or a container credentials endpoint (ECS, Lambda SnapStart). Shared
 * files (~/.aws) without AWS_PROFILE are not looked at.
 */
export function hasAwsCredentials(env: Record<string, string | undefined>): boolean {
  return ['AWS_ACCESS_KEY_ID', 'AWS_PROFILE', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_CREDENTIALS_FULL_URI'].some(
    (name) => (env[name] ?? '') !== '',
  );
}

/** Parsed configuration of a diffalign runtime. */
export interface Config {
  readonly host: string;
  readonly port: number;
  /** Absolute directory of the local filesystem store. */
  readonly dataDir: string;
  readonly backend: 'reference' | 'sagemaker';
  /** Present when `backend` is `sagemaker`: endpoints, batching, timeouts, retries (src/runtime/sagemaker-config.ts). */
  readonly sagemaker: SageMakerWorldConfig | undefined;
  /** Blob store: the local directory `dataDir`, or an S3 bucket (`s3`). */
  readonly storage: 'fs' | 's3';
  /** Present when `storage` is `s3`. */
  readonly s3: S3Config | undefined;
  /** Base URL image links point at; when absent, links are relative. */
  readonly publicUrl: string | undefined;
  /** With S3: image requests are answered with a redirect to a presigned GET valid this long. */
  readonly presignImageSeconds: number | undefined;
  /** How long an Idempotency-Key is remembered. */
  readonly idempotencyTtlSeconds: number;
  readonly tenant: string;
  readonly maxBodyBytes: number;
  /** How often a running generation re-writes its record; 4 missed beats read as `interrupted`. */
  readonly heartbeatMs: number;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** Generations that run at once in this process; more wait in the queue (`queued`). */
  readonly maxRunning: number;
  /** Generations that may wait; past that a request gets 503 with Retry-After. */
  readonly maxQueued: number;
  /** On SIGINT/SIGTERM: how long running generations may go on before they are recorded `interrupted`. */
  readonly shutdownGraceMs: number;
  /** Worker threads of the reference backend (0: run on the main thread); default: the number of cores. */
  readonly referenceThreads: number | undefined;
  /** `auto`: auth is on once an API key exists in the store; `required`: always (deployments). */
  readonly authMode: 'auto' | 'required';
  /** How long key documents (and "no key yet") are cached in process: revocation takes effect within this. */
  readonly authCacheTtlMs: number;
  /** Origins browser apps may call from: `*`, a list, or none (`[]`: no CORS headers). */
  readonly corsOrigins: '*' | readonly string[];
  /** Default limits of each keyed tenant (an API key may override them). */
  readonly tenantLimits: { readonly ratePerMinute: number; readonly maxRunning: number; readonly maxBudget: number };
  /** Webhooks: the signing secret of auth-off requests, attempts per message and the first retry's wait. */
  readonly webhooks: { readonly secret?: string; readonly attempts: number; readonly retryBaseMs: number };
  /** Whether `GET /` serves the playground page (`DIFFALIGN_PLAYGROUND`, default on). */
  readonly playground: boolean;
}

/** A configuration variable is missing or malformed; names the variable and what it expects. */
export class ConfigError extends DiffalignError {
  constructor(message: string) {
    super('invalid_config', message);
  }
}

/** Parses an environment with a zod schema; a failure is one ConfigError naming each bad variable and why. */
export function parseEnvironment<Schema extends z.ZodType>(schema: Schema, env: Record<string, string | undefined>): z.output<Schema> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  return parsed.data;
}

/**
 * Reads and validates configuration from an environment (Node: `process.env`; Workers: the env bindings).
 * A relative data dir is resolved against `cwd` (default: the process's working directory, where there is one).
 */
export function loadConfig(env: Record<string, string | undefined>, cwd?: string): Config {
  const values = parseEnvironment(envSchema, env);
  return {
    host: values.DIFFALIGN_HOST,
    port: values.DIFFALIGN_PORT,
    dataDir: cwd === undefined ? resolve(values.DIFFALIGN_DATA_DIR) : resolve(cwd, values.DIFFALIGN_DATA_DIR),
    backend: values.DIFFALIGN_BACKEND,
    sagemaker: values.DIFFALIGN_BACKEND === 'sagemaker' ? loadSageMakerConfig(env) : undefined,
    storage: values.DIFFALIGN_STORAGE,
    s3:
      values.DIFFALIGN_STORAGE === 's3'
        ? {
            bucket: values.DIFFALIGN_S3_BUCKET!,
            prefix: values.DIFFALIGN_S3_PREFIX,
            region: values.AWS_REGION ?? (values.DIFFALIGN_S3_ENDPOINT ? 'us-east-1' : undefined),
            endpoint: values.DIFFALIGN_S3_ENDPOINT,
            credentials: values.DIFFALIGN_S3_ENDPOINT && !hasAwsCredentials(env) ? LOCAL_S3_CREDENTIALS : undefined,
          }
        : undefined,
    publicUrl: values.DIFFALIGN_PUBLIC_URL?.replace(/\/+$/, ''),
    presignImageSeconds: values.DIFFALIGN_S3_PRESIGN_SECONDS,
    idempotencyTtlSeconds: values.DIFFALIGN_IDEMPOTENCY_TTL_SECONDS,
    tenant: values.DIFFALIGN_TENANT,
    maxBodyBytes: values.DIFFALIGN_MAX_BODY_BYTES,
    heartbeatMs: values.DIFFALIGN_HEARTBEAT_MS,
    logLevel: values.DIFFALIGN_LOG_LEVEL,
    maxRunning: values.DIFFALIGN_MAX_RUNNING,
    maxQueued: values.DIFFALIGN_MAX_QUEUED,
    shutdownGraceMs: values.DIFFALIGN_SHUTDOWN_GRACE_MS,
    referenceThreads: values.DIFFALIGN_REFERENCE_THREADS,
    authMode: values.DIFFALIGN_AUTH,
    authCacheTtlMs: values.DIFFALIGN_AUTH_CACHE_SECONDS * 1000,
    corsOrigins: values.DIFFALIGN_CORS_ORIGINS,
    tenantLimits: { ratePerMinute: values.DIFFALIGN_RATE_PER_MINUTE, maxRunning: values.DIFFALIGN_TENANT_MAX_RUNNING, maxBudget: values.DIFFALIGN_MAX_BUDGET },
    webhooks: {
      ...(values.DIFFALIGN_WEBHOOK_SECRET === undefined ? {} : { secret: values.DIFFALIGN_WEBHOOK_SECRET }),
      attempts: values.DIFFALIGN_WEBHOOK_ATTEMPTS,
      retryBaseMs: values.DIFFALIGN_WEBHOOK_RETRY_BASE_MS,
    },
    playground: values.DIFFALIGN_PLAYGROUND === 'on',
  };
}

/** The configuration table for the README: variable, default, meaning. */
export const CONFIG_DOCS: readonly (readonly [string, string, string])[] = [
  ['DIFFALIGN_HOST', '127.0.0.1', 'interface the local server listens on'],
  ['DIFFALIGN_PORT', '8787', 'port of the local server'],
  ['DIFFALIGN_DATA_DIR', './data', 'directory of the local blob store (generations, feedback, idempotency)'],
  ['DIFFALIGN_BACKEND', 'reference', 'inference backend: `reference` (in-process, CPU, no weights) or `sagemaker` (SageMaker endpoints; see SageMaker)'],
  ['DIFFALIGN_STORAGE', 'fs', 'blob store: `fs` (the local directory DIFFALIGN_DATA_DIR) or `s3` (a bucket)'],
  ['DIFFALIGN_S3_BUCKET', '(none)', 'bucket of the `s3` store; required with DIFFALIGN_STORAGE=s3'],
  ['DIFFALIGN_S3_PREFIX', "''", 'key prefix inside the bucket (e.g. `diffalign/`)'],
  ['DIFFALIGN_S3_PRESIGN_SECONDS', '(off)', 'with S3: image requests answer 302 to a presigned GET valid this many seconds, so image bytes never pass through the API'],
  ['DIFFALIGN_IDEMPOTENCY_TTL_SECONDS', '86400', 'how long an Idempotency-Key is remembered'],
  ['DIFFALIGN_S3_ENDPOINT', '(AWS)', 'an S3-compatible server (`npm run s3`: http://127.0.0.1:4568, MinIO); path-style; without AWS credentials in the environment, s3rver\'s S3RVER/S3RVER are used'],
  ['AWS_REGION', '(SDK default; us-east-1 with an endpoint)', 'region of the bucket'],
  ['DIFFALIGN_PUBLIC_URL', '(request origin)', 'base URL used in image links of records'],
  ['DIFFALIGN_TENANT', 'default', 'tenant of every request while auth is off (with auth on, each API key names its tenant)'],
  ['DIFFALIGN_MAX_BODY_BYTES', '262144', 'largest request body accepted (413 above it)'],
  ['DIFFALIGN_HEARTBEAT_MS', '5000', 'how often a running generation re-writes its record; 4 missed beats read as `interrupted`'],
  ['DIFFALIGN_LOG_LEVEL', 'info', 'debug, info, warn, error or silent'],
  ['DIFFALIGN_MAX_RUNNING', '4', 'generations running at once in this process; more wait as `queued`'],
  ['DIFFALIGN_MAX_QUEUED', '64', 'generations that may wait; past that 503 with Retry-After'],
  ['DIFFALIGN_SHUTDOWN_GRACE_MS', '10000', 'on SIGINT/SIGTERM, how long running generations may finish before they are recorded `interrupted`'],
  ['DIFFALIGN_REFERENCE_THREADS', '(cores)', 'worker threads of the reference backend; 0 runs it on the main thread'],
  ['DIFFALIGN_AUTH', 'auto', '`auto`: auth is on once an API key exists in the store (off, and loopback only, before); `required`: always on'],
  ['DIFFALIGN_AUTH_CACHE_SECONDS', '30', 'how long key documents are cached in process: a revoked key is refused within this long; 0: read the store on every request'],
  ['DIFFALIGN_CORS_ORIGINS', '(none)', 'origins browser apps may call from: `*` or a comma list such as `https://app.example.com`; unset: no CORS headers'],
  ['DIFFALIGN_RATE_PER_MINUTE', '600', 'requests per minute per keyed tenant in this process (token bucket of a minute\'s worth); over it 429 with Retry-After'],
  ['DIFFALIGN_TENANT_MAX_RUNNING', '16', 'generations a keyed tenant may have queued or running in this process; over it 429 with Retry-After'],
  ['DIFFALIGN_MAX_BUDGET', '256', 'largest search.budget (images) one request may ask for; over it 422 budget_over_limit'],
  ['DIFFALIGN_WEBHOOK_SECRET', '(none)', 'Standard Webhooks secret (whsec_…) signing the webhooks of requests made while auth is off; keyed requests use their key\'s'],
  ['DIFFALIGN_WEBHOOK_ATTEMPTS', '5', 'attempts per webhook message (2xx delivers, 410 stops)'],
  ['DIFFALIGN_WEBHOOK_RETRY_BASE_MS', '2000', 'wait before the second attempt; each later one waits 4 times longer (±20%)'],
  ['DIFFALIGN_PLAYGROUND', 'on', '`on`: GET / serves the playground page; `off`: no page (GET / is 404)'],
];
