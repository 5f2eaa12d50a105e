import { z } from '@hono/zod-openapi';
import { PROBLEM_CODES } from '../http-errors.js';

/** The stable `code` of a problem: what clients switch on (the `type` URI carries the same word). */
export const problemCodeSchema = z.enum(PROBLEM_CODES).openapi('ProblemCode', {
  description: 'Stable machine-readable reason of a problem (switch on it, never on `detail`); each response says which codes it carries.',
});

/** One field a validation problem names. */
export const invalidParamSchema = z
  .object({
    name: z.string().openapi({ description: 'The field, as a dotted path (`search.budget`, `events.0.candidate_id`); `(body)` for the body as a whole.', example: 'search.budget' }),
    reason: z.string().openapi({ example: 'Too big: expected number to be <=256' }),
  })
  .openapi('InvalidParam');

/** Problem details (RFC 9457) with diffalign's stable `code`. */
export const problemSchema = z
  .object({
    type: z.url().openapi({ description: 'A URI per code: `https://diffalign.dev/problems/<code with dashes>`.', example: 'https://diffalign.dev/problems/validation-failed' }),
    title: z.string().openapi({ description: 'Short, human-readable summary of the problem type.', example: 'Validation failed' }),
    status: z.number().int().min(400).max(599).openapi({ description: 'The HTTP status of the answer.', example: 422 }),
    detail: z.string().openapi({ description: 'What went wrong with this request, for people; switch on `code`, never on this text.' }),
    code: problemCodeSchema,
    instance: z.string().optional().openapi({ format: 'uri-reference', description: 'The path of the request (absent from `error` events of a stream).', example: '/v1/generations' }),
    invalid_params: z.array(invalidParamSchema).optional().openapi({ description: 'Validation problems: every offending field.' }),
    generation_id: z.uuid().optional().openapi({ description: 'The generation the problem is about, when its record is kept (after 502, 503 `interrupted`, 504, 409 `generation_cancelled`, 500 `corrupt_record`): fetch it at `/v1/generations/{generation_id}` (also sent as `Location`).' }),
    limit: z.number().int().optional().openapi({ description: '429 and `budget_over_limit`: the limit that was reached.' }),
    retry_after_seconds: z.number().int().min(1).optional().openapi({ description: '429: seconds until a retry may succeed (as `Retry-After`).' }),
  })
  .openapi('Problem', { description: 'An RFC 9457 problem document (`application/problem+json`), every error answer of the API.' });

/** A problem document as the server sends it. */
export type ProblemBody = z.infer<typeof problemSchema>;
