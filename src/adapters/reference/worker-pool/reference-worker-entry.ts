import { threadId } from 'node:worker_threads';
import { move, transferableSymbol, valueSymbol } from 'piscina';
import type { ScorerV1 } from '../../../ports/scorer.js';
import { warmSilhouetteClassifier } from '../../../reference-world/reward-models/silhouette-classifier.js';
import { ReferenceGenerator } from '../reference-generator.js';
import { ReferenceGeneratorV2 } from '../reference-generator-v2.js';
import { createReferenceScorers } from '../reference-scorers.js';
import type { ReferenceWorkerOutcome, ReferenceWorkerReply, ReferenceWorkerTask } from './reference-worker-protocol.js';
import { serializeError } from './serialized-error.js';

// Worker-thread entry of the reference pool: piscina loads this module once per thread (before the
// thread reports ready) and calls its REFERENCE_WORKER_HANDLER export per task, so the generator's
// caches and the scorers live as long as the thread.
const generator = new ReferenceGenerator();
const generatorV2 = new ReferenceGeneratorV2();
const scorers = new Map<string, ScorerV1>(createReferenceScorers().map((scorer) => [scorer.modelId, scorer]));

/** A reply marked for piscina to transfer its buffers rather than clone them. */
type MovedReply = ReturnType<typeof move>;

/** Serves one task on this thread; failures come back as a serialized error (structured clone drops `code`). */
export async function serveReferenceTask(task: ReferenceWorkerTask): Promise<ReferenceWorkerOutcome | MovedReply> {
  try {
    return await serve(task);
  } catch (error) {
    return { kind: 'error', error: serializeError(error) };
  }
}

/** Runs a task with the thread's models. */
async function serve(task: ReferenceWorkerTask): Promise<ReferenceWorkerReply | MovedReply> {
  switch (task.kind) {
    case 'warm-up':
      // the geneval detector learns its silhouettes once per thread (under a second); do it before the first request
      warmSilhouetteClassifier();
      return { kind: 'warm-up', threadId };
    case 'generate': {
      const result = await generator.doGenerate({ items: [task.item] });
      const image = result.images[0];
      if (image === undefined || image.image.type !== 'inline') throw new Error('reference generator returned no inline image');
      return transferred({ kind: 'generate', png: ownedBytes(image.image.data), nfe: image.nfe, warnings: result.warnings });
    }
    case 'generate-v2': {
      const { output, warnings } = await generatorV2.run(task.item);
      const png = output.image?.type === 'inline' ? ownedBytes(output.image.data) : undefined;
      const reply: ReferenceWorkerReply<'generate-v2'> = {
        kind: 'generate-v2',
        ...(png ? { png } : {}),
        preview: output.preview,
        ...(output.latents ? { latents: output.latents } : {}),
        nfe: output.nfe,
        warnings,
      };
      return png ? transferredV2({ ...reply, png }) : reply;
    }
    case 'score': {
      const scorer = scorers.get(task.model);
      if (scorer === undefined) throw new Error(`no reference scorer "${task.model}" in the worker`);
      const result = await scorer.doScore({
        items: task.items.map((item) => ({
          prompt: item.prompt,
          image: { type: 'inline', mediaType: item.mediaType ?? 'application/octet-stream', data: item.data },
        })),
      });
      return {
        kind: 'score',
        scores: result.scores,
        ...(result.details === undefined ? {} : { details: result.details }),
        warnings: result.warnings,
      };
    }
  }
}

/**
 * The bytes in a fresh ArrayBuffer of their own, so it can be transferred: sharp answers in external
 * memory, which Node 22 refuses to transfer (DataCloneError), and a view into a larger buffer would move
 * all of it. One copy of a PNG.
 */
function ownedBytes(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}

/** A generate reply whose PNG buffer moves to the main thread instead of being cloned. */
function transferred(reply: ReferenceWorkerReply<'generate'>): MovedReply {
  return move({
    get [transferableSymbol](): ArrayBufferLike[] {
      return [reply.png.buffer];
    },
    get [valueSymbol](): ReferenceWorkerReply<'generate'> {
      return reply;
    },
  });
}

/** A generate-v2 reply whose image buffer moves to the main thread instead of being cloned. */
function transferredV2(reply: ReferenceWorkerReply<'generate-v2'> & { readonly png: Uint8Array }): MovedReply {
  return move({
    get [transferableSymbol](): ArrayBufferLike[] {
      return [reply.png.buffer];
    },
    get [valueSymbol](): ReferenceWorkerReply<'generate-v2'> {
      return reply;
    },
  });
}
