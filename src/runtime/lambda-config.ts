import { z } from 'zod';
import { parseEnvironment } from '../config.js';

/** What only the Lambda runtime reads from its environment (the rest is loadConfig's). */
export interface LambdaConfig {
  /** The worker function the API hands `Prefer: respond-async` generations to (`DIFFALIGN_JOB_FUNCTION`). */
  readonly jobFunction: string | undefined;
  /** How long a handed-over job may wait in Lambda's queue, retries included, before it counts as lost. */
  readonly jobMaxWaitMs: number;
  /** Time kept back from the invocation's remaining time for the final write and the answer. */
  readonly deadlineMarginMs: number;
}

const lambdaEnvSchema = z.object({
  DIFFALIGN_JOB_FUNCTION: z
    .string()
    .regex(/^[a-zA-Z0-9:_.-]{1,170}$/, 'a Lambda function name or ARN')
    .optional(),
  // Lambda's longest event age (6 h) plus two retries of a 15-minute worker: never shorter than the real wait
  DIFFALIGN_JOB_MAX_WAIT_SECONDS: z.coerce.number().int().min(60).max(86_400).default(7 * 3600),
  DIFFALIGN_LAMBDA_DEADLINE_MARGIN_MS: z.coerce.number().int().min(0).max(60_000).default(3000),
});

/** Reads the Lambda runtime's own settings; throws a ConfigError naming each bad variable. */
export function loadLambdaConfig(env: Record<string, string | undefined>): LambdaConfig {
  const values = parseEnvironment(lambdaEnvSchema, env);
  return {
    jobFunction: values.DIFFALIGN_JOB_FUNCTION,
    jobMaxWaitMs: values.DIFFALIGN_JOB_MAX_WAIT_SECONDS * 1000,
    deadlineMarginMs: values.DIFFALIGN_LAMBDA_DEADLINE_MARGIN_MS,
  };
}

