import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import PQueue from 'p-queue';
import type { BlobStore } from '../ports/blob-store.js';
import { erasureKey, feedbackPrefix } from '../records/generation-layout.js';
import type { FeedbackScope } from './feedback-sql.js';

/** Where DuckDB reads a harvest's feedback and erasure files from. */
export interface FeedbackFiles {
  /** A directory in the store layout (`feedback/…`, `erasures/…` under it). */
  readonly root: string;
  /** `direct`: the fs store's own directory; `staged`: a temp copy of what the store's port listed. */
  readonly mode: 'direct' | 'staged';
  /** Objects copied (staged mode). */
  readonly staged: number;
}

const DT_SEGMENT = /\/dt=(\d{4}-\d{2}-\d{2})\//;
const GLOB_CHARACTERS = /[*?[\]{}]/;

/**
 * The local directory of a filesystem store, when the store is one (`provider: 'fs'` with a `root`);
 * null for every other store. Duck-typed, so the harvest needs no adapter import.
 */
export function localRootOf(store: BlobStore): string | null {
  const root = (store as { readonly root?: unknown }).root;
  return store.provider === 'fs' && typeof root === 'string' ? root : null;
}

/**
 * Makes a scope's feedback readable by DuckDB. The fs store's directory is read in place (DuckDB globs the
 * Hive partitions itself and prunes `dt` directories). Any other store (S3 behind the port) is copied,
 * through the port, into `stagingDirectory` in the same layout, and DuckDB reads that copy. Why a copy
 * rather than inserting rows: the same SQL and the same JSON reader run on both paths (one set of
 * semantics for malformed lines, types and partitions), DuckDB's reader is much faster than parsing in JS,
 * and the copy can exceed memory; why not DuckDB's own S3 reader (httpfs): it is an extension to download
 * and would need the store's credentials and endpoint a second time, outside the port. Staging prunes as
 * the query does: only `dt=` prefixes inside the range are fetched, and the erasures of the tenant. A data
 * directory whose path has glob characters is staged too (DuckDB would read them as a pattern).
 */
export async function locateFeedbackFiles(
  store: BlobStore,
  scope: FeedbackScope,
  stagingDirectory: string,
  onProgress: (done: number, total: number) => void = () => undefined,
): Promise<FeedbackFiles> {
  const local = localRootOf(store);
  if (local !== null && !GLOB_CHARACTERS.test(local)) return { root: local, mode: 'direct', staged: 0 };
  const feedbackKeys = (await store.list(feedbackPrefix(scope.tenant))).filter((key) => key.endsWith('.ndjson') && inRange(key, scope));
  const erasureKeys = (await store.list(erasuresPrefix(scope.tenant))).filter((key) => key.endsWith('.json'));
  const keys = [...feedbackKeys, ...erasureKeys];
  const queue = new PQueue({ concurrency: 16 });
  let done = 0;
  onProgress(0, keys.length);
  await queue.addAll(
    keys.map((key) => async () => {
      const blob = await store.get(key);
      if (blob) {
        const path = join(stagingDirectory, ...key.split('/'));
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, blob.body);
      }
      done += 1;
      onProgress(done, keys.length);
    }),
  );
  return { root: stagingDirectory, mode: 'staged', staged: keys.length };
}

/** `erasures/tenant=<t>/`: the folder of `erasureKey`, derived from it so the layout is stated once. */
function erasuresPrefix(tenant: string): string {
  const key = erasureKey(tenant, '-');
  return key.slice(0, key.lastIndexOf('/') + 1);
}

function inRange(key: string, scope: FeedbackScope): boolean {
  const dt = DT_SEGMENT.exec(key)?.[1];
  if (dt === undefined) return false;
  return (scope.from === undefined || dt >= scope.from) && (scope.to === undefined || dt <= scope.to);
}
