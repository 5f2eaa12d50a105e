import { chatCompletion, createReferenceWorld, textGeneration } from '../adapters/reference/index.js';
import type { EmulatorWorld } from './emulator-models.js';

/** The reference world as the emulator serves it, and how to stop its worker threads. */
export interface ReferenceEmulatorWorld {
  readonly world: EmulatorWorld;
  warmUp(): Promise<void>;
  close(): Promise<void>;
}

/** The reference world's generator, scorers, Promptist and OPT2I reviser, for the emulator to serve. */
export function createReferenceEmulatorWorld(options: { threads?: number } = {}): ReferenceEmulatorWorld {
  const reference = createReferenceWorld(options.threads === undefined ? {} : { threads: options.threads });
  return {
    world: { generator: reference.generator, generatorV2: reference.generatorV2, scorers: reference.scorers, textGeneration, chatCompletion },
    warmUp: () => reference.warmUp(),
    close: () => reference.close(),
  };
}
