import { existsSync } from "node:fs";
import path from "node:path";
import { loadQuestionBank, QuestionBankError } from "./loader.ts";

/**
 * `npm run validate:questions [dir]`: the same checks start-up makes, reading QUESTIONS_DIR
 * from .env as start-up does, then a summary narrow enough for an 80-column terminal.
 */
if (existsSync(".env")) process.loadEnvFile(".env");
const dir = path.resolve(process.argv[2] ?? process.env.QUESTIONS_DIR ?? "questions");
try {
  const bank = loadQuestionBank(dir);
  for (const track of bank.tracks) {
    const counts = new Map<string, number>();
    for (const q of track.questions) counts.set(q.category.id, (counts.get(q.category.id) ?? 0) + 1);
    console.log(`${track.id}: ${track.questions.length} questions`);
    for (const category of track.categories) console.log(`  ${String(counts.get(category.id) ?? 0).padStart(4)}  ${category.id}`);
  }
  const total = bank.tracks.reduce((sum, track) => sum + track.questions.length, 0);
  console.log(`${bank.tracks.length} tracks, ${total} questions: valid`);
} catch (error) {
  if (!(error instanceof QuestionBankError)) throw error;
  console.error(error.problems.join("\n"));
  console.error(`${error.problems.length} problem(s) in ${dir}`);
  process.exitCode = 1;
}
