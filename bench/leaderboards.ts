/**
 * Leaderboards at scale on PostgreSQL: 1,000,000 ledger rows over 500 cohorts (100
 * members each, 30 days of prompts, 12 scored answers per prompt), then every board
 * (week, month, season, all time; each reply carries the quality ranking and the
 * viewer's neighbours) asked for random cohorts and viewers. Seeded with fixed values.
 * Writes bench/results/leaderboards.json.
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tsx bench/leaderboards.ts
 */
import { loadavg } from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { Coach } from "../src/core/coach.ts";
import { leaderboardPeriods } from "../src/core/points/leaderboard.ts";
import { createRepositories } from "../src/db/repositories/index.ts";
import { loadQuestionBank } from "../src/questions/loader.ts";
import { openIsolatedPostgres } from "../tests/support/databases.ts";
import { figure, percentile, writeFigures } from "./figures.ts";

const COHORTS = 500;
const MEMBERS = 100;
const LEDGER_ROWS = 1_000_000;
const DAYS = 30;
const ANSWERS_PER_PROMPT = 12;
const CALLS = 200;
const url = process.env.BENCH_DATABASE_URL;
if (!url) {
  console.log("leaderboards: BENCH_DATABASE_URL not set, skipped (the goal is stated for PostgreSQL)");
  process.exit(0);
}
const bank = loadQuestionBank(path.resolve(import.meta.dirname, "../questions"));
// Statements sent, counted to report per call beside the timings (which depend on the machine's load).
let statements = 0;
const database = await openIsolatedPostgres(url, { onQuery: () => statements++ });
const repos = createRepositories(database.db);
const now = new Date("2026-11-27T15:00:00Z");
await repos.questions.sync(bank, now);
const coach = new Coach({ repos, messenger: { send: async (_t, _m, key) => ({ messageRef: key, threadRef: null }) }, clock: { now: () => now }, log: { warn: () => {}, error: () => {} } }, { timeZone: "America/New_York", postTime: "09:00" });
const question = bank.tracks[0]!.questions[0]!;
const criteria = question.rubric.criteria.map((c) => c.id);

const seedStarted = performance.now();
const db = database.db;
await db.execute(sql`
  insert into cohorts (platform, workspace_id, channel_id, track_id, post_time, time_zone, weekdays, answer_close_time, review_close_time, reviewers_per_answer, created_by, created_at, season)
  select 'slack', 'T1', 'C' || n, ${bank.tracks[0]!.id}, '09:00', 'America/New_York', '{1,2,3,4,5}', '17:00', '09:00', 3, 'slack:T1:U1', ${now.toISOString()}::timestamptz, 2
  from generate_series(1, ${COHORTS}) n`);
await db.execute(sql`
  insert into members (cohort_id, user_ref, display_name, joined_at)
  select c.id, 'slack:T1:U' || m, 'Member ' || m, ${now.toISOString()}::timestamptz from cohorts c, generate_series(1, ${MEMBERS}) m`);
// Points spread over 60 days, two seasons and every member of each cohort (row k of a cohort goes
// to member 1 + 19k mod 100, so all 100 rank); values from a fixed hash of the row number.
await db.execute(sql`
  insert into points_ledger (cohort_id, user_ref, season, kind, source, points, local_date, created_at)
  select 1 + (n % ${COHORTS}), 'slack:T1:U' || (1 + ((n / ${COHORTS})::bigint * 7919) % ${MEMBERS}), case when (n / ${COHORTS}) % 60 < 30 then 1 else 2 end, 'answer', 'bench:' || n || '#0',
         5 + (n * 31) % 11, to_char(date '2026-09-29' + ((n / ${COHORTS}) % 60), 'YYYY-MM-DD'), ${now.toISOString()}::timestamptz
  from generate_series(1, ${LEDGER_ROWS}) n`);
await db.execute(sql`
  insert into prompts (cohort_id, local_date, question_id, season, post_at, answers_close_at, reviews_close_at, message_ref, created_at)
  select c.id, to_char(date '2026-10-28' + d, 'YYYY-MM-DD'), ${question.id}, 2, ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz, 'm' || c.id || ':' || d, ${now.toISOString()}::timestamptz
  from cohorts c, generate_series(0, ${DAYS - 1}) d`);
await db.execute(sql`
  insert into answers (prompt_id, user_ref, body, created_at, updated_at)
  select p.id, 'slack:T1:U' || (1 + (p.id * 13 + a * 7) % ${MEMBERS}), 'answer', ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz
  from prompts p, generate_series(1, ${ANSWERS_PER_PROMPT}) a on conflict do nothing`);
await db.execute(sql`
  insert into answer_results (answer_id, criterion_id, score, uncertainty, plain_mean, grade_count)
  select a.id, c, 1 + ((a.id * 17 + length(c)) % 40) / 10.0, 0.3, 3, 3 from answers a, unnest(${sql.raw(`array[${criteria.map((c) => `'${c}'`).join(",")}]`)}) c`);
await db.execute(sql`analyze`);
const counts = (await db.execute<{ n: number }>(sql`select (select count(*) from points_ledger)::int as ledger, (select count(*) from answer_results)::int as results`)) as unknown as { ledger: number; results: number }[];
console.log(`seeded in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s: ${JSON.stringify(counts[0])}`);

// Fixed sequence of cohorts and viewers (a linear congruential walk), the same every run.
let state = 42;
const next = (n: number) => {
  state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
  return state % n;
};
const nextAddress = () => ({ platform: "slack" as const, workspaceId: "T1", channelId: `C${1 + next(COHORTS)}` });
const nextViewer = () => `slack:T1:U${1 + next(MEMBERS)}`;
/** Times `calls` calls after `warmUp` unmeasured ones, with what hardly moves with the machine's load: statements sent and this process's CPU time. */
async function measure(warmUp: number, calls: number, call: () => Promise<unknown>) {
  for (let i = 0; i < warmUp; i++) await call();
  const times: number[] = [];
  const sentBefore = statements;
  const cpuBefore = process.cpuUsage();
  for (let i = 0; i < calls; i++) {
    const started = performance.now();
    await call();
    times.push(performance.now() - started);
  }
  const cpu = process.cpuUsage(cpuBefore);
  const note = `p50 ${percentile(times, 50).toFixed(2)} ms over ${calls} calls; per call ${((statements - sentBefore) / calls).toFixed(1)} statements and ${((cpu.user + cpu.system) / 1000 / calls).toFixed(2)} ms of client CPU; load average ${loadavg()[0]!.toFixed(1)}`;
  return { p95: percentile(times, 95), note };
}
const figures = [];
for (const period of leaderboardPeriods) {
  const { p95, note } = await measure(10, CALLS, async () => {
    const board = await coach.leaderboard(nextAddress(), nextViewer(), period);
    if (board.top.length === 0 || board.quality.length === 0) throw new Error(`empty ${period} board`);
  });
  figures.push(figure(`Leaderboard "${period}" with quality ranking and neighbours, ${LEDGER_ROWS.toLocaleString("en-US")} ledger rows / ${COHORTS} cohorts, PostgreSQL: p95`, [p95], "ms", { maxValue: 20 }, note));
}
const me = await measure(10, 50, () => coach.me(nextAddress(), { userRef: nextViewer(), displayName: "x", isPlatformAdmin: false }));
figures.push(figure(`/coach me at the same size, PostgreSQL: p95`, [me.p95], "ms", {}, me.note));
await database.close();
writeFigures("leaderboards", figures, { sizes: { cohorts: COHORTS, members: MEMBERS * COHORTS, ledgerRows: LEDGER_ROWS, prompts: COHORTS * DAYS, answersPerPrompt: ANSWERS_PER_PROMPT } });
process.exit(0);
