import type { FeedbackType, HarvestEvent } from './harvest-event.js';

/** The kept events column by column: strings as codes of `dictionary` (−1: none), the type as an index of `types`. */
export interface EventColumns {
  readonly count: number;
  readonly eventIds: readonly string[];
  readonly generation: Int32Array;
  readonly user: Int32Array;
  readonly candidate: Int32Array;
  readonly first: Int32Array;
  readonly second: Int32Array;
  readonly choice: Int32Array;
  readonly type: Int32Array;
  /** −1: no rating. */
  readonly rating: Int32Array;
  readonly receivedAt: Float64Array;
}

/** Columns with room for `size` events, none filled yet (`count` 0; the filler counts up). */
export function allocateColumns(size: number): { -readonly [K in keyof EventColumns]: K extends 'eventIds' ? string[] : EventColumns[K] } {
  return {
    count: 0,
    eventIds: new Array<string>(size),
    generation: new Int32Array(size),
    user: new Int32Array(size),
    candidate: new Int32Array(size),
    first: new Int32Array(size),
    second: new Int32Array(size),
    choice: new Int32Array(size),
    type: new Int32Array(size),
    rating: new Int32Array(size),
    receivedAt: new Float64Array(size),
  };
}

/**
 * A harvest's kept events, held as typed columns and grouped by generation; an event becomes a
 * `HarvestEvent` object only when its generation's events are asked for. The rules run one generation at
 * a time, so only that generation's objects are alive at once — 100,000 long-lived objects would cost
 * more in garbage collection than the rules themselves.
 */
export class KeptEvents {
  private readonly rowsOf = new Map<string, Int32Array>();

  constructor(
    private readonly columns: EventColumns,
    private readonly dictionary: readonly string[],
    private readonly types: readonly FeedbackType[],
  ) {
    // counting sort of the rows by generation code
    const counts = new Int32Array(dictionary.length);
    for (let row = 0; row < columns.count; row += 1) counts[columns.generation[row]!]! += 1;
    const next = new Int32Array(dictionary.length);
    const order = new Int32Array(columns.count);
    let offset = 0;
    for (let code = 0; code < counts.length; code += 1) {
      next[code] = offset;
      offset += counts[code]!;
    }
    for (let row = 0; row < columns.count; row += 1) order[next[columns.generation[row]!]!++] = row;
    for (let code = 0; code < counts.length; code += 1) {
      if (counts[code]! > 0) this.rowsOf.set(dictionary[code]!, order.subarray(next[code]! - counts[code]!, next[code]!));
    }
  }

  /** How many events there are. */
  get size(): number {
    return this.columns.count;
  }

  /** The generations the events are about, sorted (UUIDv7: by creation time). */
  generationIds(): string[] {
    return [...this.rowsOf.keys()].sort();
  }

  /** How many events are about a generation. */
  countOf(generationId: string): number {
    return this.rowsOf.get(generationId)?.length ?? 0;
  }

  /** The events about one generation, in storage order. */
  eventsOf(generationId: string): HarvestEvent[] {
    const rows = this.rowsOf.get(generationId);
    return rows ? Array.from(rows, (row) => this.event(row)) : [];
  }

  /** Every event, generation by generation. */
  all(): HarvestEvent[] {
    return this.generationIds().flatMap((id) => this.eventsOf(id));
  }

  private event(row: number): HarvestEvent {
    const { columns } = this;
    const first = this.text(columns.first[row]!);
    const second = this.text(columns.second[row]!);
    const rating = columns.rating[row]!;
    return {
      eventId: columns.eventIds[row]!,
      type: this.types[columns.type[row]!]!,
      generationId: this.text(columns.generation[row]!)!,
      candidateId: this.text(columns.candidate[row]!),
      candidateIds: first !== null && second !== null ? [first, second] : null,
      choice: this.text(columns.choice[row]!),
      rating: rating >= 0 ? rating : null,
      appUser: this.text(columns.user[row]!),
      receivedAt: columns.receivedAt[row]!,
    };
  }

  private text(code: number): string | null {
    return code >= 0 ? this.dictionary[code]! : null;
  }
}
