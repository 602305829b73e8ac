/**
 * What a minute tick costs: idle (nothing due) at 10,000 cohorts, and a minute in which
 * 1,000 cohorts all post, with a messenger that answers at once (the database and engine
 * cost alone; bench/fanout.ts adds the platform's limits). Statements are counted at the driver.
 * Writes bench/results/tick.json.
 *   BENCH_DATABASE_URL=postgres://... npx tsx bench/tick.ts [idleCohorts] [dueCohorts]
 */
import { loadavg } from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { Coach } from "../src/core/coach.ts";
import type { CoachMessage, Destination, Messenger, SendOptions } from "../src/core/messages.ts";
import type { Database, OpenOptions } from "../src/db/client.ts";
import { openEmbeddedOnDisk } from "./embedded.ts";
import { createRepositories } from "../src/db/repositories/index.ts";
import { loadQuestionBank } from "../src/questions/loader.ts";
import { openIsolatedPostgres } from "../tests/support/databases.ts";
import { figure, percentile, writeFigures, type Figure } from "./figures.ts";

const IDLE_COHORTS = Number(process.argv[2]) || 10_000;
const DUE_COHORTS = Number(process.argv[3]) || 1_000;
const IDLE_TICKS = 50;
const root = path.resolve(import.meta.dirname, "..");
const bank = loadQuestionBank(path.join(root, "questions"));

/** Posts instantly, after the step's fence as the platform messengers do (a step's first fence records that it may have posted). */
class CountingMessenger implements Messenger {
  sent = 0;
  async send(_to: Destination, _message: CoachMessage, key: string, options: SendOptions = {}) {
    await options.fence?.();
    this.sent++;
    return { messageRef: key, threadRef: null };
  }
}

/** One cohort set up through the engine, cloned in SQL with staggered zones so most are idle at any minute. */
async function seed(coach: Coach, database: Database, count: number, zones: readonly string[]) {
  const admin = { userRef: "slack:T1:U0ADMIN", displayName: "Ada", isPlatformAdmin: true };
  await coach.setup({ platform: "slack", workspaceId: "T1", channelId: "C0" }, admin, coach.parseSchedule(["humana/ai-pm", "09:00", zones[0]!, "mon-fri"]));
  await database.db.execute(sql`
    insert into cohorts (platform, workspace_id, channel_id, track_id, post_time, time_zone, weekdays, answer_close_time, review_close_time,
                         reviewers_per_answer, reminders_enabled, paused, season, created_by, created_at, next_post_at)
    select platform, workspace_id, 'C' || n, track_id, post_time, time_zone, weekdays, answer_close_time, review_close_time,
           reviewers_per_answer, reminders_enabled, paused, season, created_by, created_at, next_post_at
    from cohorts, generate_series(1, ${count - 1}) as n where channel_id = 'C0'`);
}

/** A fresh database with `count` cohorts and an engine whose clock the bench moves. */
async function seeded(open: (options: OpenOptions) => Promise<Database>, onQuery: () => void, count: number) {
  const database = await open({ onQuery });
  const repos = createRepositories(database.db);
  const clock = { at: new Date("2026-10-29T12:00:00Z"), now() { return this.at; } };
  await repos.questions.sync(bank, clock.now());
  const messenger = new CountingMessenger();
  const coach = new Coach({ repos, messenger, clock, log: { warn: () => {}, error: () => {} } }, { timeZone: "America/New_York", postTime: "09:00" });
  await seed(coach, database, count, ["America/New_York"]);
  return { database, coach, clock, messenger };
}

async function measure(label: string, open: (options: OpenOptions) => Promise<Database>): Promise<Figure[]> {
  let statements = 0;
  const figures: Figure[] = [];
  {
    const { database, coach, clock } = await seeded(open, () => statements++, IDLE_COHORTS);
    await database.db.execute(sql`analyze`);
    // 08:30 in New York: every cohort's next check is 09:00, so every tick until then is idle.
    const times: number[] = [];
    const cpuTimes: number[] = [];
    const counts: number[] = [];
    for (let i = 0; i < IDLE_TICKS; i++) {
      clock.at = new Date(Date.parse("2026-10-29T12:30:00Z") + i * 1000);
      statements = 0;
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      await coach.tick();
      times.push(performance.now() - started);
      const cpu = process.cpuUsage(cpuBefore);
      cpuTimes.push((cpu.user + cpu.system) / 1000);
      counts.push(statements);
    }
    // The process's CPU time per tick beside the wall time: on a loaded machine a tick that
    // waits for a core shows a long wall time with an ordinary CPU time.
    const note = `p50 ${percentile(times, 50).toFixed(2)} ms over ${IDLE_TICKS} ticks; CPU per tick p50 ${percentile(cpuTimes, 50).toFixed(2)} ms, p95 ${percentile(cpuTimes, 95).toFixed(2)} ms; load ${loadavg()[0]!.toFixed(1)}`;
    figures.push(figure(`Idle tick at ${IDLE_COHORTS.toLocaleString("en-US")} cohorts, ${label}: p95`, [percentile(times, 95)], "ms", { maxValue: 20 }, note));
    figures.push(figure(`Idle tick at ${IDLE_COHORTS.toLocaleString("en-US")} cohorts, ${label}: statements`, counts, "statements", { maxValue: 1 }));
    await database.close();
  }
  {
    const { database, coach, clock, messenger } = await seeded(open, () => statements++, DUE_COHORTS);
    await database.db.execute(sql`analyze`);
    clock.at = new Date("2026-10-29T13:00:00Z");
    statements = 0;
    const started = performance.now();
    await coach.tick();
    const ms = performance.now() - started;
    figures.push(
      figure(`All-due tick, ${DUE_COHORTS.toLocaleString("en-US")} cohorts posting, instant messenger, ${label}: time`, [ms], "ms", {}, `${messenger.sent} posts, ${statements} statements (${(statements / DUE_COHORTS).toFixed(2)} per cohort)`),
    );
    await database.close();
  }
  return figures;
}

const figures = await measure("PGlite", openEmbeddedOnDisk);
if (process.env.BENCH_DATABASE_URL) figures.push(...(await measure("PostgreSQL", (options) => openIsolatedPostgres(process.env.BENCH_DATABASE_URL!, options))));
writeFigures("tick", figures);
process.exit(0);
