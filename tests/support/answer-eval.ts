import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { z } from "zod";
import { applicableCues, checkAnswer } from "../../src/core/answers/check-answer.ts";
import type { AnswerCheck } from "../../src/core/messages.ts";
import type { Question, QuestionBank } from "../../src/core/questions/types.ts";

// Not imported from ./process.ts: that module registers vitest hooks, and the bench
// (bench/check-answer.ts) loads this file outside vitest.
const repoRoot = path.resolve(import.meta.dirname, "../..");

/** The hand-labelled answers the check is measured on (see the file's header). */
export const EVAL_FILE = path.join(repoRoot, "tests/fixtures/answer-eval/answers.yaml");

const labelled = z.strictObject({ text: z.string().min(1), shows: z.array(z.string()) });
const entrySchema = z.strictObject({
  question: z.string(),
  strong: labelled,
  mediocre: labelled,
  tail: z.string().min(1),
  list: z.string().min(1),
  off_topic: z.string().min(1),
  other_question: z.string(),
});
export type EvalEntry = z.output<typeof entrySchema>;

export type AnswerKind = "strong" | "mediocre" | "mediocre+tail" | "keyword list" | "off-topic" | "other question";

export interface EvalAnswer {
  readonly question: Question;
  readonly kind: AnswerKind;
  readonly text: string;
  /** "criterion: cue label" of every cue a reviewer says the answer shows; all others are absent. */
  readonly shows: ReadonlySet<string>;
}

export function loadEvalSet(bank: QuestionBank): EvalAnswer[] {
  const entries = z.array(entrySchema).parse(parse(readFileSync(EVAL_FILE, "utf8")));
  const questions = new Map(bank.tracks.flatMap((t) => t.questions.map((q) => [q.id, q] as const)));
  const byId = new Map(entries.map((e) => [e.question, e]));
  const question = (id: string) => {
    const found = questions.get(id);
    if (!found) throw new Error(`${EVAL_FILE}: question ${id} is not in the bank`);
    return found;
  };
  return entries.flatMap((entry) => {
    const q = question(entry.question);
    const known = new Set(applicableCues(q).map(({ criterionId, cue }) => `${criterionId}: ${cue.label}`));
    for (const label of [...entry.strong.shows, ...entry.mediocre.shows]) {
      if (!known.has(label)) throw new Error(`${entry.question}: "${label}" is not a cue of ${q.rubric.id}; expected one of ${[...known].join(" | ")}`);
    }
    const other = byId.get(entry.other_question);
    if (!other) throw new Error(`${entry.question}: other_question ${entry.other_question} has no entry`);
    const none = new Set<string>();
    return [
      { question: q, kind: "strong", text: entry.strong.text, shows: new Set(entry.strong.shows) },
      { question: q, kind: "mediocre", text: entry.mediocre.text, shows: new Set(entry.mediocre.shows) },
      { question: q, kind: "mediocre+tail", text: `${entry.mediocre.text.trim()}\n${entry.tail}`, shows: new Set(entry.mediocre.shows) },
      { question: q, kind: "keyword list", text: entry.list, shows: none },
      { question: q, kind: "off-topic", text: entry.off_topic, shows: none },
      { question: q, kind: "other question", text: other.strong.text, shows: none },
    ] satisfies EvalAnswer[];
  });
}

export interface EvalFigures {
  readonly answers: number;
  readonly questions: number;
  readonly tracks: number;
  readonly strongPrecision: number;
  readonly strongRecall: number;
  /** Share of applicable cues lit, over all keyword-list answers. */
  readonly listCueShare: number;
  /** Share of keyword-list answers told they read as a list. */
  readonly listNamed: number;
  /** Share of off-topic and other-question answers told they don't address the question. */
  readonly offTopicCaught: number;
  /** Share of questions where the strong answer lights more cues than the mediocre one (with and without its buzzword tail). */
  readonly strongBeatsMediocre: number;
  readonly misses: readonly string[];
}

const lit = (check: AnswerCheck) => new Set([...check.shown, ...check.against].map((c) => `${c.criterionId}: ${c.label}`));
const share = (n: number, d: number) => (d === 0 ? 1 : n / d);

/** Runs the check over the set and computes the targets' figures; `misses` names each wrong call. */
export function evaluate(answers: readonly EvalAnswer[]): EvalFigures {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let listLit = 0;
  let listCues = 0;
  let listNamed = 0;
  let lists = 0;
  let caught = 0;
  let elsewhere = 0;
  const misses: string[] = [];
  const litCount = new Map<string, number>();
  for (const answer of answers) {
    const check = checkAnswer(answer.question, answer.text);
    const on = lit(check);
    const where = `${answer.question.id} ${answer.kind}`;
    litCount.set(where, on.size);
    if (answer.kind === "strong") {
      const evidence = (label: string) => [...check.shown, ...check.against].find((c) => `${c.criterionId}: ${c.label}` === label)?.evidence;
      for (const label of on) if (answer.shows.has(label)) tp++; else { fp++; misses.push(`${where}: lit "${label}" it does not show, from "${evidence(label)}"`); }
      for (const label of answer.shows) if (!on.has(label)) { fn++; misses.push(`${where}: missed "${label}"`); }
    }
    if (answer.kind === "keyword list") {
      lists++;
      listLit += on.size;
      listCues += applicableCues(answer.question).length;
      if (check.readsAsList) listNamed++; else misses.push(`${where}: not named a list`);
    }
    if (answer.kind === "off-topic" || answer.kind === "other question") {
      elsewhere++;
      if (!check.addressesQuestion) caught++; else misses.push(`${where}: taken as addressing the question`);
    }
  }
  const ids = [...new Set(answers.map((a) => a.question.id))];
  let wins = 0;
  for (const id of ids) {
    const strong = litCount.get(`${id} strong`) ?? 0;
    for (const weaker of ["mediocre", "mediocre+tail"]) {
      if (strong > (litCount.get(`${id} ${weaker}`) ?? 0)) wins++; else misses.push(`${id}: strong lights ${strong}, ${weaker} ${litCount.get(`${id} ${weaker}`)}`);
    }
  }
  return {
    answers: answers.length,
    questions: ids.length,
    tracks: new Set(answers.map((a) => a.question.trackId)).size,
    strongPrecision: share(tp, tp + fp),
    strongRecall: share(tp, tp + fn),
    listCueShare: share(listLit, listCues),
    listNamed: share(listNamed, lists),
    offTopicCaught: share(caught, elsewhere),
    strongBeatsMediocre: share(wins, ids.length * 2),
    misses,
  };
}
