import { InvalidBlobKeyError } from '../../ports/errors.js';

/**
 * The `/`-separated segments of a valid blob key; throws `InvalidBlobKeyError` for keys that could escape
 * a store or name something else on one (absolute, `..`, `.`, empty segments, backslashes, NUL, > 1024).
 */
export function blobKeySegments(key: string): string[] {
  const segments = key.split('/');
  const valid =
    key.length > 0 &&
    key.length <= 1024 &&
    !key.includes('\\') &&
    !key.includes('\0') &&
    segments.every((segment) => segment !== '' && segment !== '.' && segment !== '..');
  if (!valid) throw new InvalidBlobKeyError(key);
  return segments;
}

/** Whether two entity tags name the same body (quotes optional, as S3 accepts them). */
export function sameEtag(left: string, right: string): boolean {
  const bare = (etag: string): string => etag.trim().replace(/^"(.*)"$/, '$1');
  return bare(left) === bare(right);
}

/** Page size of `listPage`: 1 to 1000 (S3's most per ListObjectsV2 call), 1000 when not given. */
export function listPageLimit(limit: number | undefined): number {
  if (limit === undefined) return 1000;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new RangeError(`listPage: limit must be an integer from 1 to 1000, got ${limit}`);
  return limit;
}
