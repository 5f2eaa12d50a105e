import { createHash, randomUUID } from 'node:crypto';
import { link, mkdir, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { Blob, BlobInfo, BlobStore, ListPage, ListPageOptions, PutOptions } from '../../ports/blob-store.js';
import { BackendCallError, BlobAlreadyExistsError, BlobPreconditionFailedError, InvalidBlobKeyError } from '../../ports/errors.js';
import { blobKeySegments, delimitedPage, type ListedEntry, listPageLimit, rollUpKeys, sameEtag } from './blob-conventions.js';
import { contentTypeForKey } from './content-type-for-key.js';
import { KeyedMutex } from './keyed-mutex.js';

const TEMP_SUFFIX = '.tmp-';
/** `<file>.tmp-lock` holds `<pid>-<uuid>` of the writer that owns the key (keys may not contain `.tmp-`). */
const LOCK_SUFFIX = `${TEMP_SUFFIX}lock`;
/** How long a writer waits for another process's lock on a key before giving up (retryable), by default. */
const LOCK_WAIT_MS = 10_000;

/** Writers of this process, across store instances: a key's lock file is only tried by the holder. */
const processMutex = new KeyedMutex();
/** Lock files this process holds right now; one with this pid that is not here is a previous incarnation's. */
const heldLockFiles = new Set<string>();

/**
 * BlobStore on a local directory. Writes are atomic (temp file + rename); `createOnly` publishes with
 * `link(2)`, which fails when the target exists, so two racing creators cannot both win.
 *
 * Plain puts, `ifMatch` puts and deletes of one key are serialised: in this process by a mutex, across
 * processes by a lock file created with `O_EXCL` (`<file>.tmp-lock`, holding the owner's pid), so an
 * `ifMatch` compare-then-rename cannot interleave with another writer. Limits: a lock whose owner died is
 * broken by pid liveness, which is only meaningful on one host (not on a shared network filesystem), and
 * two processes breaking the same dead lock at the same instant could, in a window of two syscalls, both
 * proceed. The content type is derived from the key's extension (the layout only uses known ones).
 */
export class FsBlobStore implements BlobStore {
  readonly provider = 'fs';

  /** Absolute, so that every instance on one directory shares the process's per-key locks. */
  readonly root: string;
  private readonly lockWaitMs: number;

  constructor(root: string, options: { readonly lockWaitMs?: number } = {}) {
    this.root = resolve(root);
    this.lockWaitMs = options.lockWaitMs ?? LOCK_WAIT_MS;
  }

  async get(key: string): Promise<Blob | null> {
    const read = await this.readWithInfo(key);
    return read && { body: read.body, contentType: read.info.contentType, etag: read.info.etag, lastModified: read.info.lastModified };
  }

  /** Reads the body too: the ETag is a hash of it (no metadata is stored next to the file). */
  async head(key: string): Promise<BlobInfo | null> {
    return (await this.readWithInfo(key))?.info ?? null;
  }

  async put(key: string, body: Uint8Array, options: PutOptions): Promise<{ etag: string }> {
    if (options.createOnly && options.ifMatch !== undefined) throw new TypeError('put: createOnly and ifMatch exclude each other');
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    if (options.createOnly) {
      await this.publish(path, body, async (temp) => {
        try {
          await link(temp, path);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new BlobAlreadyExistsError(key, { cause: error });
          throw error;
        }
      });
    } else {
      const expected = options.ifMatch;
      await this.withKeyLock(path, async () => {
        if (expected !== undefined) {
          const current = await readFile(path).catch(nullIfNotFound);
          if (current === null || !sameEtag(etagOf(current), expected)) throw new BlobPreconditionFailedError(key, expected);
        }
        await this.publish(path, body, (temp) => rename(temp, path));
      });
    }
    return { etag: etagOf(body) };
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    const walk = async (directory: string, relative: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(directory, { withFileTypes: true });
      } catch (error) {
        if (isNotFound(error) || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return;
        throw error;
      }
      for (const entry of entries) {
        const key = relative === '' ? entry.name : `${relative}/${entry.name}`;
        if (entry.isDirectory()) {
          if (key.startsWith(prefix) || prefix.startsWith(`${key}/`)) await walk(join(directory, entry.name), key);
        } else if (entry.isFile() && key.startsWith(prefix) && !entry.name.includes(TEMP_SUFFIX)) {
          keys.push(key);
        }
      }
    };
    await walk(this.root, '');
    return keys.sort();
  }

  /**
   * The cursor is the last key (or prefix) of the page; each page walks the prefix again (fine for a local
   * directory). A `/`-delimited listing of a directory's prefix reads that directory alone.
   */
  async listPage(prefix: string, options: ListPageOptions = {}): Promise<ListPage> {
    const limit = listPageLimit(options.limit);
    const after = options.cursor ?? options.startAfter;
    if (options.delimiter !== undefined) {
      const entries =
        options.delimiter === '/' && (prefix === '' || prefix.endsWith('/'))
          ? await this.directoryEntries(prefix, after, limit + 1)
          : rollUpKeys(await this.list(prefix), prefix, options.delimiter, after);
      return delimitedPage(entries, limit);
    }
    const keys = await this.list(prefix);
    const rest = after === undefined ? keys : keys.filter((key) => key > after);
    const page = rest.slice(0, limit);
    return rest.length > limit ? { keys: page, cursor: page[page.length - 1]! } : { keys: page };
  }

  async delete(key: string): Promise<void> {
    const path = this.pathOf(key);
    try {
      await this.withKeyLock(path, () => rm(path, { force: true }));
    } catch (error) {
      // no directory (or a file where one would be), so no lock file could be created: no key there either
      if (!isNotFound(error) && (error as NodeJS.ErrnoException).code !== 'ENOTDIR') throw error;
    }
  }

  /**
   * Removes temporary files and key locks that writers which are no longer running left behind (a crash
   * between writing and renaming); returns how many. Those of live processes (this one included) are kept.
   */
  async removeAbandonedTempFiles(isProcessAlive: (pid: number) => boolean = processIsAlive): Promise<number> {
    let removed = 0;
    let entries;
    try {
      entries = await readdir(this.root, { recursive: true, withFileTypes: true });
    } catch (error) {
      if (isNotFound(error)) return 0;
      throw error;
    }
    for (const entry of entries) {
      const at = entry.name.indexOf(TEMP_SUFFIX);
      if (!entry.isFile() || at === -1) continue;
      const path = join(entry.parentPath, entry.name);
      if (entry.name.endsWith(LOCK_SUFFIX)) {
        const holder = await readFile(path, 'utf8').catch(nullIfNotFound);
        if (holder === null || !lockIsAbandoned(path, holder, isProcessAlive)) continue;
      } else {
        const pid = Number.parseInt(entry.name.slice(at + TEMP_SUFFIX.length), 10);
        if (Number.isInteger(pid) && pid > 0 && isProcessAlive(pid)) continue;
      }
      await rm(path, { force: true });
      removed += 1;
    }
    return removed;
  }

  /**
   * The first `most` `/`-delimited entries of a directory's prefix after `after`: its files as keys, its
   * subdirectories holding at least one file as prefixes (a directory a delete emptied lists nothing, as on S3).
   */
  private async directoryEntries(prefix: string, after: string | undefined, most: number): Promise<ListedEntry[]> {
    let entries;
    try {
      entries = await readdir(prefix === '' ? this.root : this.pathOf(prefix.slice(0, -1)), { withFileTypes: true });
    } catch (error) {
      if (isNotFound(error) || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
      throw error;
    }
    const candidates = entries
      .filter((entry) => (entry.isFile() && !entry.name.includes(TEMP_SUFFIX)) || entry.isDirectory())
      .map((entry) => ({ value: entry.isDirectory() ? `${prefix}${entry.name}/` : `${prefix}${entry.name}`, isPrefix: entry.isDirectory(), path: join(entry.parentPath, entry.name) }))
      .filter((entry) => after === undefined || entry.value > after || (entry.isPrefix && after.startsWith(entry.value) && after !== entry.value))
      .sort((left, right) => (left.value < right.value ? -1 : left.value > right.value ? 1 : 0));
    const listed: ListedEntry[] = [];
    for (const entry of candidates) {
      if (listed.length >= most) break;
      if (entry.isPrefix) {
        // `after` inside the prefix: it counts only when one of its keys sorts later
        const inside = after !== undefined && !(entry.value > after);
        if (inside ? !(await this.list(entry.value)).some((key) => key > after) : !(await holdsFile(entry.path))) continue;
      }
      listed.push({ value: entry.value, isPrefix: entry.isPrefix });
    }
    return listed;
  }

  /** Body and metadata read through one file handle, so they describe the same version. */
  private async readWithInfo(key: string): Promise<{ body: Uint8Array; info: BlobInfo } | null> {
    const path = this.pathOf(key);
    const handle = await open(path, 'r').catch(nullIfNotFound);
    if (handle === null) return null;
    try {
      const [body, stats] = await Promise.all([handle.readFile(), handle.stat()]);
      return {
        body: new Uint8Array(body.buffer, body.byteOffset, body.byteLength),
        info: { etag: etagOf(body), contentType: contentTypeForKey(key), size: body.byteLength, lastModified: stats.mtime },
      };
    } finally {
      await handle.close();
    }
  }

  /** Writes `body` to a temp file next to `path` and hands it to `publishTemp`; the temp file never stays. */
  private async publish(path: string, body: Uint8Array, publishTemp: (temp: string) => Promise<void>): Promise<void> {
    // the writer's pid is in the name, so a restart can tell a crashed writer's leftovers from live writes
    const temp = `${path}${TEMP_SUFFIX}${process.pid}-${randomUUID()}`;
    await writeFile(temp, body, { flag: 'wx' });
    try {
      await publishTemp(temp);
    } finally {
      await rm(temp, { force: true });
    }
  }

  private withKeyLock<T>(path: string, work: () => Promise<T>): Promise<T> {
    return processMutex.run(path, async () => {
      const lockPath = `${path}${LOCK_SUFFIX}`;
      const token = await acquireLockFile(lockPath, this.lockWaitMs);
      heldLockFiles.add(lockPath);
      try {
        return await work();
      } finally {
        heldLockFiles.delete(lockPath);
        const holder = await readFile(lockPath, 'utf8').catch(nullIfNotFound);
        if (holder === token) await rm(lockPath, { force: true });
      }
    });
  }

  private pathOf(key: string): string {
    const segments = blobKeySegments(key);
    if (segments.some((segment) => segment.includes(TEMP_SUFFIX))) throw new InvalidBlobKeyError(key);
    return join(this.root, ...segments.map((segment) => segment.split(sep).join('_')));
  }
}

/** Creates the lock file exclusively, waiting while a live writer holds it and breaking it when its owner died. */
async function acquireLockFile(lockPath: string, waitMs: number): Promise<string> {
  const token = `${process.pid}-${randomUUID()}`;
  const deadline = Date.now() + waitMs;
  for (let attempt = 0; ; attempt += 1) {
    try {
      await writeFile(lockPath, token, { flag: 'wx' });
      return token;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await readFile(lockPath, 'utf8').catch(nullIfNotFound);
    if (holder === null) continue;
    if (lockIsAbandoned(lockPath, holder, processIsAlive)) {
      // break it only if it is still the abandoned one (not a lock another waiter took meanwhile)
      if ((await readFile(lockPath, 'utf8').catch(nullIfNotFound)) === holder) await rm(lockPath, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new BackendCallError({ backend: 'fs', message: `${lockPath} is held by ${holder || 'a writer'} for over ${waitMs} ms`, isRetryable: true });
    }
    await delay(Math.min(2 ** attempt, 50));
  }
}

/**
 * A lock whose owner is dead, or that carries this pid without this process holding it (left by an earlier
 * process that had the same pid, as in a restarted container). An empty one is being written: not abandoned.
 */
function lockIsAbandoned(lockPath: string, holder: string, isProcessAlive: (pid: number) => boolean): boolean {
  const pid = Number.parseInt(holder, 10);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return !heldLockFiles.has(lockPath);
  return !isProcessAlive(pid);
}

function etagOf(body: Uint8Array): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;
}

/** Whether a process with this pid runs (signal 0 checks without signalling; EPERM means it runs as another user). */
export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether a directory holds a file (not a temp file) at any depth; stops at the first. */
async function holdsFile(directory: string): Promise<boolean> {
  const entries = await readdir(directory, { withFileTypes: true }).catch((error: unknown) => {
    if (isNotFound(error)) return [];
    throw error;
  });
  if (entries.some((entry) => entry.isFile() && !entry.name.includes(TEMP_SUFFIX))) return true;
  for (const entry of entries) if (entry.isDirectory() && (await holdsFile(join(directory, entry.name)))) return true;
  return false;
}

function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

function nullIfNotFound(error: unknown): null {
  if (isNotFound(error)) return null;
  throw error;
}
