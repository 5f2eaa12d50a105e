import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import PQueue from 'p-queue';
import type { BlobStore } from '../ports/blob-store.js';
import { candidateImageKey } from '../records/generation-layout.js';
import { imageUid, ktoImagePath } from './dataset-rows.js';
import type { GenerationHarvest } from './generation-harvest.js';
import type { HarvestDatabase } from './harvest-database.js';
import type { HarvestCandidate, HarvestGeneration } from './harvest-generation.js';
import type { OutputFileDigest } from './harvest-manifest.js';
import { OUTPUT_FILES } from './output-files.js';

/** Progress of the image phase. */
export type ImageProgress = (done: number, total: number) => void;

/** The images found for a harvest: their uids (loaded into `harvest_images`), and the KTO files written with their digests. */
export interface CollectedImages {
  readonly available: ReadonlySet<string>;
  readonly ktoFiles: readonly OutputFileDigest[];
}

/**
 * Loads every image the pairs, labels and rankings refer to through the port into DuckDB
 * (`harvest_images (uid, bytes)`), and writes the KTO ones to `kto/images/` (hashing them as they are
 * written, so the manifest need not read them back). Images not in the store are simply absent.
 */
export async function collectImages(
  db: HarvestDatabase,
  store: BlobStore,
  tenant: string,
  harvests: readonly GenerationHarvest[],
  out: string,
  onProgress: ImageProgress = () => undefined,
): Promise<CollectedImages> {
  const wanted = wantedImages(harvests);
  const ktoUids = new Set(harvests.flatMap((harvest) => harvest.kto.map((label) => imageUid(harvest.generation.id, label.candidateId))));
  await mkdir(join(out, OUTPUT_FILES.ktoImages), { recursive: true });
  await db.run('CREATE OR REPLACE TEMP TABLE harvest_images (uid VARCHAR, bytes BLOB)');
  const appender = await db.appender('harvest_images');
  const available = new Set<string>();
  const ktoFiles: OutputFileDigest[] = [];
  const queue = new PQueue({ concurrency: 32 });
  let done = 0;
  onProgress(0, wanted.size);
  try {
    await queue.addAll(
      [...wanted].map(([uid, { generation, candidate }]) => async () => {
        const blob = await store.get(candidateImageKey(tenant, generation.id, candidate.id, candidate.mediaType));
        if (blob) {
          appender.appendVarchar(uid);
          appender.appendBlob(blob.body);
          appender.endRow();
          available.add(uid);
          if (ktoUids.has(uid)) {
            const path = `kto/${ktoImagePath(generation.id, candidate)}`;
            await writeFile(join(out, path), blob.body);
            ktoFiles.push({ path, bytes: blob.body.byteLength, sha256: createHash('sha256').update(blob.body).digest('hex') });
          }
        }
        done += 1;
        onProgress(done, wanted.size);
      }),
    );
  } finally {
    appender.closeSync();
  }
  return { available, ktoFiles };
}

/** Every image a pair, label or ranking of the harvests refers to, by uid. */
function wantedImages(harvests: readonly GenerationHarvest[]): Map<string, { readonly generation: HarvestGeneration; readonly candidate: HarvestCandidate }> {
  const wanted = new Map<string, { generation: HarvestGeneration; candidate: HarvestCandidate }>();
  for (const { generation, pairs, kto, ranking } of harvests) {
    const byId = new Map(generation.candidates.map((candidate) => [candidate.id, candidate]));
    const ids = [...pairs.flatMap((pair) => [pair.preferred, pair.rejected]), ...kto.map((label) => label.candidateId), ...(ranking?.candidates.map((c) => c.id) ?? [])];
    for (const id of ids) {
      const candidate = byId.get(id);
      if (candidate) wanted.set(imageUid(generation.id, id), { generation, candidate });
    }
  }
  return wanted;
}
