import { Command, InvalidArgumentError } from 'commander';
import { BlobStoreConfigError } from '../adapters/storage/index.js';
import { type ApiKeyDocument, apiKeyDocumentKey, ApiKeyNotFoundError, ApiKeyStore, InvalidTenantNameError } from '../api/auth/index.js';
import { tenantLimitOverridesSchema, type TenantLimitOverrides } from '../api/limits/tenant-limits.js';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { type CliIo, EXIT, fail } from './cli-io.js';
import { createConfiguredStore, storageLocation } from './configured-store.js';

interface CreateFlags {
  readonly tenant: string;
  readonly label?: string;
  readonly ratePerMinute?: number;
  readonly maxRunning?: number;
  readonly maxBudget?: number;
  readonly json?: boolean;
}

/**
 * `diffalign keys create --tenant NAME [--label L] [--rate-per-minute N] [--max-running N] [--max-budget N] [--json]`,
 * `diffalign keys revoke KEY_ID [--json]`, `diffalign keys list [--json]`: API keys in the store the server
 * reads (the same environment as the server: `.data`-style fs directory or S3). `create` prints the key
 * once (alone on stdout, so `KEY=$(npx diffalign keys create --tenant acme)` works) and stores only its
 * SHA-256; `list` never shows a secret (none is kept).
 */
export function keysCommand(io: CliIo, setExitCode: (code: number) => void): Command {
  const keys = new Command('keys').description('create, revoke and list API keys (stored as SHA-256 digests in the configured store)');
  keys
    .command('create')
    .description('create an API key for a tenant; prints it once')
    .requiredOption('--tenant <tenant>', 'tenant the key acts for (lowercase letters, digits and dashes)')
    .option('--label <label>', 'a note on what the key is for')
    .option('--rate-per-minute <n>', "this key's requests per minute (default: DIFFALIGN_RATE_PER_MINUTE)", parsePositive)
    .option('--max-running <n>', 'generations queued or running at once (default: DIFFALIGN_TENANT_MAX_RUNNING)', parsePositive)
    .option('--max-budget <n>', 'largest search.budget per request (default: DIFFALIGN_MAX_BUDGET)', parsePositive)
    .option('--json', 'print the key and its document as JSON')
    .action(async (flags: CreateFlags) => setExitCode(await withKeyStore(io, 'keys create', (store, config) => createKey(store, config, flags, io))));
  keys
    .command('revoke')
    .description('revoke an API key by its id; servers refuse it within DIFFALIGN_AUTH_CACHE_SECONDS')
    .argument('<key-id>', 'id of the key (the 16 hex digits after da_, or from `keys list`)')
    .option('--json', 'print the revoked key document as JSON')
    .action(async (keyId: string, flags: { readonly json?: boolean }) => setExitCode(await withKeyStore(io, 'keys revoke', (store, config) => revokeKey(store, config, keyId, flags, io))));
  keys
    .command('list')
    .description('list key ids, tenants, creation and revocation times (never secrets)')
    .option('--json', 'print the keys as JSON')
    .action(async (flags: { readonly json?: boolean }) => setExitCode(await withKeyStore(io, 'keys list', (store) => listKeys(store, flags, io))));
  return keys;
}

async function withKeyStore(io: CliIo, command: string, run: (store: ApiKeyStore, config: Config) => Promise<number>): Promise<number> {
  let config: Config;
  let store: ApiKeyStore;
  try {
    config = loadConfig(io.env, io.cwd);
    store = new ApiKeyStore(createConfiguredStore(config), { cacheTtlMs: 0 });
  } catch (error) {
    if (error instanceof ConfigError || error instanceof BlobStoreConfigError) return fail(io, command, error.message, EXIT.usage);
    throw error;
  }
  try {
    return await run(store, config);
  } catch (error) {
    if (error instanceof InvalidTenantNameError) return fail(io, command, error.message, EXIT.usage);
    if (error instanceof ApiKeyNotFoundError) return fail(io, command, `${error.message} at ${storageLocation(config)}`, EXIT.failure);
    return fail(io, command, error instanceof Error ? error.message : String(error), EXIT.failure);
  }
}

async function createKey(store: ApiKeyStore, config: Config, flags: CreateFlags, io: CliIo): Promise<number> {
  const limits = limitsOf(flags);
  if (typeof limits === 'string') return fail(io, 'keys create', limits, EXIT.usage);
  const { key, document } = await store.create({ tenant: flags.tenant, ...(flags.label !== undefined ? { label: flags.label } : {}), ...(limits ? { limits } : {}) });
  const where = `${storageLocation(config)} (${apiKeyDocumentKey(document.key_id)})`;
  if (flags.json) {
    io.stdout.write(`${JSON.stringify({ key, ...publicFields(document), ...(document.webhook_secret ? { webhook_secret: document.webhook_secret } : {}), stored_at: where })}\n`);
  } else {
    io.stdout.write(`${key}\n`);
    io.stderr.write(
      `diffalign keys create: key ${document.key_id} for tenant ${document.tenant}, stored as its SHA-256 in ${where}.\n` +
        'This is the only time the key is shown: keep it secret; send it as `Authorization: Bearer <key>`.\n' +
        (document.webhook_secret ? `Webhooks of its generations are signed with ${document.webhook_secret} (Standard Webhooks; give it to your receiver).\n` : ''),
    );
  }
  return EXIT.ok;
}

async function revokeKey(store: ApiKeyStore, config: Config, keyId: string, flags: { readonly json?: boolean }, io: CliIo): Promise<number> {
  const { document, alreadyRevoked } = await store.revoke(keyId);
  if (flags.json) {
    io.stdout.write(`${JSON.stringify({ ...publicFields(document), already_revoked: alreadyRevoked })}\n`);
  } else if (alreadyRevoked) {
    io.stdout.write(`key ${document.key_id} (tenant ${document.tenant}) was already revoked at ${document.revoked_at}\n`);
  } else {
    io.stdout.write(
      `revoked key ${document.key_id} (tenant ${document.tenant}) at ${document.revoked_at}; running servers refuse it within ${config.authCacheTtlMs / 1000} s (DIFFALIGN_AUTH_CACHE_SECONDS)\n`,
    );
  }
  return EXIT.ok;
}

async function listKeys(store: ApiKeyStore, flags: { readonly json?: boolean }, io: CliIo): Promise<number> {
  const { keys, unreadable } = await store.list();
  for (const blobKey of unreadable) io.stderr.write(`diffalign keys list: warning: ${blobKey} is not a key document; it is never trusted\n`);
  if (flags.json) {
    io.stdout.write(`${JSON.stringify({ keys: keys.map(publicFields) })}\n`);
    return EXIT.ok;
  }
  const rows = [['KEY ID', 'TENANT', 'CREATED', 'REVOKED', 'LABEL'], ...keys.map((key) => [key.key_id, key.tenant, key.created_at, key.revoked_at ?? '-', key.label ?? ''])];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  io.stdout.write(rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()).join('\n') + '\n');
  return EXIT.ok;
}

/**
 * A key document without its digest and webhook secret: what the CLI shows (the digest is no secret, but
 * nobody needs it). Only `create --json` prints the webhook secret, once, as the key itself.
 */
function publicFields(document: ApiKeyDocument): Omit<ApiKeyDocument, 'sha256' | 'webhook_secret'> {
  const { sha256: _digest, webhook_secret: _secret, ...rest } = document;
  return rest;
}

/** The limit flags as overrides (undefined when none is given), or what is wrong with them. */
function limitsOf(flags: CreateFlags): TenantLimitOverrides | undefined | string {
  const overrides = {
    ...(flags.ratePerMinute !== undefined ? { rate_per_minute: flags.ratePerMinute } : {}),
    ...(flags.maxRunning !== undefined ? { max_running: flags.maxRunning } : {}),
    ...(flags.maxBudget !== undefined ? { max_budget: flags.maxBudget } : {}),
  };
  if (Object.keys(overrides).length === 0) return undefined;
  const parsed = tenantLimitOverridesSchema.safeParse(overrides);
  if (parsed.success) return parsed.data;
  return parsed.error.issues.map((issue) => `--${String(issue.path[0] ?? '').replaceAll('_', '-')}: ${issue.message}`).join('; ');
}

function parsePositive(value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(number) || number < 1) throw new InvalidArgumentError('expected an integer ≥ 1');
  return number;
}
