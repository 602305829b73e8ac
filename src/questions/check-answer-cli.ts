import { readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { loadScriptConfig } from "../config.ts";
import { applicableCues, checkAnswer } from "../core/answers/check-answer.ts";
import type { Question } from "../core/questions/types.ts";
import { loadQuestionBank, QuestionBankError } from "./loader.ts";

export interface CheckReport {
  readonly question_id: string;
  readonly rubric: string;
  readonly addresses_question: boolean;
  readonly reads_as_list: boolean;
  readonly criteria: readonly {
    readonly id: string;
    readonly label: string;
    readonly cues: readonly { readonly label: string; readonly against: boolean; readonly present: boolean; readonly evidence: string | null; readonly missing: string }[];
  }[];
}

/** The check as track authors read it: every applicable cue, present or absent, with its evidence. */
export function checkReport(question: Question, text: string): CheckReport {
  const check = checkAnswer(question, text);
  const lit = new Map([...check.shown, ...check.against].map((c) => [`${c.criterionId}\u0000${c.label}`, c.evidence]));
  const criteria = new Map<string, { id: string; label: string; cues: CheckReport["criteria"][number]["cues"][number][] }>();
  for (const { criterionId, criterionLabel, cue } of applicableCues(question)) {
    const entry = criteria.get(criterionId) ?? { id: criterionId, label: criterionLabel, cues: [] };
    criteria.set(criterionId, entry);
    const key = `${criterionId}\u0000${cue.label}`;
    entry.cues.push({ label: cue.label, against: cue.against, present: lit.has(key), evidence: lit.get(key) ?? null, missing: cue.missing });
  }
  return {
    question_id: question.id,
    rubric: question.rubric.id,
    addresses_question: check.addressesQuestion,
    reads_as_list: check.readsAsList,
    criteria: [...criteria.values()],
  };
}

/** `npm run check-answer -- <question-id> [file|-]`: the answer comes from the file, or stdin when absent or "-". */
function main(): void {
  const [questionId, file = "-"] = process.argv.slice(2);
  if (!questionId) {
    console.error("Usage: npm run check-answer -- <question-id> [file|-]   (reads the answer from stdin when no file is given)");
    process.exit(2);
  }
  const dir = path.resolve(loadScriptConfig().questionsDir);
  let questions: Question[];
  try {
    questions = loadQuestionBank(dir).tracks.flatMap((t) => t.questions);
  } catch (error) {
    if (!(error instanceof QuestionBankError)) throw error;
    console.error(`${error.problems.join("\n")}\n${error.problems.length} problem(s) in ${dir}`);
    process.exit(1);
  }
  const question = questions.find((q) => q.id === questionId);
  if (!question) {
    console.error(`There is no question "${questionId}" in ${dir}. Ids look like ${questions.slice(0, 3).map((q) => q.id).join(", ")}.`);
    process.exit(2);
  }
  let text: string;
  try {
    text = readFileSync(file === "-" ? 0 : file, "utf8");
  } catch (error) {
    console.error(`Cannot read the answer from ${file}: ${(error as Error).message}`);
    process.exit(2);
  }
  console.log(JSON.stringify(checkReport(question, text), null, 2));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
