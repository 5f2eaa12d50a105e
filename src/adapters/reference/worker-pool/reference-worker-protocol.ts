import type { GenerateItem, GenerateItemV2 } from '../../../ports/generator.js';
import type { LatentCheckpoint } from '../../../ports/latent-checkpoint.js';
import type { ScoreDetail } from '../../../ports/scorer.js';
import type { Warning } from '../../../ports/warning.js';
import type { SerializedError } from './serialized-error.js';

/** Name of the worker entry's export that serves tasks. */
export const REFERENCE_WORKER_HANDLER = 'serveReferenceTask';

/** One image for a worker's scorer: the bytes travel to the thread (copied; the caller keeps its image). */
export interface WorkerScoreItem {
  readonly prompt: string;
  readonly data: Uint8Array;
  readonly mediaType: string | undefined;
}

/** The tasks a reference worker thread serves, and what each answers. */
export interface ReferenceWorkerProtocol {
  /** Loads the thread's modules and models; answers which thread it ran on. */
  readonly 'warm-up': {
    readonly task: { readonly kind: 'warm-up' };
    readonly reply: { readonly kind: 'warm-up'; readonly threadId: number };
  };
  /** Generates one item with the thread's ReferenceGenerator; the PNG's buffer is transferred, not copied. */
  readonly generate: {
    readonly task: { readonly kind: 'generate'; readonly item: GenerateItem };
    readonly reply: { readonly kind: 'generate'; readonly png: Uint8Array; readonly nfe: number; readonly warnings: readonly Warning[] };
  };
  /** Runs one generator-v2 item with the thread's ReferenceGeneratorV2; the PNG's buffer (when there is one) is transferred. */
  readonly 'generate-v2': {
    readonly task: { readonly kind: 'generate-v2'; readonly item: GenerateItemV2 };
    readonly reply: {
      readonly kind: 'generate-v2';
      readonly png?: Uint8Array;
      readonly preview: boolean;
      readonly latents?: LatentCheckpoint;
      readonly nfe: number;
      readonly warnings: readonly Warning[];
    };
  };
  /** Scores a batch with the thread's reference scorer of that model id. */
  readonly score: {
    readonly task: { readonly kind: 'score'; readonly model: string; readonly items: readonly WorkerScoreItem[] };
    readonly reply: {
      readonly kind: 'score';
      readonly scores: readonly (number | null)[];
      readonly details?: readonly (ScoreDetail | undefined)[];
      readonly warnings: readonly Warning[];
    };
  };
}

/** The kinds of task a reference worker serves. */
export type ReferenceWorkerTaskKind = keyof ReferenceWorkerProtocol;

/** A task of one kind (all kinds when not narrowed). */
export type ReferenceWorkerTask<K extends ReferenceWorkerTaskKind = ReferenceWorkerTaskKind> = ReferenceWorkerProtocol[K]['task'];

/** A worker's answer to a task of one kind. */
export type ReferenceWorkerReply<K extends ReferenceWorkerTaskKind = ReferenceWorkerTaskKind> = ReferenceWorkerProtocol[K]['reply'];

/** What crosses back from the thread: the reply, or the task's error in a cloneable form. */
export type ReferenceWorkerOutcome<K extends ReferenceWorkerTaskKind = ReferenceWorkerTaskKind> =
  | ReferenceWorkerReply<K>
  | { readonly kind: 'error'; readonly error: SerializedError };
