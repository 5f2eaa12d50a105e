/**
 * `npm run emulator`: the SageMaker runtime emulator on 127.0.0.1:8790, serving the reference world under
 * the endpoint names of the SageMaker config (DIFFALIGN_SM_*_ENDPOINT, else their defaults).
 * Options: --host, --port, --threads (reference worker threads), --faults '<json plan>' or
 * --faults-file <path>; faults can also be changed at run time with `PUT /_faults`.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { loadSageMakerConfig } from '../runtime/sagemaker-config.js';
import { faultPlanSchema, type FaultPlan } from './fault-plan.js';
import { createReferenceEmulatorWorld } from './reference-emulator-world.js';
import { startSageMakerEmulator } from './sagemaker-emulator.js';

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '8790' },
    threads: { type: 'string' },
    faults: { type: 'string' },
    'faults-file': { type: 'string' },
  },
});

try {
  const config = loadSageMakerConfig(process.env);
  const faultText = values['faults-file'] !== undefined ? await readFile(values['faults-file'], 'utf8') : values.faults;
  const faults: FaultPlan | undefined = faultText === undefined ? undefined : faultPlanSchema.parse(JSON.parse(faultText));
  const reference = createReferenceEmulatorWorld(values.threads === undefined ? {} : { threads: Number(values.threads) });
  await reference.warmUp();
  const endpoints = {
    [config.generator.endpointName]: 'generator',
    [config.scorer.endpointName]: 'scorer',
    [config.promptist.endpointName]: 'text-generation',
    [config.llm.endpointName]: 'chat',
  } as const;
  const emulator = await startSageMakerEmulator({
    world: reference.world,
    host: values.host,
    port: Number(values.port),
    endpoints,
    ...(faults === undefined ? {} : { faults }),
    onClose: () => reference.close(),
  });
  console.log(`SageMaker emulator listening on ${emulator.url} (endpoints: ${Object.entries(endpoints).map(([name, kind]) => `${name} [${kind}]`).join(', ')})`);
  let stopping = false;
  const stop = (): void => {
    if (stopping) process.exit(1);
    stopping = true;
    void emulator.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (error) {
  console.error(`emulator: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
}
