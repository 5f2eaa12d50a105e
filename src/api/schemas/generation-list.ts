import { z } from '@hono/zod-openapi';
import { generationRecordSchema, generationStatusSchema } from './generation-record.js';

/** Bounds of `GET /v1/generations`. */
export const LISTING_LIMITS = {
  /** Largest `limit`. */
  maxLimit: 100,
  /** `limit` when absent. */
  defaultLimit: 20,
  /** Records one request reads at most while filtering (then it answers what it found, with a cursor). */
  scanRecords: 250,
  /** Longest `cursor` accepted. */
  cursorChars: 512,
} as const;

/** Query of `GET /v1/generations`: a page size, where to resume, and two filters. */
export const generationListQuerySchema = z
  .object({
    limit: z.coerce
      .number()
      .int()
      .min(1)
      .max(LISTING_LIMITS.maxLimit)
      .default(LISTING_LIMITS.defaultLimit)
      .openapi({ param: { name: 'limit', in: 'query', description: `Most records in the page (1-${LISTING_LIMITS.maxLimit}, default ${LISTING_LIMITS.defaultLimit}).` }, type: 'integer', minimum: 1, maximum: LISTING_LIMITS.maxLimit, default: LISTING_LIMITS.defaultLimit, example: 20 }),
    cursor: z
      .string()
      .min(1)
      .max(LISTING_LIMITS.cursorChars)
      .optional()
      .openapi({ param: { name: 'cursor', in: 'query', description: 'The `next_cursor` of the previous page, unchanged (opaque). Absent: the newest records.' } }),
    status: generationStatusSchema.optional().openapi({ param: { name: 'status', in: 'query', description: 'Only records with this status (as `GET /v1/generations/{id}` reports it).' } }),
    app_user: z
      .string()
      .min(1)
      .max(256)
      .optional()
      .openapi({ param: { name: 'app_user', in: 'query', description: 'Only records whose `metadata.app_user` is this.' }, example: 'u-123' }),
  })
  .strict();

/** A parsed listing query. */
export type GenerationListQuery = z.infer<typeof generationListQuerySchema>;

/** Answer of `GET /v1/generations`. */
export const generationListSchema = z
  .object({
    data: z.array(generationRecordSchema).openapi({ description: 'Records of this tenant, newest first (by id, which is time-ordered).' }),
    next_cursor: z
      .string()
      .nullable()
      .openapi({
        description: `Pass it as \`cursor\` for the next (older) page; null when no older generation exists. With a filter a page may hold fewer than \`limit\` records (even none) and still have a cursor: one request reads at most ${LISTING_LIMITS.scanRecords} records.`,
      }),
  })
  .openapi('GenerationList', { description: 'One page of generation records, newest first.' });

/** A page of records as served. */
export type GenerationList = z.infer<typeof generationListSchema>;
