import { z } from 'zod';
import type { SageMakerWorldConfig } from '../adapters/sagemaker/index.js';
import { hasAwsCredentials, parseEnvironment } from '../config.js';

/** Static credentials used against a SageMaker-runtime-compatible server (the emulator never checks them). */
export const EMULATOR_CREDENTIALS = { accessKeyId: 'diffalign-emulator', secretAccessKey: 'diffalign-emulator' } as const;

/** Scorer models served by default: the reference scorers the emulator serves, or the production reward models. */
export const EMULATOR_SCORERS = ['geneval', 'aesthetic'] as const;
export const PRODUCTION_SCORERS = ['pickscore', 'hpsv2', 'imagereward', 'clipscore', 'aesthetic'] as const;

/** SageMaker's rule for endpoint and inference component names. */
const SAGEMAKER_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const endpointName = (fallback: string) => z.string().regex(SAGEMAKER_NAME, 'a SageMaker endpoint name: up to 63 letters, digits and dashes').default(fallback);
const count = (fallback: number, max: number) => z.coerce.number().int().min(1).max(max).default(fallback);
const millis = (fallback: number) => z.coerce.number().int().min(1).max(600_000).default(fallback);

/** An inference component's name; unset for an endpoint without components. */
const componentName = z.string().regex(SAGEMAKER_NAME, 'a SageMaker inference component name: up to 63 letters, digits and dashes').optional();

const sageMakerEnvSchema = z.object({
  DIFFALIGN_SAGEMAKER_URL: z.url().optional(),
  AWS_REGION: z.string().min(1).optional(),
  DIFFALIGN_SM_GENERATOR_ENDPOINT: endpointName('diffalign-generator'),
  DIFFALIGN_SM_GENERATOR_BATCH: count(4, 64),
  DIFFALIGN_SM_GENERATOR_CONCURRENCY: count(4, 256),
  DIFFALIGN_SM_GENERATOR_TIMEOUT_MS: millis(60_000),
  DIFFALIGN_SM_SCORER_ENDPOINT: endpointName('diffalign-scorer'),
  DIFFALIGN_SM_SCORERS: z
    .string()
    .transform((value) => value.split(',').map((name) => name.trim()).filter((name) => name !== ''))
    .pipe(z.array(z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'scorer names: lowercase letters, digits, _ and -')).min(1, 'at least one scorer model'))
    .optional(),
  DIFFALIGN_SM_SCORER_RANGES: z
    .string()
    .transform((value, context) => {
      const ranges: Record<string, { min: number; max: number }> = {};
      for (const entry of value.split(',').map((part) => part.trim()).filter((part) => part !== '')) {
        const match = /^([a-z0-9][a-z0-9_-]{0,63})=(-?\d+(?:\.\d+)?):(-?\d+(?:\.\d+)?)$/.exec(entry);
        if (!match || Number(match[3]) <= Number(match[2])) {
          context.addIssue({ code: 'custom', message: `"${entry}" is not model=min:max with min < max` });
          return z.NEVER;
        }
        ranges[match[1]!] = { min: Number(match[2]), max: Number(match[3]) };
      }
      return ranges;
    })
    .optional(),
  DIFFALIGN_SM_SCORER_BATCH: count(8, 256),
  DIFFALIGN_SM_SCORER_CONCURRENCY: count(4, 256),
  DIFFALIGN_SM_SCORER_TIMEOUT_MS: millis(30_000),
  DIFFALIGN_SM_PROMPTIST_ENDPOINT: endpointName('diffalign-promptist'),
  DIFFALIGN_SM_PROMPTIST_TIMEOUT_MS: millis(15_000),
  DIFFALIGN_SM_LLM_ENDPOINT: endpointName('diffalign-llm'),
  DIFFALIGN_SM_LLM_TIMEOUT_MS: millis(60_000),
  DIFFALIGN_SM_GENERATOR_INFERENCE_COMPONENT: componentName,
  DIFFALIGN_SM_SCORER_INFERENCE_COMPONENT: componentName,
  DIFFALIGN_SM_PROMPTIST_INFERENCE_COMPONENT: componentName,
  DIFFALIGN_SM_LLM_INFERENCE_COMPONENT: componentName,
  DIFFALIGN_SM_MAX_ATTEMPTS: count(4, 10),
  DIFFALIGN_SM_RETRY_BASE_MS: z.coerce.number().int().min(0).max(60_000).default(100),
  DIFFALIGN_SM_RETRY_MAX_MS: z.coerce.number().int().min(0).max(60_000).default(5000),
  DIFFALIGN_SM_CIRCUIT_FAILURES: count(5, 1000),
  DIFFALIGN_SM_CIRCUIT_COOLDOWN_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
});

/**
 * Reads the SageMaker backend's settings (`DIFFALIGN_BACKEND=sagemaker`) from an environment; throws a
 * ConfigError naming each bad variable. With `DIFFALIGN_SAGEMAKER_URL` (the emulator) the region
 * defaults to us-east-1, credentials to static dummies unless the environment names AWS credentials,
 * and the scorers to the emulator's `geneval,aesthetic`.
 */
export function loadSageMakerConfig(env: Record<string, string | undefined>): SageMakerWorldConfig {
  const values = parseEnvironment(sageMakerEnvSchema, env);
  const local = values.DIFFALIGN_SAGEMAKER_URL !== undefined;
  const component = (name: string | undefined) => (name === undefined ? {} : { inferenceComponentName: name });
  return {
    region: values.AWS_REGION ?? (local ? 'us-east-1' : undefined),
    endpointUrl: values.DIFFALIGN_SAGEMAKER_URL?.replace(/\/+$/, ''),
    credentials: local && !hasAwsCredentials(env) ? EMULATOR_CREDENTIALS : undefined,
    retry: { maxAttempts: values.DIFFALIGN_SM_MAX_ATTEMPTS, baseDelayMs: values.DIFFALIGN_SM_RETRY_BASE_MS, maxDelayMs: values.DIFFALIGN_SM_RETRY_MAX_MS },
    circuit: { failureThreshold: values.DIFFALIGN_SM_CIRCUIT_FAILURES, cooldownMs: values.DIFFALIGN_SM_CIRCUIT_COOLDOWN_MS },
    generator: {
      endpointName: values.DIFFALIGN_SM_GENERATOR_ENDPOINT,
      ...component(values.DIFFALIGN_SM_GENERATOR_INFERENCE_COMPONENT),
      maxBatchSize: values.DIFFALIGN_SM_GENERATOR_BATCH,
      maxConcurrency: values.DIFFALIGN_SM_GENERATOR_CONCURRENCY,
      timeoutMs: values.DIFFALIGN_SM_GENERATOR_TIMEOUT_MS,
    },
    scorer: {
      endpointName: values.DIFFALIGN_SM_SCORER_ENDPOINT,
      ...component(values.DIFFALIGN_SM_SCORER_INFERENCE_COMPONENT),
      models: values.DIFFALIGN_SM_SCORERS ?? [...(local ? EMULATOR_SCORERS : PRODUCTION_SCORERS)],
      ...(values.DIFFALIGN_SM_SCORER_RANGES === undefined ? {} : { ranges: values.DIFFALIGN_SM_SCORER_RANGES }),
      maxBatchSize: values.DIFFALIGN_SM_SCORER_BATCH,
      maxConcurrency: values.DIFFALIGN_SM_SCORER_CONCURRENCY,
      timeoutMs: values.DIFFALIGN_SM_SCORER_TIMEOUT_MS,
    },
    promptist: { endpointName: values.DIFFALIGN_SM_PROMPTIST_ENDPOINT, ...component(values.DIFFALIGN_SM_PROMPTIST_INFERENCE_COMPONENT), timeoutMs: values.DIFFALIGN_SM_PROMPTIST_TIMEOUT_MS },
    llm: { endpointName: values.DIFFALIGN_SM_LLM_ENDPOINT, ...component(values.DIFFALIGN_SM_LLM_INFERENCE_COMPONENT), timeoutMs: values.DIFFALIGN_SM_LLM_TIMEOUT_MS },
  };
}

/** The SageMaker rows of the README's configuration table: variable, default, meaning. */
export const SAGEMAKER_CONFIG_DOCS: readonly (readonly [string, string, string])[] = [
  ['DIFFALIGN_SAGEMAKER_URL', '(AWS)', 'a SageMaker-runtime-compatible server (`npm run emulator`: http://127.0.0.1:8790); without AWS credentials in the environment, static dummy credentials are used'],
  ['AWS_REGION', '(SDK default; us-east-1 with DIFFALIGN_SAGEMAKER_URL)', 'region of the endpoints'],
  ['DIFFALIGN_SM_GENERATOR_ENDPOINT', 'diffalign-generator', 'endpoint serving generator-v1'],
  ['DIFFALIGN_SM_GENERATOR_BATCH', '4', 'images per generator call (a batch over 6 MB is split)'],
  ['DIFFALIGN_SM_GENERATOR_CONCURRENCY', '4', 'generator calls in flight at once'],
  ['DIFFALIGN_SM_GENERATOR_TIMEOUT_MS', '60000', 'per generator call, retries included'],
  ['DIFFALIGN_SM_SCORER_ENDPOINT', 'diffalign-scorer', 'endpoint serving scorer-v1 for every scorer model'],
  ['DIFFALIGN_SM_SCORERS', 'geneval,aesthetic with DIFFALIGN_SAGEMAKER_URL, else pickscore,hpsv2,imagereward,clipscore,aesthetic', 'scorer models the scorer endpoint serves (comma-separated)'],
  ['DIFFALIGN_SM_SCORER_RANGES', '(geneval 0:1, aesthetic 1:10, compressibility -4:0, incompressibility 0:4)', 'nominal score ranges, `model=min:max` comma-separated (OPT2I scales its meta-prompt scores by them when every reward has one)'],
  ['DIFFALIGN_SM_SCORER_BATCH', '8', 'images per scorer call'],
  ['DIFFALIGN_SM_SCORER_CONCURRENCY', '4', 'calls in flight at once, per scorer model'],
  ['DIFFALIGN_SM_SCORER_TIMEOUT_MS', '30000', 'per scorer call, retries included'],
  ['DIFFALIGN_SM_PROMPTIST_ENDPOINT', 'diffalign-promptist', 'endpoint serving Promptist (Hugging Face text-generation format)'],
  ['DIFFALIGN_SM_PROMPTIST_TIMEOUT_MS', '15000', 'per Promptist call, retries included'],
  ['DIFFALIGN_SM_LLM_ENDPOINT', 'diffalign-llm', 'endpoint serving the OPT2I reviser LLM (OpenAI-compatible chat format)'],
  ['DIFFALIGN_SM_LLM_TIMEOUT_MS', '60000', 'per chat call, retries included'],
  ['DIFFALIGN_SM_<ROLE>_INFERENCE_COMPONENT', '(none)', 'for GENERATOR, SCORER, PROMPTIST, LLM: the inference component InvokeEndpoint names, on an endpoint that hosts components (the CDK stack\'s scale-to-zero mode sets them)'],
  ['DIFFALIGN_SM_MAX_ATTEMPTS', '4', 'attempts per call (the SDK retries throttling, model-not-ready, 500–504 and network errors)'],
  ['DIFFALIGN_SM_RETRY_BASE_MS', '100', 'backoff base: retry k waits uniformly up to min(max, base·2^(k−1)) ms'],
  ['DIFFALIGN_SM_RETRY_MAX_MS', '5000', 'longest backoff'],
  ['DIFFALIGN_SM_CIRCUIT_FAILURES', '5', 'consecutive failed calls that open an endpoint\'s circuit (calls then fail fast with `circuit_open`)'],
  ['DIFFALIGN_SM_CIRCUIT_COOLDOWN_MS', '30000', 'how long an open circuit fails fast before one probe call'],
];
