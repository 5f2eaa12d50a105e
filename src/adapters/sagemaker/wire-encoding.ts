import { fromBase64 as smithyFromBase64, fromUtf8, toBase64 as smithyToBase64, toUtf8 } from '@smithy/core/serde';

// Bytes on the SageMaker wire (JSON text, base64 images) without Node's Buffer, so the adapters run on any
// fetch-based runtime. The SDK's own serde helpers are used, not a package of our own: their Node build is
// Buffer (fast), their browser/worker build pure JS, and bundlers pick one by the same conditions that pick
// the SDK's runtime config. (uint8array-extras, the other candidate, decodes through `atob` and
// `Uint8Array.from(string, fn)`: ~90 ms for a 400 KB image on Node 20, against ~1.5 ms for Buffer.)

/** UTF-8 bytes of a string. */
export function encodeUtf8(text: string): Uint8Array {
  return fromUtf8(text);
}

/** The string UTF-8 bytes encode (malformed sequences become U+FFFD, as Buffer's toString did). */
export function decodeUtf8(bytes: Uint8Array): string {
  return bytes.byteLength === 0 ? '' : toUtf8(bytes);
}

/** How many bytes a string takes as UTF-8 (the payload limits count bytes). */
export function utf8ByteLength(text: string): number {
  return fromUtf8(text).byteLength;
}

/** Bytes of a base64 string; throws a TypeError naming the problem when it is not base64. */
export function fromBase64(text: string): Uint8Array {
  return smithyFromBase64(text);
}

/** Base64 of bytes. */
export function toBase64(bytes: Uint8Array): string {
  return smithyToBase64(bytes);
}
