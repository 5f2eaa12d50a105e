import { createHash, randomUUID } from 'node:crypto';
import { link, mkdir, readdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import type { Blob, BlobStore, PutOptions } from '../../ports/blob-store.js';
import { BlobAlreadyExistsError, InvalidBlobKeyError } from '../../ports/errors.js';
import { contentTypeForKey } from './content-type-for-key.js';

const TEMP_SUFFIX = '.tmp-';

/**
 * BlobStore on a local directory. Writes are atomic (temp file + rename); `createOnly` publishes with
 * `link(2)`, which fails when the target exists, so two racing creators cannot both win.
 * The content type is derived from the key's extension (the layout only uses known ones).
 */
export class FsBlobStore implements BlobStore {
  readonly provider = 'fs';

  constructor(readonly root: string) {}

  async get(key: string): Promise<Blob | null> {
    const path = this.pathOf(key);
    try {
      const [body, info] = await Promise.all([readFile(path), stat(path)]);
      return { body: new Uint8Array(body), contentType: contentTypeForKey(key), etag: etagOf(body), lastModified: info.mtime };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async put(key: string, body: Uint8Array, options: PutOptions): Promise<{ etag: string }> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    // the writer's pid is in the name, so a restart can tell a crashed writer's leftovers from live writes
    const temp = `${path}${TEMP_SUFFIX}${process.pid}-${randomUUID()}`;
    await writeFile(temp, body, { flag: 'wx' });
    try {
      if (options.createOnly) {
        try {
          await link(temp, path);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new BlobAlreadyExistsError(key, { cause: error });
          throw error;
        } finally {
          await unlink(temp).catch(() => undefined);
        }
      } else {
        await rename(temp, path);
      }
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
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
   * Removes temporary files that writers which are no longer running left behind (a crash between
   * writing and renaming); returns how many. Temp files of live processes (this one included) are kept.
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
      const pid = Number.parseInt(entry.name.slice(at + TEMP_SUFFIX.length), 10);
      if (Number.isInteger(pid) && pid > 0 && isProcessAlive(pid)) continue;
      await rm(join(entry.parentPath, entry.name), { force: true });
      removed += 1;
    }
    return removed;
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  private pathOf(key: string): string {
    const segments = key.split('/');
    const valid =
      key.length > 0 &&
      key.length <= 1024 &&
      !key.includes('\\') &&
      !key.includes('\0') &&
      segments.every((segment) => segment !== '' && segment !== '.' && segment !== '..' && !segment.includes(TEMP_SUFFIX));
    if (!valid) throw new InvalidBlobKeyError(key);
    return join(this.root, ...segments.map((segment) => segment.split(sep).join('_')));
  }
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

function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}
