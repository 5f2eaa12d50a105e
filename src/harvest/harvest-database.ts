import duckdb from '@duckdb/node-bindings';
import { DuckDBInstance, DuckDBTypeId, type DuckDBAppender, type DuckDBConnection, type DuckDBDataChunk } from '@duckdb/node-api';
import { sqlString } from './feedback-sql.js';

/**
 * The embedded DuckDB a harvest runs in: an in-memory database that spills to a temp directory, so a
 * harvest larger than memory still finishes. One connection; closed with the harvest. Insertion order is
 * not preserved (`preserve_insertion_order = false`): reading ~1,000 small feedback files is several
 * times faster without it, and nothing relies on it — every output and the reader's query have an ORDER BY.
 */
export class HarvestDatabase {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  /** Opens an in-memory database whose spill files go to `tempDirectory`. */
  static async open(tempDirectory: string): Promise<HarvestDatabase> {
    const instance = await DuckDBInstance.create(':memory:', { temp_directory: tempDirectory, preserve_insertion_order: 'false' });
    const connection = await instance.connect();
    return new HarvestDatabase(instance, connection);
  }

  /** Runs statements that return nothing the caller needs. */
  async run(sql: string): Promise<void> {
    await this.connection.run(sql);
  }

  /** A small result as plain JSON-compatible row objects (BIGINTs as strings, lists as arrays). */
  async rows(sql: string): Promise<Record<string, unknown>[]> {
    return (await this.connection.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
  }

  /** A result read column by column (`ResultColumns`): the fast way to move many rows into JS. */
  async columns(sql: string): Promise<ResultColumns> {
    const result = await this.connection.run(sql);
    const types = result.columnNames().map((_, index) => result.columnTypeId(index));
    return new ResultColumns(result.columnNames(), types, await result.fetchAllChunks());
  }

  /** An appender for bulk inserts into a table. */
  async appender(table: string): Promise<DuckDBAppender> {
    return this.connection.createAppender(table);
  }

  /** How many files a glob matches (0 when none: DuckDB's readers fail on an empty glob, so callers ask first). */
  async globCount(pattern: string): Promise<number> {
    const [row] = await this.rows(`SELECT count(*) AS n FROM glob(${sqlString(pattern)})`);
    return Number(row?.n ?? 0);
  }

  /** Closes the connection and the database. */
  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/** A DuckDB `{name: 'TYPE', …}` struct literal of column types, as `read_json`'s `columns` takes it. */
export function columnsLiteral(columns: Readonly<Record<string, string>>): string {
  return `{${Object.entries(columns)
    .map(([name, type]) => `${name}: ${sqlString(type)}`)
    .join(', ')}}`;
}

/**
 * A query result taken apart column by column, read straight from DuckDB's vectors (`@duckdb/node-bindings`,
 * the C API under `@duckdb/node-api`): a `DOUBLE` column is copied out of each chunk's data buffer in one
 * call and its NULLs read from the validity bitmask, and a `VARCHAR` value is decoded from its 16-byte
 * `string_t` — up to 12 bytes inline, decoded in JS; longer ones through their pointer. Why not the
 * node-api's `getItem`: it tests validity with a BigInt per value and decodes every string through a
 * `TextDecoder` call, which was about half of moving the harvest's 100,000 rows into JS (profiled:
 * ~50 ms of the kept events' ~90 ms). Each chunk's vectors are fetched once, only for the columns a
 * reader touches. Columns are `VARCHAR` (`text`), `UUID` (`lazyUuid`) or `DOUBLE` (`number`); queries cast to these,
 * and a column of another type is refused when it is read.
 */
export class ResultColumns {
  /** How many rows the result has. */
  readonly rowCount: number;
  private readonly sizes: number[];
  /** The first row of each chunk. */
  private readonly starts: number[];

  constructor(
    private readonly names: readonly string[],
    private readonly types: readonly DuckDBTypeId[],
    private readonly chunks: readonly DuckDBDataChunk[],
  ) {
    this.sizes = chunks.map((chunk) => chunk.rowCount);
    this.starts = [];
    let total = 0;
    for (const size of this.sizes) {
      this.starts.push(total);
      total += size;
    }
    this.rowCount = total;
  }

  /** A `VARCHAR` column (null where NULL). */
  text(name: string): (string | null)[] {
    const column = this.indexOf(name, DuckDBTypeId.VARCHAR);
    const values = new Array<string | null>(this.rowCount);
    let at = 0;
    for (let chunk = 0; chunk < this.chunks.length; chunk += 1) {
      const strings = this.strings(chunk, column);
      const size = this.sizes[chunk]!;
      for (let row = 0; row < size; row += 1) values[at++] = strings.get(row);
    }
    return values;
  }

  /**
   * A `VARCHAR` column read on demand: `value(row)` decodes one value (decoding a string is most of the
   * cost of moving it out of DuckDB), for columns of which only some values are needed.
   */
  lazyText(name: string): (row: number) => string | null {
    const column = this.indexOf(name, DuckDBTypeId.VARCHAR);
    const vectors: (StringVector | undefined)[] = [];
    const chunkOf = this.chunkFinder();
    return (row) => {
      const chunk = chunkOf(row);
      const vector = (vectors[chunk] ??= this.strings(chunk, column));
      return vector.get(row - this.starts[chunk]!);
    };
  }

  /**
   * A `UUID` column read on demand as canonical text (lowercase, dashed: what `CAST(… AS VARCHAR)` gives),
   * null where NULL. A UUID is 16 fixed bytes in its vector, so it is formatted here without a call into
   * DuckDB — a 36-character `VARCHAR` is fetched through its pointer, ~15× slower (measured per 100,000).
   */
  lazyUuid(name: string): (row: number) => string | null {
    const column = this.indexOf(name, DuckDBTypeId.UUID);
    const vectors: ({ data: Uint8Array; valid: Uint8Array | null } | undefined)[] = [];
    const chunkOf = this.chunkFinder();
    return (row) => {
      const chunk = chunkOf(row);
      const vector = (vectors[chunk] ??= this.fixed(chunk, column, 16));
      const at = row - this.starts[chunk]!;
      if (vector.valid && (vector.valid[at >> 3]! & (1 << (at & 7))) === 0) return null;
      return uuidText(vector.data, at * 16);
    };
  }

  /** A `DOUBLE` column (NaN where NULL). */
  number(name: string): Float64Array {
    const column = this.indexOf(name, DuckDBTypeId.DOUBLE);
    const values = new Float64Array(this.rowCount);
    for (let chunk = 0; chunk < this.chunks.length; chunk += 1) {
      const size = this.sizes[chunk]!;
      if (size === 0) continue;
      const { data, valid } = this.fixed(chunk, column, 8);
      const at = this.starts[chunk]!;
      // the data buffer need not be 8-byte aligned for a Float64Array view: copy its bytes
      new Uint8Array(values.buffer, at * 8, size * 8).set(data);
      if (valid) for (let row = 0; row < size; row += 1) if ((valid[row >> 3]! & (1 << (row & 7))) === 0) values[at + row] = Number.NaN;
    }
    return values;
  }

  /** Which chunk holds a row: the last one asked for (readers mostly go in order), else a binary search. */
  private chunkFinder(): (row: number) => number {
    let chunk = 0;
    return (row) => {
      if (row < this.starts[chunk]! || row >= this.starts[chunk]! + this.sizes[chunk]!) {
        let low = 0;
        let high = this.starts.length - 1;
        while (low < high) {
          const middle = (low + high + 1) >> 1;
          if (this.starts[middle]! <= row) low = middle;
          else high = middle - 1;
        }
        chunk = low;
      }
      return chunk;
    };
  }

  /** A chunk's vector of a fixed-width type: its data and validity bitmask. */
  private fixed(chunk: number, column: number, width: number): { data: Uint8Array; valid: Uint8Array | null } {
    const size = this.sizes[chunk]!;
    if (size === 0) return { data: new Uint8Array(0), valid: null };
    const vector = duckdb.data_chunk_get_vector(this.chunks[chunk]!.chunk, column);
    return { data: duckdb.vector_get_data(vector, size * width), valid: validityOf(vector, size) };
  }

  /** A chunk's `VARCHAR` vector: its `string_t`s are 16 bytes each. */
  private strings(chunk: number, column: number): StringVector {
    const { data, valid } = this.fixed(chunk, column, 16);
    return new StringVector(data, valid);
  }

  private indexOf(name: string, type: DuckDBTypeId): number {
    const index = this.names.indexOf(name);
    if (index < 0) throw new RangeError(`no column ${name} in the result`);
    if (this.types[index] !== type) throw new TypeError(`column ${name} is not ${DuckDBTypeId[type]}`);
    return index;
  }
}

/** A vector's validity bitmask (bit `row` set: not NULL), or null when every value is valid. */
function validityOf(vector: duckdb.Vector, size: number): Uint8Array | null {
  return duckdb.vector_get_validity(vector, Math.ceil(size / 64) * 8) ?? null;
}

/** One chunk's `VARCHAR` vector: `string_t`s of 16 bytes (length; ≤ 12 bytes inline, else a prefix and a pointer). */
class StringVector {
  private readonly view: DataView;
  private readonly buffer: ArrayBuffer;
  private readonly base: number;

  constructor(
    private readonly data: Uint8Array,
    private readonly valid: Uint8Array | null,
  ) {
    this.buffer = data.buffer as ArrayBuffer;
    this.base = data.byteOffset;
    this.view = new DataView(this.buffer, this.base, data.byteLength);
  }

  get(row: number): string | null {
    if (this.valid && (this.valid[row >> 3]! & (1 << (row & 7))) === 0) return null;
    const offset = row * 16;
    const length = this.view.getUint32(offset, true);
    if (length > 12) return UTF8.decode(duckdb.get_data_from_pointer(this.buffer, this.base + offset + 8, length));
    // inline: ASCII (ids, reasons, short names) as char codes — twice as fast as the decoder here — anything else through the decoder
    let ascii = '';
    for (let at = offset + 4; at < offset + 4 + length; at += 1) {
      const byte = this.data[at]!;
      if (byte >= 0x80) return UTF8.decode(new Uint8Array(this.buffer, this.base + offset + 4, length));
      ascii += String.fromCharCode(byte);
    }
    return ascii;
  }
}

const UTF8 = new TextDecoder();
const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/**
 * The canonical text of the UUID at `offset`: DuckDB stores a UUID as a little-endian 128-bit integer with
 * its most significant bit flipped (so that numbers sort as the text does), as `@duckdb/node-api`'s
 * `DuckDBUUIDValue` reads it back.
 */
function uuidText(data: Uint8Array, offset: number): string {
  const at = offset + 15; // the most significant byte comes first in the text
  return (
    HEX[data[at]! ^ 0x80]! + HEX[data[at - 1]!]! + HEX[data[at - 2]!]! + HEX[data[at - 3]!]! + '-' +
    HEX[data[at - 4]!]! + HEX[data[at - 5]!]! + '-' + HEX[data[at - 6]!]! + HEX[data[at - 7]!]! + '-' +
    HEX[data[at - 8]!]! + HEX[data[at - 9]!]! + '-' + HEX[data[at - 10]!]! + HEX[data[at - 11]!]! +
    HEX[data[at - 12]!]! + HEX[data[at - 13]!]! + HEX[data[at - 14]!]! + HEX[data[at - 15]!]!
  );
}
