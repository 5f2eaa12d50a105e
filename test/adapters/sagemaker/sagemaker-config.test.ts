import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config.js';
import { EMULATOR_CREDENTIALS, loadSageMakerConfig } from '../../../src/runtime/sagemaker-config.js';

describe('loadSageMakerConfig', () => {
  it('defaults every endpoint and, against the emulator, the region, dummy credentials and its scorers', () => {
    // Act
    const config = loadSageMakerConfig({ DIFFALIGN_SAGEMAKER_URL: 'http://127.0.0.1:8790/' });
    // Assess
    expect(config).toEqual({
      region: 'us-east-1',
      endpointUrl: 'http://127.0.0.1:8790',
      credentials: EMULATOR_CREDENTIALS,
      retry: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 5000 },
      circuit: { failureThreshold: 5, cooldownMs: 30_000 },
      generator: { endpointName: 'diffalign-generator', maxBatchSize: 4, maxConcurrency: 4, timeoutMs: 60_000 },
      scorer: { endpointName: 'diffalign-scorer', models: ['geneval', 'aesthetic'], maxBatchSize: 8, maxConcurrency: 4, timeoutMs: 30_000 },
      promptist: { endpointName: 'diffalign-promptist', timeoutMs: 15_000 },
      llm: { endpointName: 'diffalign-llm', timeoutMs: 60_000 },
    });
  });

  it('leaves region and credentials to the SDK on AWS, and serves the production reward models', () => {
    // Act
    const config = loadSageMakerConfig({});
    // Assess
    expect(config.region).toBeUndefined();
    expect(config.credentials).toBeUndefined();
    expect(config.endpointUrl).toBeUndefined();
    expect(config.scorer.models).toEqual(['pickscore', 'hpsv2', 'imagereward', 'clipscore', 'aesthetic']);
  });

  it('keeps AWS credentials of the environment even with an endpoint URL', () => {
    expect(loadSageMakerConfig({ DIFFALIGN_SAGEMAKER_URL: 'http://localhost:8790', AWS_PROFILE: 'dev' }).credentials).toBeUndefined();
  });

  it('reads endpoint names, scorer lists, batch sizes and timeouts', () => {
    // Act
    const config = loadSageMakerConfig({
      AWS_REGION: 'eu-west-1',
      DIFFALIGN_SM_GENERATOR_ENDPOINT: 'sdxl-g5',
      DIFFALIGN_SM_GENERATOR_BATCH: '2',
      DIFFALIGN_SM_SCORERS: 'pickscore, hpsv2',
      DIFFALIGN_SM_SCORER_TIMEOUT_MS: '5000',
      DIFFALIGN_SM_MAX_ATTEMPTS: '1',
    });
    // Assess
    expect(config.region).toBe('eu-west-1');
    expect(config.generator).toMatchObject({ endpointName: 'sdxl-g5', maxBatchSize: 2 });
    expect(config.scorer).toMatchObject({ models: ['pickscore', 'hpsv2'], timeoutMs: 5000 });
    expect(config.retry.maxAttempts).toBe(1);
  });

  it('reads nominal score ranges per scorer model', () => {
    // Act
    const config = loadSageMakerConfig({ DIFFALIGN_SM_SCORER_RANGES: 'pickscore=0:30, imagereward=-2.5:2.5' });
    // Assess
    expect(config.scorer.ranges).toEqual({ pickscore: { min: 0, max: 30 }, imagereward: { min: -2.5, max: 2.5 } });
  });

  it.each([
    ['DIFFALIGN_SM_SCORER_RANGES', 'pickscore=3:1'],
    ['DIFFALIGN_SM_SCORER_RANGES', 'pickscore'],
    ['DIFFALIGN_SM_GENERATOR_BATCH', '0'],
    ['DIFFALIGN_SM_SCORERS', ' , '],
    ['DIFFALIGN_SM_SCORERS', 'PickScore'],
    ['DIFFALIGN_SM_LLM_ENDPOINT', 'bad_name'],
    ['DIFFALIGN_SAGEMAKER_URL', 'not a url'],
    ['DIFFALIGN_SM_CIRCUIT_FAILURES', 'many'],
  ])('rejects %s=%j with a ConfigError naming it', (name, value) => {
    // Act
    const failure = (() => {
      try {
        loadSageMakerConfig({ [name]: value });
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    // Assess
    expect(failure).toBeInstanceOf(ConfigError);
    expect((failure as Error).message).toContain(name);
  });
});
