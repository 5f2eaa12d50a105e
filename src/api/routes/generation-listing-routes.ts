import { createRoute } from '@hono/zod-openapi';
import { problemExample, succeededRecordExample } from '../schemas/generation-examples.js';
import { generationListQuerySchema, generationListSchema, LISTING_LIMITS } from '../schemas/generation-list.js';
import { apiKeySecurity, headers, problemResponse, v1Responses } from './route-parts.js';

/** `GET /v1/generations`. */
export const listGenerationsRoute = createRoute({
  method: 'get',
  path: '/v1/generations',
  operationId: 'listGenerations',
  tags: ['Generations'],
  security: apiKeySecurity,
  summary: 'List generations',
  description: [
    'This tenant\'s generation records, newest first, a page at a time: pass `next_cursor` back as `cursor` until it is null. Each record is as `GET /v1/generations/{id}` returns it.',
    '',
    `Filters (\`status\`, \`app_user\`) are applied while paging; a request reads at most ${LISTING_LIMITS.scanRecords} records, so with a rare filter a page may hold fewer than \`limit\` records, or none, with a \`next_cursor\` to go on. A generation created after the first page was read is not in later pages (start again without a cursor to see it).`,
  ].join('\n'),
  request: { query: generationListQuerySchema },
  responses: {
    200: {
      description: 'A page of records.',
      headers: headers(['X-Request-Id']),
      content: {
        'application/json': {
          schema: generationListSchema,
          examples: {
            // a deep copy sharing no object with the component example: the YAML has no aliases to follow
            page: { summary: 'A page of one, with more to come', value: { data: [JSON.parse(JSON.stringify(succeededRecordExample)) as typeof succeededRecordExample], next_cursor: 'eyJ2IjoxLCJiZWZvcmUiOiIwMWEyMzNiNy1iYmYzLTczMzQtYWE2OS05ZDgwZjA1MzU0ODIifQ' } },
            last: { summary: 'The last page', value: { data: [], next_cursor: null } },
          },
        },
      },
    },
    422: problemResponse('`validation_failed`: a query parameter is out of range, unknown, or the cursor is not one this API issued; `invalid_params` names it.', {
      validation: problemExample(422, 'validation_failed', 'Validation failed', 'limit: Too big: expected number to be <=100', { invalid_params: [{ name: 'limit', reason: 'Too big: expected number to be <=100' }], instance: '/v1/generations' }),
    }),
    ...v1Responses,
  },
});
