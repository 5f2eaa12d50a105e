/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com): `webhook-signature: v1,<base64 HMAC-SHA256
 * of "<webhook-id>.<webhook-timestamp>.<body>">`, keyed by the secret's bytes (`whsec_<base64>`). Web Crypto
 * only (no node:crypto), so the same code signs on Node, Lambda and Workers and verifies in the SDK and in
 * browsers. Kept here rather than taking the `standardwebhooks` package: that one is synchronous pure-JS
 * SHA-256 (fast-sha256), and the tests use it as the independent verifier of what this signs.
 */

/** Prefix of a signing secret. */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';
/** How far a `webhook-timestamp` may be from now, by default (the spec's recommendation: 5 minutes). */
export const DEFAULT_WEBHOOK_TOLERANCE_SECONDS = 300;

const encoder = new TextEncoder();

/** A webhook did not verify: wrong or missing signature, malformed headers, or a timestamp too old or too new. */
export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';
  constructor(
    readonly code: 'missing_headers' | 'invalid_timestamp' | 'timestamp_out_of_tolerance' | 'invalid_signature' | 'invalid_secret',
    message: string,
  ) {
    super(message);
  }
}

/** A new random signing secret, `whsec_` + base64 of 24 random bytes (Web Crypto). */
export function newWebhookSecret(): string {
  return `${WEBHOOK_SECRET_PREFIX}${toBase64(crypto.getRandomValues(new Uint8Array(24)))}`;
}

/** Whether a string is a signing secret (`whsec_` + base64 of 16 to 64 bytes). */
export function isWebhookSecret(secret: string): boolean {
  return secretBytes(secret) !== null;
}

/** The `webhook-signature` value of a message: `v1,<base64 HMAC-SHA256>`. */
export async function signWebhook(secret: string, id: string, timestampSeconds: number, body: string): Promise<string> {
  const key = secretBytes(secret);
  if (!key) throw new WebhookVerificationError('invalid_secret', 'the signing secret is not whsec_ followed by base64');
  const hmacKey = await crypto.subtle.importKey('raw', key as Uint8Array<ArrayBuffer>, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', hmacKey, encoder.encode(`${id}.${timestampSeconds}.${body}`)));
  return `v1,${toBase64(mac)}`;
}

/** The three headers of a signed message. */
export interface WebhookHeaders {
  readonly 'webhook-id': string;
  readonly 'webhook-timestamp': string;
  readonly 'webhook-signature': string;
}

/** Signs a message: the headers to send with `body` (exactly these bytes). */
export async function webhookHeaders(secret: string, id: string, timestampSeconds: number, body: string): Promise<WebhookHeaders> {
  return { 'webhook-id': id, 'webhook-timestamp': String(timestampSeconds), 'webhook-signature': await signWebhook(secret, id, timestampSeconds, body) };
}

/** Options of a verification. */
export interface VerifyWebhookOptions {
  /** Seconds a timestamp may be away from now (default 300). */
  readonly toleranceSeconds?: number;
  /** Epoch ms (default Date.now()). */
  readonly now?: number;
}

/**
 * Verifies a received message against the secret (constant-time comparison of every `v1,` signature the
 * header lists, space-separated, as the spec allows during secret rotation) and returns the parsed JSON
 * body; throws WebhookVerificationError. `headers` may be a Headers object or a plain record.
 */
export async function verifyWebhook(secret: string, headers: Headers | Readonly<Record<string, string | undefined>>, body: string, options: VerifyWebhookOptions = {}): Promise<unknown> {
  const read = (name: string): string | undefined => (headers instanceof Headers ? (headers.get(name) ?? undefined) : (headers[name] ?? Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1]));
  const id = read('webhook-id');
  const timestamp = read('webhook-timestamp');
  const signatures = read('webhook-signature');
  if (!id || !timestamp || !signatures) throw new WebhookVerificationError('missing_headers', 'webhook-id, webhook-timestamp and webhook-signature are required');
  if (!/^\d{1,12}$/.test(timestamp)) throw new WebhookVerificationError('invalid_timestamp', 'webhook-timestamp is not whole seconds since the epoch');
  const nowSeconds = Math.floor((options.now ?? Date.now()) / 1000);
  const tolerance = options.toleranceSeconds ?? DEFAULT_WEBHOOK_TOLERANCE_SECONDS;
  if (Math.abs(nowSeconds - Number(timestamp)) > tolerance) throw new WebhookVerificationError('timestamp_out_of_tolerance', `webhook-timestamp is more than ${tolerance} s from now`);
  const expected = (await signWebhook(secret, id, Number(timestamp), body)).slice(3);
  const matched = signatures.split(' ').some((entry) => entry.startsWith('v1,') && constantTimeEqual(entry.slice(3), expected));
  if (!matched) throw new WebhookVerificationError('invalid_signature', 'no webhook-signature matches the body');
  return JSON.parse(body) as unknown;
}

function secretBytes(secret: string): Uint8Array | null {
  if (!secret.startsWith(WEBHOOK_SECRET_PREFIX)) return null;
  const encoded = secret.slice(WEBHOOK_SECRET_PREFIX.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) return null;
  try {
    const bytes = Uint8Array.from(atob(encoded), (char) => char.charCodeAt(0));
    return bytes.length >= 16 && bytes.length <= 64 ? bytes : null;
  } catch {
    return null;
  }
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** Compares two strings in time that depends on their length only. */
function constantTimeEqual(left: string, right: string): boolean {
  let difference = left.length ^ right.length;
  for (let index = 0; index < Math.max(left.length, right.length); index += 1) difference |= (left.charCodeAt(index) || 0) ^ (right.charCodeAt(index) || 0);
  return difference === 0;
}
