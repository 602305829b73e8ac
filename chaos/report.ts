/** One line of the chaos table. A row passes when duplicates and losses are 0 and nothing crashed. */
export interface Row {
  readonly scenario: string;
  readonly expected: string;
  readonly seen: string;
  readonly duplicates: number;
  readonly losses: number;
  /** Replicas that died without the runner killing them. */
  readonly crashes?: number;
  /** Set when the scenario could not finish (its counts are then not trustworthy). */
  readonly error?: string;
}

export const passed = (row: Row): boolean => row.duplicates === 0 && row.losses === 0 && !row.crashes && !row.error;

export function table(rows: readonly Row[]): string {
  const header = ["scenario", "expected", "seen", "duplicates", "losses", "result"];
  const lines = rows.map((row) => [
    row.scenario,
    row.expected,
    row.error ? `error: ${row.error}` : row.seen + (row.crashes ? `; ${row.crashes} crashed` : ""),
    String(row.duplicates),
    String(row.losses),
    passed(row) ? "ok" : "FAIL",
  ]);
  const escape = (cell: string) => cell.replaceAll("|", "\\|").replaceAll("\n", " ");
  return [header, header.map(() => "---"), ...lines].map((cells) => `| ${cells.map(escape).join(" | ")} |`).join("\n");
}

/** Duplicates and losses of "each key exactly once": extra copies, and expected keys never seen. */
export function tally(expectedKeys: readonly string[], seenKeys: readonly string[]): { seen: number; duplicates: number; losses: number } {
  const counts = new Map<string, number>();
  for (const key of seenKeys) counts.set(key, (counts.get(key) ?? 0) + 1);
  let duplicates = 0;
  let losses = 0;
  for (const key of expectedKeys) {
    const count = counts.get(key) ?? 0;
    if (count === 0) losses++;
    else duplicates += count - 1;
  }
  return { seen: expectedKeys.length - losses, duplicates, losses };
}
