import { byReceipt, tiersOfRows, type CandidateTiers, type EventRef, type EventView } from './candidate-tiers.js';
import { FEEDBACK_TYPE_NAMES } from './feedback-sql.js';
import type { ResultColumns } from './harvest-database.js';
import type { FeedbackType, HarvestEvent } from './harvest-event.js';

/** A kept `compare` event, with what the pair rules read of it. */
export type CompareEvent = Pick<HarvestEvent, 'eventId' | 'receivedAt' | 'candidateIds' | 'choice'>;

/** One app user's kept events about one generation: positions in `KeptEvents`, in receipt order. */
export interface UserEvents {
  /** Null for events without an app user (and for an empty one, which the rules treat alike). */
  readonly appUser: string | null;
  readonly rows: ArrayLike<number>;
}

/** Sizes of the scope the kept-events query counted along (see `FeedbackCounts`). */
export interface KeptTallies {
  /** Stored rows by exclusion reason. */
  readonly excluded: ReadonlyMap<string, number>;
  /** Stored rows that were not excluded (before deduplication). */
  readonly rowsKept: number;
  /** Distinct event ids among them. */
  readonly eventIds: number;
}

interface GenerationRows {
  readonly start: number;
  readonly end: number;
}

const COMPARE = FEEDBACK_TYPE_NAMES.indexOf('compare');

/**
 * A harvest's kept events (`keptEventsQuery`) as columns, ordered by generation, app user and receipt, so
 * that a generation's events are one slice and a user's a run in it; event ids are decoded only where the
 * rules cite an event. The copies a retry or a replay left are dropped here, generation by generation (see
 * `fromColumns`). The rules read the events through
 * `EventView` (`tiersOfRows`); no object is made per event — a hundred thousand long-lived event objects
 * would cost more than the rules themselves — only per decided tier, pair and `compare`.
 */
export class KeptEvents implements EventView {
  private constructor(
    /** Each generation (`generationOf[row]` is an index here). */
    private readonly generationNames: readonly string[],
    private readonly generationOf: Int32Array,
    /** Each run of one user's rows in one generation (`userOf[row]` is an index here). */
    private readonly userNames: readonly string[],
    private readonly userOf: Int32Array,
    private readonly eventId: (row: number) => string,
    private readonly types: Float64Array,
    private readonly candidate: readonly (string | null)[],
    private readonly first: (row: number) => string | null,
    private readonly second: (row: number) => string | null,
    private readonly choice: (row: number) => string | null,
    private readonly ratings: Float64Array,
    private readonly receivedAt: Float64Array,
    /** The kept rows (positions in the columns), in the columns' order. */
    private readonly positions: Int32Array,
    /** Each generation's slice of `positions`. */
    private readonly generations: ReadonlyMap<string, GenerationRows>,
  ) {}

  /**
   * The kept events of the query's rows, and the tallies of all its rows. The rows come sorted by
   * generation and user, with hashes of both: a run of equal hashes is one generation (one user) when the
   * strings at its two ends are equal — sorted, everything between equals them too — and is split by its
   * strings otherwise. Deduplication as `keptEventIdsQuery` defines it: of the rows of one generation
   * with one deduplication key (client event id, else event id) the one with the smallest event id
   * (compared as SQL compares text: by UTF-8 bytes) is kept; rows with equal key hashes are confirmed on
   * their keys, and equal event id hashes on the ids, so a hash collision changes nothing.
   */
  static fromColumns(columns: ResultColumns): { events: KeptEvents; tallies: KeptTallies } {
    const excludedReason = columns.lazyText('x');
    // excluded rows sort first (generation NULL); the kept events follow, each generation in one run
    let start = 0;
    const excluded = new Map<string, number>();
    while (start < columns.rowCount) {
      const reason = excludedReason(start);
      if (reason === null) break;
      excluded.set(reason, (excluded.get(reason) ?? 0) + 1);
      start += 1;
    }
    const size = columns.rowCount - start;
    const shifted = <T>(read: (row: number) => T): ((row: number) => T) => (row) => read(row + start);
    const generationAt = shifted(idReader(columns, 'g', 'gu'));
    const userAt = shifted(columns.lazyText('u')) as (row: number) => string;
    const eventId = shifted(idReader(columns, 'e', 'eu'));
    const key = shifted(columns.lazyText('key')) as (row: number) => string;
    const generationRuns = runs(columns.number('gh').subarray(start), 0, size, generationAt);
    const userHashes = columns.number('uh').subarray(start);
    const keyHashes = columns.number('kh').subarray(start);

    const generationNames: string[] = [];
    const generationOf = new Int32Array(size);
    const userNames: string[] = [];
    const userOf = new Int32Array(size);
    const positions = new Int32Array(size);
    let kept = 0;
    const generations = new Map<string, GenerationRows>();
    const dropped = new Uint8Array(size);
    for (const [runStart, runEnd, name] of generationRuns) {
      const index = generationNames.push(name) - 1;
      generationOf.fill(index, runStart, runEnd);
      for (const [userStart, userEnd, user] of runs(userHashes, runStart, runEnd, userAt)) userOf.fill(userNames.push(user) - 1, userStart, userEnd);
      const from = kept;
      dedupe(runStart, runEnd, keyHashes, key, eventId, dropped);
      for (let row = runStart; row < runEnd; row += 1) if (dropped[row] === 0) positions[kept++] = row;
      generations.set(name, { start: from, end: kept });
    }

    const events = new KeptEvents(
      generationNames,
      generationOf,
      userNames,
      userOf,
      eventId,
      columns.number('t').subarray(start),
      columns.text('s').slice(start),
      shifted(columns.lazyText('a')),
      shifted(columns.lazyText('b')),
      shifted(columns.lazyText('ch')),
      columns.number('rt').subarray(start),
      columns.number('r').subarray(start),
      positions.subarray(0, kept),
      generations,
    );
    return { events, tallies: { excluded, rowsKept: size, eventIds: distinctEventIds(columns.number('eh').subarray(start), eventId) } };
  }

  /** How many events there are. */
  get size(): number {
    return this.positions.length;
  }

  /** The generations the events are about, sorted (UUIDv7: by creation time). */
  generationIds(): string[] {
    return [...this.generations.keys()].sort();
  }

  /** How many events are about a generation. */
  countOf(generationId: string): number {
    const rows = this.generations.get(generationId);
    return rows ? rows.end - rows.start : 0;
  }

  /** One generation's events, user by user (sorted by app user, none first), each user's in receipt order. */
  usersOf(generationId: string): UserEvents[] {
    const rows = this.generations.get(generationId);
    if (!rows) return [];
    const users: UserEvents[] = [];
    for (let start = rows.start; start < rows.end; ) {
      const run = this.userOf[this.positions[start]!]!;
      let end = start + 1;
      while (end < rows.end && this.userOf[this.positions[end]!] === run) end += 1;
      const key = this.userNames[run]!;
      users.push({ appUser: key === '' ? null : key, rows: this.inReceiptOrder(start, end) });
      start = end;
    }
    // SQL sorts by bytes; the rules order users as JS compares strings (none, like '', first)
    if (users.length > 1) users.sort(byAppUser);
    return users;
  }

  /** The tiers of one user's candidates (`tiersOfRows`), and their `compare` events in receipt order. */
  judge(user: UserEvents, candidates: ReadonlySet<string>): { tiers: CandidateTiers; compares: CompareEvent[] } {
    const compares: CompareEvent[] = [];
    for (let at = 0; at < user.rows.length; at += 1) {
      const row = user.rows[at]!;
      if (this.types[row] !== COMPARE) continue;
      const first = this.first(row);
      const second = this.second(row);
      compares.push({ ...this.ref(row), candidateIds: first !== null && second !== null ? [first, second] : null, choice: this.choice(row) });
    }
    return { tiers: tiersOfRows(this, user.rows, candidates), compares };
  }

  /** The event at a position, as an object (tests and diagnostics; the rules read the columns). */
  event(row: number): HarvestEvent {
    const first = this.first(row);
    const second = this.second(row);
    const user = this.userNames[this.userOf[row]!]!;
    return {
      ...this.ref(row),
      type: this.type(row),
      generationId: this.generationNames[this.generationOf[row]!]!,
      candidateId: this.candidateId(row),
      candidateIds: first !== null && second !== null ? [first, second] : null,
      choice: this.choice(row),
      rating: this.rating(row),
      appUser: user === '' ? null : user,
    };
  }

  type(row: number): FeedbackType {
    return FEEDBACK_TYPE_NAMES[this.types[row]!]!;
  }

  candidateId(row: number): string | null {
    return this.candidate[row] ?? null;
  }

  rating(row: number): number | null {
    const rating = this.ratings[row]!;
    return Number.isNaN(rating) ? null : rating;
  }

  ref(row: number): EventRef {
    return { eventId: this.eventId(row), receivedAt: this.receivedAt[row]! };
  }

  /** The kept rows at `positions[start…end−1]`, which SQL sorted by receipt time and event id (as bytes); re-sorted where JS orders the ids otherwise. */
  private inReceiptOrder(start: number, end: number): Int32Array {
    const rows = this.positions.subarray(start, end);
    for (let at = 1; at < rows.length; at += 1) {
      const time = this.receivedAt[rows[at - 1]!]! - this.receivedAt[rows[at]!]!;
      if (time > 0 || (time === 0 && this.eventId(rows[at - 1]!) > this.eventId(rows[at]!))) {
        return rows.slice().sort((a, b) => byReceipt(this.ref(a), this.ref(b)));
      }
    }
    return rows;
  }
}

/** Users in the order JS compares their names, none ('') first. */
function byAppUser(a: UserEvents, b: UserEvents): number {
  const x = a.appUser ?? '';
  const y = b.appUser ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}

/** An id read from its UUID column (`uuid`) or, where the query gave it, its text column (`text`: an id that is not a canonical UUID). */
function idReader(columns: ResultColumns, text: string, uuid: string): (row: number) => string {
  const textAt = columns.lazyText(text);
  const uuidAt = columns.lazyUuid(uuid);
  return (row) => (textAt(row) ?? uuidAt(row)) as string;
}

/**
 * The runs of equal values in rows `start…end−1` sorted by that value, found by its hash (`hashes`) and
 * named by the value (`valueAt`, read at both ends of a run: equal there, equal throughout, since sorted;
 * a run whose ends differ — two values sharing a hash — is split by reading every row).
 */
function runs(hashes: Float64Array, start: number, end: number, valueAt: (row: number) => string): [number, number, string][] {
  const found: [number, number, string][] = [];
  for (let runStart = start; runStart < end; ) {
    let runEnd = runStart + 1;
    while (runEnd < end && hashes[runEnd] === hashes[runStart]) runEnd += 1;
    const name = valueAt(runStart);
    if (runEnd - runStart === 1 || valueAt(runEnd - 1) === name) found.push([runStart, runEnd, name]);
    else {
      for (let row = runStart; row < runEnd; ) {
        const value = valueAt(row);
        let next = row + 1;
        while (next < runEnd && valueAt(next) === value) next += 1;
        found.push([row, next, value]);
        row = next;
      }
    }
    runStart = runEnd;
  }
  return found;
}

/**
 * Marks in `dropped` the rows of one generation's run (`start…end−1`) that deduplication drops: per
 * deduplication key all but the row with the smallest event id. Rows are compared by key hash (`hashes`),
 * and each pair of equal hashes is confirmed on the keys; should two keys of the run share a hash, the run
 * is grouped by the keys themselves.
 */
function dedupe(start: number, end: number, hashes: Float64Array, key: (row: number) => string, eventId: (row: number) => string, dropped: Uint8Array): void {
  // a generation has few rows: compare each with the ones after it
  for (let row = start; row < end; row += 1) {
    if (dropped[row] === 1) continue;
    for (let other = row + 1; other < end; other += 1) {
      if (dropped[other] === 1 || hashes[other] !== hashes[row]) continue;
      if (key(other) !== key(row)) {
        dedupeByKey(start, end, key, eventId, dropped);
        return;
      }
      if (compareUtf8(eventId(other), eventId(row)) < 0) {
        dropped[row] = 1;
        break; // `other` now stands for the key, and meets the rest of the run in its own turn
      }
      dropped[other] = 1;
    }
  }
}

/** `dedupe` grouping by the keys themselves (when two keys of a run share a hash). */
function dedupeByKey(start: number, end: number, key: (row: number) => string, eventId: (row: number) => string, dropped: Uint8Array): void {
  dropped.fill(0, start, end);
  const byKey = new Map<string, number>();
  for (let row = start; row < end; row += 1) {
    const other = byKey.get(key(row));
    if (other === undefined) {
      byKey.set(key(row), row);
      continue;
    }
    const smaller = compareUtf8(eventId(row), eventId(other)) < 0;
    dropped[smaller ? other : row] = 1;
    if (smaller) byKey.set(key(row), row);
  }
}

/** How many distinct event ids the rows hold (`count(DISTINCT event_id)`): by hash (sorted), hashes held by several rows confirmed on the ids. */
function distinctEventIds(hashes: Float64Array, eventId: (row: number) => string): number {
  const order = Float64Array.from(hashes).sort();
  let distinct = 0;
  const shared = new Set<number>();
  for (let at = 0; at < order.length; at += 1) {
    if (at === 0 || order[at] !== order[at - 1]) distinct += 1;
    else shared.add(order[at]!);
  }
  if (shared.size === 0) return distinct;
  const idsOf = new Map<number, Set<string>>();
  for (let row = 0; row < hashes.length; row += 1) {
    const hash = hashes[row]!;
    if (!shared.has(hash)) continue;
    const ids = idsOf.get(hash) ?? new Set<string>();
    idsOf.set(hash, ids.add(eventId(row)));
  }
  for (const ids of idsOf.values()) distinct += ids.size - 1;
  return distinct;
}

/** Compares two strings as SQL compares text, by their UTF-8 bytes (= by code points; JS's `<` compares UTF-16 units, which differ above U+E000). */
function compareUtf8(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let at = 0; at < length; at += 1) {
    const x = a.charCodeAt(at);
    const y = b.charCodeAt(at);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

/** A UTF-16 unit's place in code point order: surrogates (U+10000 and up) after the rest of the BMP. */
function codePointRank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  return unit >= 0xe000 ? unit - 0x800 : unit;
}
