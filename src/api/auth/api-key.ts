import { encodeBase64Url } from 'hono/utils/encode';

/**
 * diffalign API keys: `da_<key id>_<secret>`. The key id (8 random bytes, 16 hex digits) names the stored
 * document (`keys/<key id>.json`) and is not secret; the secret is 32 random bytes (256 bits), base64url.
 *
 * Stored as the SHA-256 of the whole key, not with a slow KDF (bcrypt, scrypt, argon2): those protect
 * low-entropy passwords against guessing, while a 256-bit random secret cannot be brute-forced whatever the
 * hash costs, so one SHA-256 (Web Crypto, any runtime) is enough and keeps every request cheap.
 */
export const API_KEY_PREFIX = 'da_';

const KEY_ID_BYTES = 8;
const SECRET_BYTES = 32;
const API_KEY = /^da_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
const KEY_ID = /^[0-9a-f]{16}$/;
const encoder = new TextEncoder();

/** A new API key and its id. */
export interface NewApiKey {
  /** The full key, shown to its owner once. */
  readonly key: string;
  readonly keyId: string;
}

/** Source of random bytes (Web Crypto by default; tests may inject their own). */
export type RandomBytes = (length: number) => Uint8Array;

const webCryptoRandom: RandomBytes = (length) => crypto.getRandomValues(new Uint8Array(length));

/** Makes a new API key from `random` (Web Crypto's CSPRNG by default). */
export function newApiKey(random: RandomBytes = webCryptoRandom): NewApiKey {
  const keyId = toHex(random(KEY_ID_BYTES));
  const secret = encodeBase64Url(random(SECRET_BYTES).slice().buffer).replace(/=+$/, '');
  return { key: `${API_KEY_PREFIX}${keyId}_${secret}`, keyId };
}

/** The key id of a well-formed API key, or null when `key` is not one. */
export function keyIdOf(key: string): string | null {
  return API_KEY.exec(key)?.[1] ?? null;
}

/** Whether `keyId` has the form of a key id (16 hex digits). */
export function isKeyId(keyId: string): boolean {
  return KEY_ID.test(keyId);
}

/** SHA-256 of the key's UTF-8 bytes (Web Crypto). */
export async function apiKeyDigest(key: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(key)));
}

/** Lowercase hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

/** Bytes of a hex string (pairs of hex digits); null when it is not hex. */
export function fromHex(hex: string): Uint8Array | null {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return null;
  const bytes = new Uint8Array(hex.length / 2);
  for (let index = 0; index < bytes.length; index += 1) bytes[index] = Number.parseInt(hex.slice(index * 2, index * 2 + 2), 16);
  return bytes;
}
