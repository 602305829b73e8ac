import path from "node:path";
import { loadQuestionBank, QuestionBankError } from "./loader.ts";

/** `npm run validate:questions [dir]`: the same checks start-up makes, with a summary table. */
const dir = path.resolve(process.argv[2] ?? process.env.QUESTIONS_DIR ?? "questions");
try {
  const bank = loadQuestionBank(dir);
  const rows = bank.tracks.map((track) => {
    const counts = new Map<string, number>();
    for (const q of track.questions) counts.set(q.category.id, (counts.get(q.category.id) ?? 0) + 1);
    return {
      track: track.id,
      questions: track.questions.length,
      categories: track.categories.map((c) => `${c.id} ${counts.get(c.id) ?? 0}`).join(", "),
    };
  });
  console.table(rows);
  const total = rows.reduce((sum, row) => sum + row.questions, 0);
  console.log(`${bank.tracks.length} tracks, ${total} questions: valid`);
} catch (error) {
  if (!(error instanceof QuestionBankError)) throw error;
  console.error(error.problems.join("\n"));
  console.error(`${error.problems.length} problem(s) in ${dir}`);
  process.exitCode = 1;
}
