import type { BlobStore } from '../ports/blob-store.js';
import { generationsPrefix } from './generation-layout.js';
import { isUuidV7, uuidV7Timestamp } from './uuid-v7.js';

const DAY_MS = 86_400_000;
/** Most entries one listing call returns (S3's page). */
const PAGE = 1000;

/**
 * A tenant's generation ids, newest first, read from the storage layout itself
 * (`generations/<tenant>/<yyyy>/<mm>/<dd>/<id>/`), strictly older than `before` when given.
 *
 * Why the layout and not an index: the layout is the one place every writer (the API, a job worker, an
 * older version) already writes, so there is nothing to keep in step, nothing a crash between two writes
 * can leave behind, and nothing concurrent writers can race on; a deleted generation simply stops being
 * listed. S3 lists in ascending order only, so the walk goes down the date levels with `/`-delimited
 * listings (years, then months, then days, newest first: a few entries each), and inside a day reads the
 * ids after a time bound (`startAfter` = the 48-bit millisecond prefix UUIDv7 ids begin with): first the
 * whole day (one call when it holds up to a page of generations); in a denser day, the time after the page
 * read is halved, newer half first, until one page holds a part (see rangeNewestFirst). So a page costs
 * O(log(day / spacing of ids)) listing calls however many generations a day holds, and ids come in exactly
 * descending order.
 *
 * Lazy: nothing is listed before the consumer asks for the next id.
 */
export async function* generationIdsNewestFirst(store: BlobStore, tenant: string, before?: string): AsyncGenerator<string> {
  const root = generationsPrefix(tenant);
  const bound = before !== undefined && isUuidV7(before) ? before : undefined;
  const boundDay = bound === undefined ? undefined : dayPath(uuidV7Timestamp(bound));
  for (const year of (await prefixesUnder(store, root)).reverse()) {
    if (boundDay !== undefined && year.slice(root.length) > boundDay.slice(0, 5)) continue;
    for (const month of (await prefixesUnder(store, year)).reverse()) {
      if (boundDay !== undefined && month.slice(root.length) > boundDay.slice(0, 8)) continue;
      for (const day of (await prefixesUnder(store, month)).reverse()) {
        const name = day.slice(root.length);
        if (boundDay !== undefined && name > boundDay) continue;
        const dayStart = Date.parse(`${name.slice(0, 10).replaceAll('/', '-')}T00:00:00.000Z`);
        if (!Number.isFinite(dayStart)) continue;
        yield* dayIdsNewestFirst(store, day, dayStart, boundDay === name ? bound : undefined);
      }
    }
  }
}

/** `yyyy/mm/dd/` of a time (UTC), as the layout names a day under the tenant's prefix. */
function dayPath(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}/`;
}

/** The first 13 characters of every UUIDv7 of a millisecond (`tttttttt-tttt`): every id of that ms or later sorts after it. */
function millisecondPrefix(ms: number): string {
  const hex = Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}`;
}

/** Every `/`-delimited prefix right under `prefix`, ascending (all pages). */
async function prefixesUnder(store: BlobStore, prefix: string): Promise<string[]> {
  const prefixes: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listPage(prefix, { delimiter: '/', ...(cursor === undefined ? {} : { cursor }) });
    prefixes.push(...(page.prefixes ?? []));
    cursor = page.cursor;
  } while (cursor !== undefined);
  return prefixes;
}

/** The ids of one day strictly before `upper` (an id; absent: the day's end), newest first. */
function dayIdsNewestFirst(store: BlobStore, day: string, dayStart: number, upper: string | undefined): AsyncGenerator<string> {
  return rangeNewestFirst(store, day, dayStart, upper, upper === undefined ? dayStart + DAY_MS : uuidV7Timestamp(upper) + 1);
}

/** Listing pages of a day from a point on: their ids, ascending, and whether the day has none after them. */
interface Listed {
  readonly ids: readonly string[];
  readonly exhausted: boolean;
  /** Where the next page would start (`startAfter`). */
  readonly next: string;
}

/**
 * The ids of a day from `lowMs` up to (not including) `high`, newest first. A page from `lowMs` that reaches
 * `high` (or the day's end) is the answer. When it does not, and ids from `lowMs` were read before (`known`,
 * the older part of a split), one more page continues them: after a split the rest is usually short.
 * Otherwise more than that lies in between: the time after the last id read is split in two, the newer half
 * walked first, then the older one, which starts from the pages already read.
 */
async function* rangeNewestFirst(store: BlobStore, day: string, lowMs: number, high: string | undefined, highMs: number, known?: Listed): AsyncGenerator<string> {
  let listed = known ?? (await listFrom(store, day, `${day}${millisecondPrefix(lowMs)}`));
  if (known && !reaches(listed, high)) {
    const more = await listFrom(store, day, listed.next);
    listed = { ids: [...listed.ids, ...more.ids], exhausted: more.exhausted, next: more.next };
  }
  if (reaches(listed, high)) {
    const below = high === undefined ? listed.ids : listed.ids.filter((id) => id < high);
    for (let index = below.length - 1; index >= 0; index -= 1) yield below[index]!;
    return;
  }
  const lastMs = uuidV7Timestamp(listed.ids[listed.ids.length - 1]!);
  const middleMs = Math.floor((lastMs + highMs) / 2);
  if (middleMs <= lastMs) {
    // the ids left lie within one millisecond: read them whole, however many pages they take
    const rest = await listFrom(store, day, listed.next, Infinity);
    const all = [...listed.ids, ...rest.ids].filter((id) => high === undefined || id < high);
    for (let index = all.length - 1; index >= 0; index -= 1) yield all[index]!;
    return;
  }
  yield* rangeNewestFirst(store, day, middleMs, high, highMs);
  yield* rangeNewestFirst(store, day, lowMs, millisecondPrefix(middleMs), middleMs, listed);
}

/** Whether the pages read hold every id before `high`: the day ended, or an id at or after `high` was seen. */
function reaches(listed: Listed, high: string | undefined): boolean {
  return listed.exhausted || (high !== undefined && listed.ids.length > 0 && listed.ids[listed.ids.length - 1]! >= high);
}

/** The ids of a day after `startAfter`, ascending: `maxPages` listing pages of them (one by default). */
async function listFrom(store: BlobStore, day: string, startAfter: string, maxPages = 1): Promise<Listed> {
  const ids: string[] = [];
  let next = startAfter;
  for (let pages = 0; pages < maxPages; pages += 1) {
    const page = await store.listPage(day, { delimiter: '/', startAfter: next, limit: PAGE });
    for (const prefix of page.prefixes ?? []) {
      const id = prefix.slice(day.length, -1);
      if (isUuidV7(id)) ids.push(id);
    }
    const last = page.prefixes?.[page.prefixes.length - 1] ?? page.keys[page.keys.length - 1];
    if (page.cursor === undefined || last === undefined) return { ids, exhausted: true, next };
    // resume after every key under the last prefix (a UTF-8 code unit above any the layout uses)
    next = `${last}\uffff`;
  }
  return { ids, exhausted: false, next };
}
