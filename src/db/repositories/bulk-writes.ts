import type { Db } from "../client.ts";

export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/**
 * Most rows one bulk write sends in a statement on PGlite, which runs each statement on the bot's
 * own thread: a close's or refit's thousands of rows in one statement held the event loop for
 * ~70 ms; 500 rows keep a statement under 25 ms there (load 6-10 on 2 cores).
 */
export const PGLITE_WRITE_CHUNK_ROWS = 500;

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
