/**
 * Opening reviews for a large cohort (500 and 2,000 members, every one answering): the tick in
 * which answers close, reviewers are drawn for every answer, the assignments are stored and
 * each reviewer is sent their cards, to a messenger that answers at once, so what is measured
 * is the bot's own cost. Day after day, so each draw also steers clear of the day before's
 * reviewer-author pairs. Writes bench/results/reviews.json.
 *   BENCH_DATABASE_URL=postgres://... npx tsx bench/reviews.ts [members]
 */
import path from "node:path";
import { desc, sql } from "drizzle-orm";
import { Coach } from "../src/core/coach.ts";
import { assignReviewers } from "../src/core/reviews/assign-reviewers.ts";
import type { CoachMessage, Destination, Messenger } from "../src/core/messages.ts";
import type { Database, OpenOptions } from "../src/db/client.ts";
import { openEmbeddedOnDisk } from "./embedded.ts";
import { createRepositories, repositoryOptionsFor } from "../src/db/repositories/index.ts";
import { prompts } from "../src/db/schema.ts";
import { loadQuestionBank } from "../src/questions/loader.ts";
import { openIsolatedPostgres } from "../tests/support/databases.ts";
import { figure, longestBlock, median, writeFigures, type Figure } from "./figures.ts";

const SIZES = process.argv[2] ? [Number(process.argv[2])] : [500, 2_000];
const RUNS = 3;
const root = path.resolve(import.meta.dirname, "..");
const bank = loadQuestionBank(path.join(root, "questions"));

class CountingMessenger implements Messenger {
  readonly sent = new Map<string, number>();
  async send(_to: Destination, message: CoachMessage, key: string) {
    this.sent.set(message.kind, (this.sent.get(message.kind) ?? 0) + 1);
    return { messageRef: key, threadRef: null };
  }
}

async function measure(label: string, members: number, open: (options: OpenOptions) => Promise<Database>): Promise<Figure[]> {
  let statements = 0;
  const database = await open({ onQuery: () => statements++ });
  const repos = createRepositories(database.db, repositoryOptionsFor(database.kind));
  const clock = { at: new Date("2026-10-26T13:00:00Z"), now() { return this.at; } };
  await repos.questions.sync(bank, clock.now());
  const messenger = new CountingMessenger();
  const coach = new Coach({ repos, messenger, clock, log: { warn: () => {}, error: () => {} } }, { timeZone: "America/New_York", postTime: "09:00" });
  const admin = { userRef: "slack:T1:U0ADMIN", displayName: "Ada", isPlatformAdmin: true };
  await coach.setup({ platform: "slack", workspaceId: "T1", channelId: "C0" }, admin, coach.parseSchedule(["humana/ai-pm", "09:00", "America/New_York", "mon-fri"]));
  await database.db.execute(sql`
    insert into members (cohort_id, user_ref, display_name, joined_at)
    select 1, 'slack:T1:U' || lpad(n::text, 5, '0'), 'member ' || n, ${clock.at.toISOString()}::timestamptz from generate_series(1, ${members}) as n`);

  const blocks: number[] = [];
  const cpuBlocks: number[] = [];
  const counts: number[] = [];
  const walls: number[] = [];
  let requests = 0;
  for (let day = 0; day <= RUNS; day++) {
    // 09:00 in New York, Monday on: the day's question goes out.
    clock.at = new Date(Date.parse("2026-10-26T13:00:00Z") + day * 86_400_000);
    await coach.tick();
    const [prompt] = await database.db.select({ id: prompts.id, answersCloseAt: prompts.answersCloseAt }).from(prompts).orderBy(desc(prompts.id)).limit(1);
    if (!prompt) throw new Error("no question was posted");
    await database.db.execute(sql`
      insert into answers (prompt_id, user_ref, body, created_at, updated_at)
      select ${prompt.id}, 'slack:T1:U' || lpad(n::text, 5, '0'), 'An answer of a few sentences.', ${clock.at.toISOString()}::timestamptz, ${clock.at.toISOString()}::timestamptz
      from generate_series(1, ${members}) as n`);
    await database.db.execute(sql`analyze`);
    clock.at = prompt.answersCloseAt;
    messenger.sent.clear();
    statements = 0;
    const { blockMs, blockCpuMs, wallMs } = await longestBlock(() => coach.tick());
    requests = messenger.sent.get("review-request") ?? 0;
    if (requests < members * 3) throw new Error(`reviews opened with ${requests} review requests for ${members} answers`);
    // The first day warms the JIT and is not counted, as in the close bench: its CPU block
    // counts the compiler threads' first work on these code paths.
    if (day === 0) continue;
    blocks.push(blockMs);
    cpuBlocks.push(blockCpuMs);
    counts.push(statements);
    walls.push(wallMs);
  }
  const name = `Opening reviews, ${members.toLocaleString("en-US")} answers, 3 reviewers each, ${label}`;
  const note = `${RUNS} days after a first one, each drawing around the day before's pairs; ${requests} review requests a day; ${Math.round(median(walls))} ms in all at the median`;
  const figures = [
    figure(`${name}: longest event-loop block (wall)`, blocks, "ms", { maxValue: 50, everyRun: true }, note),
    figure(`${name}: longest event-loop block (CPU)`, cpuBlocks, "ms", { maxValue: 50, everyRun: true }),
    figure(`${name}: statements`, counts, "statements", {}),
  ];
  await database.close();
  return figures;
}

/** The draw alone, pure computation: what held the event loop for 13 s at 2,000 answers before it bucketed reviewers by load. */
function drawFigure(answerCount: number): Figure {
  const refs = Array.from({ length: answerCount }, (_, i) => `U${i}`);
  const answers = refs.map((authorRef, i) => ({ id: i + 1, authorRef }));
  const previousPairs = refs.flatMap((authorRef, i) => [1, 2, 3].map((step) => ({ reviewerRef: refs[(i + step * 7) % answerCount]!, authorRef })));
  const times = [0, 1, 2, 3, 4, 5].map((day) => {
    const started = performance.now();
    assignReviewers({ answers, optedIn: [], k: 3, previousPairs, seed: `prompt:${day}` });
    return performance.now() - started;
  });
  return figure(`Reviewer draw alone, ${answerCount.toLocaleString("en-US")} answers, 3 reviewers each`, times.slice(1), "ms", { maxValue: 50, everyRun: true }, "after one draw to warm up");
}

const figures: Figure[] = [drawFigure(Math.max(...SIZES))];
for (const members of SIZES) {
  figures.push(...(await measure("PGlite", members, openEmbeddedOnDisk)));
  if (process.env.BENCH_DATABASE_URL) figures.push(...(await measure("PostgreSQL", members, (options) => openIsolatedPostgres(process.env.BENCH_DATABASE_URL!, options))));
}
writeFigures("reviews", figures);
process.exit(0);
