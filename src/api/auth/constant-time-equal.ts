/**
 * Whether two byte arrays are equal, in time that depends only on their lengths, never on their content:
 * constant-time by construction. Every byte pair is XOR-ed into one accumulator (no early exit, no
 * data-dependent branch); arrays of different lengths are unequal, and even then every byte of `a` is
 * still visited against `b` (wrapped) so the loop's length does not depend on where they differ.
 *
 * Kept here rather than Hono's `timingSafeEqual`, which re-hashes two strings: the auth path already holds
 * two fixed-length SHA-256 digests, and this loop is what the unit test checks directly.
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  let difference = a.length ^ b.length;
  const span = b.length === 0 ? 1 : b.length;
  for (let index = 0; index < a.length; index += 1) {
    difference |= a[index]! ^ (b[index % span] ?? 0);
  }
  return difference === 0;
}
