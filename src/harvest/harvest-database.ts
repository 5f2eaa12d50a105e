import { DuckDBInstance, type DuckDBAppender, type DuckDBConnection, type DuckDBDataChunk } from '@duckdb/node-api';
import { sqlString } from './feedback-sql.js';

/**
 * The embedded DuckDB a harvest runs in: an in-memory database that spills to a temp directory, so a
 * harvest larger than memory still finishes. One connection; closed with the harvest. Insertion order is
 * not preserved (`preserve_insertion_order = false`): materialising the feedback read from ~1,000 small
 * files is several times faster without it, and nothing relies on it — every output has an ORDER BY, and
 * the reader lines its two transfers up by `rowid`.
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

  /** A result as data chunks, for readers that take the column vectors apart themselves (large results). */
  async chunks(sql: string): Promise<readonly DuckDBDataChunk[]> {
    return (await this.connection.run(sql)).fetchAllChunks();
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
