import type { GenerateOptions, GenerateResult, GeneratorV1 } from '../../src/ports/generator.js';
import { SolidColorGenerator } from './fake-ports.js';

/** The solid-colour generator, every call held until `open()`: keeps generations live (queued or running) for as long as a test needs. */
export class GatedGenerator implements GeneratorV1 {
  readonly specificationVersion = 'v1';
  readonly provider = 'test';
  readonly modelId = 'gated';
  readonly maxBatchSize = 4;
  readonly maxConcurrency = 4;
  private readonly inner = new SolidColorGenerator();
  private release: () => void = () => undefined;
  private readonly gate = new Promise<void>((resolve) => (this.release = resolve));

  /** Lets every waiting and later call through. */
  open(): void {
    this.release();
  }

  async doGenerate(options: GenerateOptions): Promise<GenerateResult> {
    await this.gate;
    return this.inner.doGenerate(options);
  }
}
