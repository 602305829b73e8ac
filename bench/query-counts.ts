/**
 * Statements per request, counted at the driver: an answer (on a streak), a rubric
 * click, a submit, and an idle tick, on a cohort with a few days of history.
 * tests/core/query-counts.test.ts asserts the same limits in `npm test`.
 * Writes bench/results/query-counts.json.
 */
import path from "node:path";
import { Coach } from "../src/core/coach.ts";
import type { CoachMessage } from "../src/core/messages.ts";
import { openDatabase } from "../src/db/client.ts";
import { createRepositories } from "../src/db/repositories/index.ts";
import { loadQuestionBank } from "../src/questions/loader.ts";
import { figure, writeFigures } from "./figures.ts";

const bank = loadQuestionBank(path.resolve(import.meta.dirname, "../questions"));
let statements = 0;
const database = await openDatabase({ kind: "pglite", dataDir: undefined }, { onQuery: () => statements++ });
await database.migrate();
const repos = createRepositories(database.db);
let now = new Date("2026-10-26T12:00:00Z");
await repos.questions.sync(bank, now);
const sent: CoachMessage[] = [];
const coach = new Coach(
  { repos, messenger: { send: async (_to, message, key) => (sent.push(message), { messageRef: key, threadRef: null }) }, clock: { now: () => now }, log: { warn: () => {}, error: () => {} } },
  { timeZone: "America/New_York", postTime: "09:00" },
);
const address = { platform: "slack" as const, workspaceId: "T1", channelId: "C1" };
const actor = (n: number) => ({ userRef: `slack:T1:U${n}`, displayName: `Member ${n}`, isPlatformAdmin: n === 1 });
const counted = async (work: () => Promise<unknown>) => {
  statements = 0;
  await work();
  return statements;
};
await coach.setup(address, actor(1), coach.parseSchedule(["humana/ai-pm", "09:00", "America/New_York", "mon-fri"]));
const answers: number[] = [];
const clicks: number[] = [];
const submits: number[] = [];
const idle: number[] = [];
// Four posting days (Mon-Thu); twelve members answer each, reviews open at 17:00 and everyone scores.
for (const day of ["2026-10-26", "2026-10-27", "2026-10-28", "2026-10-29"]) {
  now = new Date(`${day}T13:00:00Z`);
  await coach.tick();
  const prompt = (sent.filter((m) => m.kind === "prompt").at(-1) as Extract<CoachMessage, { kind: "prompt" }>).promptId;
  for (let n = 1; n <= 12; n++) answers.push(await counted(() => coach.answer({ prompt, actor: actor(n), text: `Baseline 20%, target 15% in 90 days (${n}).`, sourceRef: null })));
  now = new Date(`${day}T13:01:00Z`);
  idle.push(await counted(() => coach.tick()));
  now = new Date(`${day}T21:00:00Z`);
  await coach.tick();
  for (const assignment of await repos.reviews.forPrompt(prompt)) {
    const card = await coach.showReview(assignment.id, assignment.reviewerRef);
    for (const criterion of card.criteria) clicks.push(await counted(() => coach.score({ assignmentId: assignment.id, reviewerRef: assignment.reviewerRef, criterionId: criterion.id, score: 4 })));
    submits.push(await counted(() => coach.submitReview({ assignmentId: assignment.id, reviewerRef: assignment.reviewerRef })));
  }
}
await database.close();
writeFigures("query-counts", [
  figure("Statements per answer (PGlite, 4 days of history)", answers, "statements", { maxValue: 5, everyRun: true }, `${answers.length} answers`),
  figure("Statements per rubric click", clicks, "statements", { maxValue: 5, everyRun: true }, `${clicks.length} clicks`),
  figure("Statements per review submit", submits, "statements", {}, `${submits.length} submits`),
  figure("Statements per idle tick", idle, "statements", { maxValue: 1, everyRun: true }),
]);
process.exit(0);
