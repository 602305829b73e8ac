import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../client.ts";

export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/**
 * Most rows one bulk write sends in a statement on PGlite, which runs each statement on the bot's
 * own thread: a close's or refit's thousands of rows in one statement held the event loop for
 * ~70 ms. At 500 rows a statement took up to 25 ms on one machine, but a close's and forget-me's
 * longest blocks still reached 41-43 ms on a slower one (2-core EPYC at 2.1 GHz); at 250 they
 * stay under 33 ms there, for about 100 ms more wall time per 500-member close (410 ms against 310).
 */
export const PGLITE_WRITE_CHUNK_ROWS = 250;

/** `items` in order, cut into runs whose sizes (by `sizeOf`) add up to at most `limit`; an item larger than `limit` gets a run of its own. */
export function chunked<T>(items: Iterable<T>, limit: number, sizeOf: (item: T) => number = () => 1): T[][] {
  const runs: T[][] = [];
  let run: T[] = [];
  let size = 0;
  for (const item of items) {
    const itemSize = sizeOf(item);
    if (run.length > 0 && size + itemSize > limit) {
      runs.push(run);
      run = [];
      size = 0;
    }
    run.push(item);
    size += itemSize;
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

/** A column of a bulk write: its name, its PostgreSQL type, and its value in a row. */
export interface Column<T> {
  readonly name: string;
  readonly type: "text" | "int" | "float8" | "real";
  readonly value: (row: T) => string | number;
}

/** Text double-quoted (a backslash before each quote or backslash), so no text can end its element or the array early. */
const arrayElement = (type: Column<never>["type"], value: string | number) => (type === "text" ? `"${String(value).replace(/["\\]/g, "\\$&")}"` : String(value));

/**
 * `rows` as a relation with the given columns, for a bulk write's `from`: each column travels
 * as one array literal and `unnest` zips them into rows. PostgreSQL reads arrays of numbers far
 * faster than the same rows as JSON records (json_to_recordset looks each field up by name):
 * 2,000 reviewers' parameters took ~15 ms to parse as JSON on a close. Array literals, not
 * bound arrays, because Drizzle would spread a JS array into one parameter per element.
 * `ordinality` names a column that numbers the rows from 1, in the order given.
 */
export function unnested<T>(rows: readonly T[], columns: readonly Column<T>[], { ordinality }: { readonly ordinality?: string } = {}): SQL {
  const arrays = columns.map((c) => sql`${`{${rows.map((row) => arrayElement(c.type, c.value(row))).join(",")}}`}::${sql.raw(c.type)}[]`);
  const names = columns.map((c) => c.name).concat(ordinality === undefined ? [] : [ordinality]);
  return sql`select * from unnest(${sql.join(arrays, sql`, `)}) ${sql.raw(ordinality === undefined ? "" : "with ordinality ")}as t(${sql.raw(names.join(", "))})`;
}
