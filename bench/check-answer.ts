/**
 * The answer check on the hand-labelled evaluation set (tests/fixtures/answer-eval):
 * precision and recall on strong answers, what keyword lists get, how often off-topic
 * and other-question answers are caught, strong vs mediocre, and the check's speed.
 * Writes bench/results/check-answer.md and bench/results/check-answer.json.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { checkAnswer } from "../src/core/answers/check-answer.ts";
import { loadQuestionBank } from "../src/questions/loader.ts";
import { evaluate, loadEvalSet } from "../tests/support/answer-eval.ts";

const root = path.resolve(import.meta.dirname, "..");
const bank = loadQuestionBank(path.join(root, "questions"));
const answers = loadEvalSet(bank);
const figures = evaluate(answers);

// Speed: every eval answer checked many times over; the per-check time is what a member waits for.
const rounds = 50;
const times: number[] = [];
for (let round = 0; round < rounds; round++) {
  for (const answer of answers) {
    const start = performance.now();
    checkAnswer(answer.question, answer.text);
    times.push(performance.now() - start);
  }
}
times.sort((a, b) => a - b);
const percentile = (p: number) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))]!;
const speed = { checks: times.length, p50Ms: percentile(50), p99Ms: percentile(99) };

const targets = [
  ["Precision on strong answers", figures.strongPrecision, ">= 0.90", figures.strongPrecision >= 0.9],
  ["Recall on strong answers", figures.strongRecall, ">= 0.85", figures.strongRecall >= 0.85],
  ["Share of cues lit by keyword lists", figures.listCueShare, "<= 0.10", figures.listCueShare <= 0.1],
  ["Keyword lists named as lists", figures.listNamed, ">= 0.90", figures.listNamed >= 0.9],
  ["Off-topic and other-question answers caught", figures.offTopicCaught, ">= 0.90", figures.offTopicCaught >= 0.9],
  ["Strong lights more cues than mediocre (and mediocre + tail)", figures.strongBeatsMediocre, ">= 0.90", figures.strongBeatsMediocre >= 0.9],
] as const;

const machine = `${os.cpus().length} x ${os.cpus()[0]?.model ?? "cpu"}, Node ${process.version}`;
const md = [
  "# Answer check on the evaluation set",
  "",
  `${figures.answers} hand-labelled answers to ${figures.questions} questions across ${figures.tracks} tracks (\`tests/fixtures/answer-eval/answers.yaml\`). Run: \`npx tsx bench/check-answer.ts\`.`,
  "",
  "| figure | value | target | met |",
  "|---|---|---|---|",
  ...targets.map(([name, value, target, met]) => `| ${name} | ${value.toFixed(3)} | ${target} | ${met ? "yes" : "NO"} |`),
  "",
  `Speed: ${speed.checks} checks, p50 ${speed.p50Ms.toFixed(3)} ms, p99 ${speed.p99Ms.toFixed(3)} ms per answer (${machine}).`,
  "",
  "## Wrong calls",
  "",
  ...(figures.misses.length === 0 ? ["None."] : figures.misses.map((miss) => `- ${miss}`)),
  "",
].join("\n");

const out = path.join(root, "bench/results");
mkdirSync(out, { recursive: true });
writeFileSync(path.join(out, "check-answer.md"), md);
writeFileSync(path.join(out, "check-answer.json"), `${JSON.stringify({ ...figures, speed, machine }, null, 2)}\n`);
console.log(md);
