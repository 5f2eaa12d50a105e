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

/** One entry of a delimited listing: a key, or a rolled-up prefix (ending in the delimiter). */
export interface ListedEntry {
  readonly value: string;
  readonly isPrefix: boolean;
}

/**
 * Rolls sorted keys up at `delimiter` after `prefix`, as S3 does: a key with the delimiter after the prefix
 * becomes its prefix up to and including the delimiter, listed once. Keys at or before `after` are left out,
 * and so are the keys under `after` when it is itself a rolled-up prefix (a page's cursor).
 */
export function rollUpKeys(keys: readonly string[], prefix: string, delimiter: string, after?: string): ListedEntry[] {
  const entries: ListedEntry[] = [];
  for (const key of keys) {
    if (after !== undefined && (key <= after || (after.endsWith(delimiter) && key.startsWith(after)))) continue;
    const at = key.indexOf(delimiter, prefix.length);
    const entry = at === -1 ? { value: key, isPrefix: false } : { value: key.slice(0, at + delimiter.length), isPrefix: true };
    const last = entries[entries.length - 1];
    if (!(last && last.isPrefix && entry.isPrefix && last.value === entry.value)) entries.push(entry);
  }
  return entries.sort((left, right) => (left.value < right.value ? -1 : left.value > right.value ? 1 : 0));
}

/** The page of a delimited listing from its sorted entries: at most `limit` of them, the cursor the last one when more follow. */
export function delimitedPage(entries: readonly ListedEntry[], limit: number): { keys: string[]; prefixes: string[]; cursor?: string } {
  const page = entries.slice(0, limit);
  const keys = page.filter((entry) => !entry.isPrefix).map((entry) => entry.value);
  const prefixes = page.filter((entry) => entry.isPrefix).map((entry) => entry.value);
  return entries.length > limit ? { keys, prefixes, cursor: page[page.length - 1]!.value } : { keys, prefixes };
}
