import type { Hono } from 'hono';
import type { BlobStore } from '../../ports/blob-store.js';
import { CorruptRecordError } from '../../records/corrupt-record-error.js';
import { generationIdsNewestFirst } from '../../records/generation-walk.js';
import type { GenerationStore, StoredGeneration } from '../../records/generation-store.js';
import { isUuidV7 } from '../../records/uuid-v7.js';
import { requestTenant } from '../auth/request-tenant.js';
import { ValidationFailedError } from '../http-errors.js';
import { type Logger, silentLogger } from '../logger.js';
import type { GenerationRecord } from '../schemas/generation-record.js';
import { type GenerationList, type GenerationListQuery, generationListQuerySchema, LISTING_LIMITS } from '../schemas/generation-list.js';
import type { TenantGenerationStores } from '../tenant-generation-stores.js';

/** Records read at once while a page is assembled. */
const READ_CONCURRENCY = 8;

/** What the listing needs from the generation routes. */
export interface GenerationListingOptions {
  readonly store: BlobStore;
  readonly stores: TenantGenerationStores;
  /** The record as `GET /v1/generations/{id}` answers it (a dead owner's generation finalised as interrupted). */
  readonly observe: (store: GenerationStore<GenerationRecord>, stored: StoredGeneration<GenerationRecord>) => Promise<StoredGeneration<GenerationRecord>>;
  readonly logger?: Logger;
  /** Records one request reads at most (default LISTING_LIMITS.scanRecords). */
  readonly scanRecords?: number;
}

/** Mounts `GET /v1/generations`: the request's tenant's records, newest first, with cursor pagination and filters. */
export function mountGenerationListing(app: Hono, options: GenerationListingOptions): void {
  const logger = options.logger ?? silentLogger;
  const scanRecords = options.scanRecords ?? LISTING_LIMITS.scanRecords;
  app.get('/v1/generations', async (c) => {
    const query = parseQuery(c.req.queries());
    const before = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const tenant = requestTenant(c);
    const store = options.stores.of(tenant);
    const ids = generationIdsNewestFirst(options.store, tenant, before);
    const data: GenerationRecord[] = [];
    let examined = 0;
    let lastExamined: string | undefined;
    let exhausted = false;
    while (data.length < query.limit && examined < scanRecords) {
      const batch: string[] = [];
      const want = Math.min(READ_CONCURRENCY, query.limit - data.length, scanRecords - examined);
      while (batch.length < want) {
        const next = await ids.next();
        if (next.done) {
          exhausted = true;
          break;
        }
        batch.push(next.value);
      }
      const records = await Promise.all(batch.map((id) => readRecord(store, id, options.observe, logger)));
      for (const [index, record] of records.entries()) {
        examined += 1;
        lastExamined = batch[index];
        if (record && matches(record, query)) data.push(record);
      }
      if (exhausted) break;
    }
    // a cursor only when an older generation exists (looked up without reading it)
    const more = !exhausted && lastExamined !== undefined && !(await ids.next()).done;
    await ids.return(undefined);
    const page: GenerationList = { data, next_cursor: more ? encodeCursor(lastExamined!) : null };
    return c.json(page);
  });
}

/** The query, or 422 naming every offending parameter (a repeated one is refused: it has one meaning). */
function parseQuery(raw: Record<string, string[]>): GenerationListQuery {
  const repeated = Object.entries(raw).filter(([, values]) => values.length > 1);
  const parsed = generationListQuerySchema.safeParse(Object.fromEntries(Object.entries(raw).map(([name, values]) => [name, values[0]])));
  const invalidParams = [
    ...repeated.map(([name]) => ({ name, reason: 'given more than once' })),
    ...(parsed.success ? [] : parsed.error.issues.map((issue) => ({ name: issue.path.length > 0 ? issue.path.map(String).join('.') : (issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : '(query)'), reason: issue.message }))),
  ];
  if (invalidParams.length > 0 || !parsed.success) throw new ValidationFailedError(invalidParams.map((param) => `${param.name}: ${param.reason}`).join('; '), invalidParams);
  return parsed.data;
}

/** A cursor: where the previous page stopped (the last generation it examined), base64url JSON. */
function encodeCursor(before: string): string {
  return btoa(JSON.stringify({ v: 1, before })).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

/** The generation id a cursor resumes before, or 422 for one this API did not issue. */
function decodeCursor(cursor: string): string {
  try {
    const text = atob(cursor.replaceAll('-', '+').replaceAll('_', '/'));
    const value = JSON.parse(text) as { v?: unknown; before?: unknown };
    if (value.v === 1 && typeof value.before === 'string' && isUuidV7(value.before)) return value.before;
  } catch {
    // not base64url JSON: refused below
  }
  throw new ValidationFailedError('cursor: not a cursor this API issued; pass `next_cursor` back unchanged', [{ name: 'cursor', reason: 'not a cursor this API issued' }]);
}

/** A record as GET answers it; null when it is gone (deleted meanwhile) or unreadable (logged; GET answers it 500). */
async function readRecord(store: GenerationStore<GenerationRecord>, id: string, observe: GenerationListingOptions['observe'], logger: Logger): Promise<GenerationRecord | null> {
  try {
    const stored = await store.load(id);
    return stored ? (await observe(store, stored)).record : null;
  } catch (error) {
    if (!(error instanceof CorruptRecordError)) throw error;
    logger.warn({ generation_id: id }, 'listing skipped a corrupt record');
    return null;
  }
}

function matches(record: GenerationRecord, query: GenerationListQuery): boolean {
  if (query.status !== undefined && record.status !== query.status) return false;
  if (query.app_user !== undefined && record.metadata?.['app_user'] !== query.app_user) return false;
  return true;
}
