import { v7 } from 'uuid';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/**
 * A time-sortable id (RFC 9562 UUIDv7): 48-bit ms timestamp, then random bits (`uuid`'s `v7`).
 * `random` is the 16 bytes `uuid` draws the rest from (its `random` option); by default fresh ones.
 */
export function newUuidV7(nowMs: number = Date.now(), random?: Uint8Array): string {
  return v7({ msecs: Math.floor(nowMs), ...(random ? { random } : {}) });
}

/** True for a lowercase UUIDv7 string. */
export function isUuidV7(value: string): boolean {
  return UUID_V7.test(value);
}

/** The creation time (ms since epoch) a UUIDv7 carries. */
export function uuidV7Timestamp(id: string): number {
  return Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16);
}
