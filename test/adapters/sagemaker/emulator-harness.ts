import { afterAll, beforeAll, beforeEach } from 'vitest';
import { CircuitBreaker } from '../../../src/adapters/sagemaker/circuit-breaker.js';
import { createSageMakerRuntimeClient } from '../../../src/adapters/sagemaker/sagemaker-client.js';
import type { SageMakerEndpointConfig } from '../../../src/adapters/sagemaker/sagemaker-endpoint.js';
import { createReferenceEmulatorWorld } from '../../../src/emulator/reference-emulator-world.js';
import { startSageMakerEmulator, type SageMakerEmulator } from '../../../src/emulator/sagemaker-emulator.js';
import type { FaultPlan } from '../../../src/emulator/fault-plan.js';
import { EMULATOR_CREDENTIALS } from '../../../src/runtime/sagemaker-config.js';

/** The emulator on a free port serving the reference world, and a real SDK client pointed at it. */
export interface EmulatorHarness {
  readonly emulator: SageMakerEmulator;
  readonly client: ReturnType<typeof createSageMakerRuntimeClient>;
  /** Endpoint config for an adapter: this client, a fresh breaker unless one is given, the timeout. */
  endpoint(endpointName: string, overrides?: Partial<SageMakerEndpointConfig>): SageMakerEndpointConfig;
  faults(plan: FaultPlan): void;
  close(): Promise<void>;
}

/**
 * Starts the emulator (reference world on `threads` worker threads; 0: in this thread) and an SDK client
 * with 1 ms retry backoff, so retries cost no wall time.
 */
export async function startEmulatorHarness(options: { threads?: number; maxAttempts?: number } = {}): Promise<EmulatorHarness> {
  const reference = createReferenceEmulatorWorld({ threads: options.threads ?? 0 });
  const emulator = await startSageMakerEmulator({ world: reference.world, port: 0, onClose: () => reference.close() });
  const client = createSageMakerRuntimeClient({
    endpoint: emulator.url,
    credentials: EMULATOR_CREDENTIALS,
    maxAttempts: options.maxAttempts ?? 4,
    retryBaseDelayMs: 1,
    retryMaxDelayMs: 4,
  });
  return {
    emulator,
    client,
    endpoint: (endpointName, overrides = {}) => ({
      client,
      endpointName,
      timeoutMs: 10_000,
      circuitBreaker: new CircuitBreaker(`SageMaker endpoint ${endpointName}`, { failureThreshold: 1000 }),
      ...overrides,
    }),
    faults: (plan) => emulator.setFaults(plan),
    close: async () => {
      client.destroy();
      await emulator.close();
    },
  };
}

/**
 * Registers the suite's hooks — one harness for the suite, faults cleared and the call log emptied before
 * each test — and returns a handle that stands for that harness once `beforeAll` ran.
 */
export function useEmulatorHarness(options: { threads?: number } = {}): EmulatorHarness {
  let started: EmulatorHarness | undefined;
  const current = (): EmulatorHarness => {
    if (!started) throw new Error('the emulator harness starts in beforeAll');
    return started;
  };
  beforeAll(async () => {
    started = await startEmulatorHarness(options);
  });
  afterAll(async () => {
    await started?.close();
  });
  beforeEach(() => {
    current().faults({ rules: [] });
    current().emulator.resetCalls();
  });
  return {
    get emulator() {
      return current().emulator;
    },
    get client() {
      return current().client;
    },
    endpoint: (endpointName, overrides) => current().endpoint(endpointName, overrides),
    faults: (plan) => current().faults(plan),
    close: () => current().close(),
  };
}
