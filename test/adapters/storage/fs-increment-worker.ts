/**
 * A separate process for the cross-process test of FsBlobStore: increments the counter at `key` under
 * `root` `times` times with compare-and-swap (head → put with ifMatch, again on a failed precondition).
 * Usage: node --import tsx fs-increment-worker.ts <root> <key> <times>
 */
import { FsBlobStore } from '../../../src/adapters/storage/fs-blob-store.js';
import { BlobPreconditionFailedError } from '../../../src/ports/errors.js';

const [root, key, times] = process.argv.slice(2);
const store = new FsBlobStore(root!);
let conflicts = 0;
for (let done = 0; done < Number(times); ) {
  const current = await store.get(key!);
  const value = Number(new TextDecoder().decode(current!.body));
  try {
    await store.put(key!, new TextEncoder().encode(String(value + 1)), { contentType: 'application/json', ifMatch: current!.etag });
    done += 1;
  } catch (error) {
    if (!(error instanceof BlobPreconditionFailedError)) throw error;
    conflicts += 1;
  }
}
process.stdout.write(`${conflicts}\n`);
