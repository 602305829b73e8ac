/**
 * Scoring at close: (a) what one close costs with a long history, on PGlite and (with
 * BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres, in a database of
 * its own) on PostgreSQL; (b) how good the scores are on synthetic cohorts against the plain
 * mean. Writes bench/results/scoring.json ({figures:[{name, value, min, max, reference,
 * ratio, goal, met}]}) and exits non-zero when a goal is missed.
 *   npx tsx bench/scoring.ts            (BENCH_SKIP_POSTGRES=1 for PGlite only)
 *   BENCH_SCORING_PARTS=quality npx tsx bench/scoring.ts   (only the quality part; or =close for the close and refit)
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg } from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import type { CoachDeps } from "../src/core/deps.ts";
import { closePrompt, overallScore } from "../src/core/scores/close-prompt.ts";
import { exportCohort } from "../src/core/members/export.ts";
import { forgetMe } from "../src/core/members/member-ops.ts";
import { qualityEntry } from "../src/core/points/awards.ts";
import type { Repositories } from "../src/core/ports.ts";
import { fitOnHistory, refitCohort } from "../src/core/scores/reviewer-params.ts";
import type { Database } from "../src/db/client.ts";
import { openEmbeddedOnDisk } from "./embedded.ts";
import { createRepositories, repositoryOptionsFor } from "../src/db/repositories/index.ts";
import { answerResults, answers, cohorts, members, pointsLedger, prompts, promptSteps, reviewAssignments, reviewScores, scoringStates } from "../src/db/schema.ts";
import { openIsolatedPostgres } from "../tests/support/databases.ts";
import { runInProcesses } from "./process-pool.ts";
import type { QualityJob, QualityJobResult } from "./scoring-quality-worker.ts";
import { SCENARIOS, syntheticCohort } from "./synthetic-reviews.ts";
import { longestBlock, loopThreadCpuMs } from "./figures.ts";

interface Figure {
  name: string;
  value: number;
  min: number;
  max: number;
  reference: number | null;
  ratio: number | null;
  goal: string;
  met: boolean | null;
  note?: string;
}

const figures: Figure[] = [];
const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};
const spread = (xs: readonly number[]) => ({ value: median(xs), min: Math.min(...xs), max: Math.max(...xs) });
const round = (x: number, digits = 4) => Number(x.toFixed(digits));

function timingFigure(name: string, samples: readonly number[], limit: number | null) {
  const s = spread(samples);
  figures.push({
    name,
    value: round(s.value, 1),
    min: round(s.min, 1),
    max: round(s.max, 1),
    reference: limit,
    ratio: limit === null ? null : round(s.value / limit, 3),
    goal: limit === null ? "none (context)" : `< ${limit} ms`,
    met: limit === null ? null : s.max < limit,
  });
}

// (a) One close of a 500-member cohort with 30 days behind it.
const MEMBERS = 500;
const DAYS = 30;
const CRITERIA = ["structure", "depth", "tradeoffs", "communication"];
const REPEATS = 5;

export async function seed(database: Database) {
  const cohort = syntheticCohort("mixed", MEMBERS, DAYS + 1, 31, CRITERIA, 1);
  const db = database.db;
  const repos = createRepositories(db);
  const t0 = new Date("2026-09-01T13:00:00Z");
  await db.insert(cohorts).values({
    id: 1,
    platform: "slack",
    workspaceId: "T1",
    channelId: "C1",
    trackId: "bench/track",
    postTime: "09:00",
    timeZone: "America/New_York",
    weekdays: [1, 2, 3, 4, 5, 6, 7],
    answerCloseTime: "17:00",
    reviewCloseTime: "09:00",
    reviewersPerAnswer: 3,
    createdBy: "m0000",
    createdAt: t0,
  });
  await db.insert(members).values(cohort.members.map((m) => ({ cohortId: 1, userRef: m.ref, displayName: m.ref, joinedAt: t0 })));
  let assignmentId = 0;
  for (const day of cohort.days) {
    const at = new Date(t0.getTime() + day.promptId * 86_400_000);
    await db.insert(prompts).values({
      id: day.promptId,
      cohortId: 1,
      localDate: at.toISOString().slice(0, 10),
      questionId: "bench-q",
      season: 1,
      postAt: at,
      answersCloseAt: at,
      reviewsCloseAt: at,
      createdAt: at,
    });
    // One statement per table and day: columns travel as array literals and unnest into rows.
    const list = (values: readonly (string | number)[]) => `{${values.join(",")}}`;
    const answerIds = [...day.answers.keys()];
    await db.execute(sql`
      insert into ${answers} (id, prompt_id, user_ref, body, created_at, updated_at)
      select id, ${day.promptId}, user_ref, 'answer', ${at.toISOString()}::timestamptz, ${at.toISOString()}::timestamptz
      from unnest(${list(answerIds)}::int[], ${list(answerIds.map((id) => day.answers.get(id)!.author))}::text[]) as t(id, user_ref)`);
    const assignments = new Map<string, number>();
    const scoreColumns = { assignment: [] as number[], criterion: [] as string[], score: [] as number[] };
    for (const g of day.grades) {
      const key = `${g.answerId}:${g.reviewerRef}`;
      if (!assignments.has(key)) assignments.set(key, ++assignmentId);
      scoreColumns.assignment.push(assignments.get(key)!);
      scoreColumns.criterion.push(g.criterionId);
      scoreColumns.score.push(g.score);
    }
    const keys = [...assignments.keys()];
    await db.execute(sql`
      insert into ${reviewAssignments} (id, prompt_id, answer_id, reviewer_ref, submitted_at, created_at)
      select id, ${day.promptId}, answer_id, reviewer_ref, ${at.toISOString()}::timestamptz, ${at.toISOString()}::timestamptz
      from unnest(${list(keys.map((k) => assignments.get(k)!))}::int[], ${list(keys.map((k) => k.split(":")[0]!))}::int[], ${list(keys.map((k) => k.split(":")[1]!))}::text[])
        as t(id, answer_id, reviewer_ref)`);
    await db.execute(sql`
      insert into ${reviewScores} (assignment_id, criterion_id, score, updated_at)
      select assignment_id, criterion_id, score, ${at.toISOString()}::timestamptz
      from unnest(${list(scoreColumns.assignment)}::int[], ${list(scoreColumns.criterion)}::text[], ${list(scoreColumns.score)}::int[]) as t(assignment_id, criterion_id, score)`);
    // Every earlier day was closed: its results stored (plain means stand in for them) and its
    // quality points awarded, so a close updates the members' summary rows as it does in use.
    if (day.promptId <= DAYS) {
      await db.execute(sql`
        insert into ${answerResults} (answer_id, criterion_id, score, uncertainty, plain_mean, grade_count)
        select ra.answer_id, rs.criterion_id, avg(rs.score), 0.5, avg(rs.score), count(*)
        from ${reviewAssignments} ra join ${reviewScores} rs on rs.assignment_id = ra.id
        where ra.prompt_id = ${day.promptId}
        group by ra.answer_id, rs.criterion_id`);
      const [prompt, quality] = await Promise.all([repos.prompts.get(day.promptId), repos.reviews.promptResults(day.promptId)]);
      await repos.points.awardMany(
        [...quality].map(([answerId, results]) => qualityEntry(prompt!, day.answers.get(answerId)!.author, answerId, overallScore(results))),
        at,
      );
    }
  }
  for (const table of ["cohorts", "prompts", "answers", "review_assignments"]) {
    await db.execute(sql.raw(`select setval(pg_get_serial_sequence('${table}', 'id'), (select max(id) from ${table}))`));
  }
  await db.execute(sql`analyze`);
  return cohort.days.reduce((n, d) => n + d.grades.length, 0);
}

async function closeBench(label: string, database: Database) {
  const seeded = Date.now();
  const gradeRows = await seed(database);
  const statements = { count: 0 };
  const repos = countingRepositories(createRepositories(database.db, repositoryOptionsFor(database.kind)), statements);
  const deps = { repos, clock: { now: () => new Date() }, log: { warn() {}, error() {} } } as unknown as CoachDeps;
  const cohort = (await repos.cohorts.get(1))!;
  const last = (await repos.prompts.get(DAYS + 1))!;
  // The scheduled refit over 30 days of grades: what a close pays at most once a week.
  const { state } = await repos.reviews.closeInputs(1, DAYS);
  const refit = await longestBlock(() => refitCohort(deps, 1, DAYS, state, DAYS));
  console.log(`${label}: seeded ${gradeRows} grades over ${DAYS + 1} days in ${((Date.now() - seeded) / 1000).toFixed(1)} s; refit ${refit.wallMs.toFixed(0)} ms`);
  const walls: number[] = [];
  const computes: number[] = [];
  const blocks: number[] = [];
  const cpuBlocks: number[] = [];
  const calls: number[] = [];
  // Every repeat starts from the state the refit through day 30 left, with the day unscored and
  // unawarded: a repeat that found its results stored would update them and award nothing, and
  // miss what a close pays for the summaries its new rows feed.
  const unclose = async () => {
    await database.db.update(scoringStates).set({ foldedThroughPromptId: DAYS, closes: DAYS, closesAtRefit: DAYS });
    await database.db.execute(sql`delete from ${answerResults} where answer_id in (select id from ${answers} where prompt_id = ${last.id})`);
    await database.db.execute(sql`delete from ${pointsLedger} where cohort_id = 1 and kind = 'quality' and local_date = ${last.localDate}`);
  };
  for (let i = 0; i <= REPEATS; i++) {
    await unclose();
    const inputs = await repos.reviews.closeInputs(1, last.id);
    // CPU time of the thread the fit runs on, not wall time: on a machine shared with other work
    // the wall clock counts their turns too (loopThreadCpuMs). Never more than the wall time.
    const cpuStart = loopThreadCpuMs();
    const wallStart = performance.now();
    await fitOnHistory(inputs.grades, inputs.params, inputs.authors);
    if (i > 0) computes.push(Math.min(loopThreadCpuMs() - cpuStart, performance.now() - wallStart));
    statements.count = 0;
    // The whole close: load, fit, store results, reviewer parameters and quality points.
    const { result, blockMs, blockCpuMs, wallMs } = await longestBlock(() => closePrompt(deps, cohort, last));
    if (result.summary.top.length === 0) throw new Error("the close left answers unscored");
    // The first round warms the JIT and is not counted.
    if (i === 0) continue;
    walls.push(wallMs);
    blocks.push(blockMs);
    cpuBlocks.push(blockCpuMs);
    calls.push(statements.count);
  }
  const [after] = await database.db.select().from(scoringStates);
  if (after?.closesAtRefit !== DAYS) throw new Error("the measured close refitted instead of folding the day in");
  const scored = await repos.reviews.promptResults(last.id);
  if ([...scored.values()].filter((r) => r.length === CRITERIA.length).length < scored.size || scored.size === 0) throw new Error("the close left answers unscored");
  const size = `${MEMBERS} members, 3 reviews, ${CRITERIA.length} criteria, ${DAYS} days`;
  timingFigure(`close compute (fit), ${label}, ${size}`, computes, 50);
  timingFigure(`close wall (load, fit, store results, parameters and points), ${label}, ${size}`, walls, label === "PostgreSQL" ? 200 : null);
  timingFigure(`close longest event-loop block (wall), ${label}`, blocks, 50);
  timingFigure(`close longest event-loop block (CPU), ${label}`, cpuBlocks, 50);
  figures.push({ name: `close repository calls, ${label}, ${size}`, value: calls[0]!, min: Math.min(...calls), max: Math.max(...calls), reference: null, ratio: null, goal: "none (context)", met: null });
  timingFigure(`scheduled refit wall (at most weekly), ${label}, ${size}`, [refit.wallMs], null);
  timingFigure(`scheduled refit longest event-loop block (wall), ${label}`, [refit.blockMs], 50);
  timingFigure(`scheduled refit longest event-loop block (CPU), ${label}`, [refit.blockCpuMs], 50);

  // The organizer's CSV export of the same cohort: 31 days of answers and points.
  const exports: { blockMs: number; blockCpuMs: number; wallMs: number; calls: number; bytes: number }[] = [];
  for (let i = 0; i <= 3; i++) {
    statements.count = 0;
    const { result, blockMs, blockCpuMs, wallMs } = await longestBlock(() => exportCohort(deps, cohort, { userRef: "bench", displayName: "bench", isPlatformAdmin: true }));
    if (i > 0) exports.push({ blockMs, blockCpuMs, wallMs, calls: statements.count, bytes: result.files.reduce((n, f) => n + f.content.length, 0) });
  }
  const exportSize = `${MEMBERS} members, ${DAYS + 1} days (${Math.round(exports[0]!.bytes / 1000)} kB of CSV)`;
  timingFigure(`export wall, ${label}, ${exportSize}`, exports.map((e) => e.wallMs), null);
  timingFigure(`export longest event-loop block (wall), ${label}`, exports.map((e) => e.blockMs), 50);
  timingFigure(`export longest event-loop block (CPU), ${label}`, exports.map((e) => e.blockCpuMs), 50);
  figures.push({ name: `export repository calls, ${label}, ${exportSize}`, value: exports[0]!.calls, min: Math.min(...exports.map((e) => e.calls)), max: Math.max(...exports.map((e) => e.calls)), reference: null, ratio: null, goal: "none (context)", met: null });

  // Last, as it deletes a member: forget-me of one who answered and reviewed every day, which
  // refits the cohort without their grades and re-scores every answer they reviewed.
  await database.db.execute(sql`insert into ${promptSteps} (prompt_id, step, status, lease_until, finished_at) select id, 'close', 'done', now(), now() from ${prompts} on conflict do nothing`);
  statements.count = 0;
  const forgotten = await longestBlock(() => forgetMe(deps, { userRef: cohort.createdBy }));
  const forgetSize = `one of ${MEMBERS} members, ${forgotten.result.answers} answers and ${forgotten.result.reviews} reviews over ${DAYS + 1} days`;
  timingFigure(`forget-me wall, ${label}, ${forgetSize}`, [forgotten.wallMs], null);
  timingFigure(`forget-me longest event-loop block (wall), ${label}`, [forgotten.blockMs], 50);
  timingFigure(`forget-me longest event-loop block (CPU), ${label}`, [forgotten.blockCpuMs], 50);
  figures.push({ name: `forget-me repository calls, ${label}, ${forgetSize}`, value: statements.count, min: statements.count, max: statements.count, reference: null, ratio: null, goal: "none (context)", met: null });
}

/** Repositories whose every call is counted: a close's cost must not grow with the cohort. */
function countingRepositories(repos: Repositories, counter: { count: number }): Repositories {
  const wrap = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(object, key, receiver) {
        const value = Reflect.get(object, key, receiver);
        if (typeof value !== "function") return value;
        return (...args: unknown[]) => {
          counter.count++;
          return (value as (...a: unknown[]) => unknown).apply(object, args);
        };
      },
    });
  return Object.fromEntries(Object.entries(repos).map(([name, repo]) => [name, wrap(repo as object)])) as unknown as Repositories;
}

const parts = (process.env.BENCH_SCORING_PARTS ?? "close,quality").split(",");
if (parts.includes("close")) {
  const pglite = await openEmbeddedOnDisk();
  await closeBench("PGlite", pglite);
  await pglite.close();
  if (!process.env.BENCH_SKIP_POSTGRES) {
    const postgres = await openIsolatedPostgres(process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres");
    try {
      await closeBench("PostgreSQL", postgres);
    } finally {
      await postgres.close();
    }
  }
}

// (b) Quality of the scores members are told at each close, against the plain mean.
// BENCH_SCORING_SIZES=50,200 narrows the quality part while iterating; the goals are judged on all three.
const SIZES = parts.includes("quality") ? (process.env.BENCH_SCORING_SIZES ?? "50,200,500").split(",").map(Number) : [];
const DAY_COUNTS = [10, 20];
const SEEDS = [11, 22, 33, 44, 55];
const qualityStart = Date.now();
const qualityJobs: QualityJob[] = SIZES.flatMap((members) => SCENARIOS.flatMap((scenario) => SEEDS.map((seed) => ({ scenario, members, seed, dayCounts: DAY_COUNTS }))));
const qualityResults = await runInProcesses<QualityJob, QualityJobResult>(
  path.join(import.meta.dirname, "scoring-quality-worker.ts"),
  qualityJobs,
  Math.max(1, Math.min(availableParallelism(), Number(process.env.BENCH_QUALITY_PROCESSES ?? 2))),
  (job) => job.members,
);
for (const members of SIZES) {
  for (const scenario of SCENARIOS) {
    const runs = qualityResults.filter((r) => r.job.members === members && r.job.scenario === scenario).map((r) => r.byDayCount);
    DAY_COUNTS.forEach((days, d) => {
      const q = runs.map((r) => r[d]!);
      const ratios = q.map((x) => x.rmseModel / x.rmsePlain);
      const model = spread(q.map((x) => x.rmseModel));
      const met = median(ratios) <= 0.85 && Math.max(...ratios) <= 1.02;
      const told = spread(q.map((x) => x.rmseToldAtClose / x.rmsePlain));
      figures.push({
        name: `scoring RMSE vs plain mean, ${scenario}, N=${members}, ${days} days`,
        value: round(model.value),
        min: round(model.min),
        max: round(model.max),
        reference: round(median(q.map((x) => x.rmsePlain))),
        ratio: round(median(ratios), 3),
        goal: "ratio <= 0.85 (median), no seed above 1.02",
        met,
        note: `scores as stored after day ${days}; as each answer's own close told its author: ratio ${round(told.value, 3)} (${round(told.min, 3)}-${round(told.max, 3)})`,
      });
      if ((scenario === "honest" || scenario === "mixed") && days === 10) {
        const gains = q.map((x) => x.tauModel - x.tauPlain);
        const s = spread(gains);
        figures.push({
          name: `quality ranking Kendall tau gain over plain mean, ${scenario}, N=${members}, ${days} days`,
          value: round(s.value, 3),
          min: round(s.min, 3),
          max: round(s.max, 3),
          reference: round(median(q.map((x) => x.tauPlain)), 3),
          ratio: null,
          goal: ">= +0.03",
          met: s.value >= 0.03,
        });
      }
      if (scenario === "collusion-ring") {
        const model = q.map((x) => x.ringGainModel!);
        const plain = q.map((x) => x.ringGainPlain!);
        const s = spread(model);
        figures.push({
          name: `collusion ring member percentile gain, N=${members}, ${days} days`,
          value: round(s.value, 2),
          min: round(s.min, 2),
          max: round(s.max, 2),
          reference: round(median(plain), 2),
          ratio: round(s.value / median(plain), 3),
          goal: "<= half the gain under the plain mean",
          met: s.value <= median(plain) / 2,
        });
      }
    });
  }
}
if (qualityJobs.length > 0) console.log(`quality: ${qualityJobs.length} synthetic cohorts in ${((Date.now() - qualityStart) / 1000).toFixed(0)} s`);

// Timings above are wall-clock on a shared machine: say how busy it was.
const [load1] = loadavg();
figures.push({ name: `machine load average (1 min) at the end, ${cpus().length} cores`, value: round(load1!, 2), min: round(load1!, 2), max: round(load1!, 2), reference: null, ratio: null, goal: "none (context)", met: null });

const out = path.resolve(import.meta.dirname, "results/scoring.json");
mkdirSync(path.dirname(out), { recursive: true });
// A run of one part keeps the other part's figures from the last full run.
const isQuality = (f: Figure) => /^(scoring RMSE|quality ranking|collusion ring)/.test(f.name);
if (parts.includes("close") !== parts.includes("quality") && existsSync(out)) {
  const kept = (JSON.parse(readFileSync(out, "utf8")) as { figures: Figure[] }).figures.filter((f) => (parts.includes("quality") ? !isQuality(f) && !f.name.startsWith("machine load") : isQuality(f)));
  if (parts.includes("quality")) figures.unshift(...kept);
  else figures.splice(figures.length - 1, 0, ...kept);
}
writeFileSync(out, `${JSON.stringify({ measuredAt: new Date().toISOString(), figures }, null, 2)}\n`);
const missed = figures.filter((f) => f.met === false);
for (const f of figures) console.log(`${f.met === false ? "MISSED" : f.met ? "met   " : "      "} ${f.name}: ${f.value} (min ${f.min}, max ${f.max}; reference ${f.reference}, ratio ${f.ratio}; goal ${f.goal})`);
console.log(`wrote ${path.relative(process.cwd(), out)}: ${figures.length} figures, ${missed.length} goals missed`);
process.exitCode = missed.length > 0 ? 1 : 0;
