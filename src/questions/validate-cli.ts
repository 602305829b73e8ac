import path from "node:path";
import { pathToFileURL } from "node:url";
import { loadScriptConfig } from "../config.ts";
import type { QuestionBank } from "../core/questions/types.ts";
import { loadQuestionBank, QuestionBankError } from "./loader.ts";

/** A terminal or a pull-request comment shows this many columns without wrapping. */
export const TABLE_WIDTH = 100;

function cell(value: string, width: number): string {
  return value.length > width ? `${value.slice(0, width - 1)}…` : value.padEnd(width);
}

/**
 * Question counts per track and category, with the rubric kinds each category's
 * questions use, as a plain-text table no wider than TABLE_WIDTH.
 */
export function summaryTable(bank: QuestionBank): string {
  // Four cells take 13 characters of borders and padding.
  const widths = [22, 28, 5, TABLE_WIDTH - 13 - 22 - 28 - 5];
  const line = (values: string[]) => `| ${values.map((v, i) => (i === 2 ? v.padStart(widths[i]!) : cell(v, widths[i]!))).join(" | ")} |`;
  const rule = `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`;
  const rows = [line(["track", "category", "count", "rubric kinds"]), rule];
  for (const track of bank.tracks) {
    track.categories.forEach((category, i) => {
      const questions = track.questions.filter((q) => q.category.id === category.id);
      const kinds = new Map<string, number>();
      for (const q of questions) kinds.set(q.rubric.id, (kinds.get(q.rubric.id) ?? 0) + 1);
      const kindText = [...kinds].sort((a, b) => b[1] - a[1]).map(([kind, n]) => `${kind} ${n}`).join(", ");
      rows.push(line([i === 0 ? track.id : "", category.label, String(questions.length), kindText]));
    });
    rows.push(line(["", "all categories", String(track.questions.length), ""]), rule);
  }
  return rows.join("\n");
}

/** `npm run validate:questions [dir]`: the same checks start-up makes, then the summary table. */
function main(): void {
  const dir = path.resolve(process.argv[2] ?? loadScriptConfig().questionsDir);
  try {
    const bank = loadQuestionBank(dir);
    console.log(summaryTable(bank));
    const total = bank.tracks.reduce((sum, track) => sum + track.questions.length, 0);
    console.log(`${bank.tracks.length} tracks, ${total} questions: valid`);
  } catch (error) {
    if (!(error instanceof QuestionBankError)) throw error;
    console.error(error.problems.join("\n"));
    console.error(`${error.problems.length} problem(s) in ${dir}`);
    process.exitCode = 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
