/**
 * Ack latency over loopback for rubric clicks (signed block_actions) and `/drill` (a signed
 * slash command, answered through its response_url) posted to our Slack adapter (HTTP
 * mode, fake Slack Web API) against a do-nothing Bolt app in the same process and run.
 * Issue 5 asks our p99 to stay within 3x of the baseline.
 * Runs on PGlite, and also on a real server when BENCH_DATABASE_URL is set, each database
 * in a process of its own, RUNS times, alternating (see the end of the file); each figure is
 * the median of the runs' p99s against the median of the do-nothing app's.
 * Writes bench/results/slack-ack.md and slack-ack.json.
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tsx bench/slack-ack.ts [requestsPerApp]
 *   (ACK_ONLY=rubric-click or ACK_ONLY=/drill measures that one alone)
 */
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { App, HTTPReceiver, LogLevel } from "@slack/bolt";
import { Coach } from "../src/core/coach.ts";
import type { Database } from "../src/db/client.ts";
import { openEmbeddedOnDisk } from "./embedded.ts";
import { createRepositories } from "../src/db/repositories/index.ts";
import { startHttpServer } from "../src/http/server.ts";
import { createLogger } from "../src/logger.ts";
import { MessengerRouter } from "../src/platforms.ts";
import { loadQuestionBank } from "../src/questions/loader.ts";
import { createSlackAdapter } from "../src/slack/index.ts";
import { blockActionsPayload, boltRequest, slashCommandPayload, startFakeSlack, type FakeSlack } from "../tests/fakes/slack/index.ts";
import { openIsolatedPostgres } from "../tests/support/databases.ts";
import { figure, median, writeFigures, type Figure } from "./figures.ts";

const REQUESTS = Math.min(Math.max(Number(process.argv[2]) || 300, 50), 2_000);
/** A p99 of 300 clicks is their third slowest: one run's ratio moved by a third between runs of the same code. */
const RUNS = 3;
const WARMUP = 30;
const BATCH = 25;
const SECRET = "bench-signing-secret";
const root = path.resolve(import.meta.dirname, "..");
const log = createLogger("silent");
const bank = loadQuestionBank(path.join(root, "questions"));
const users = ["U0ADMIN", "U0B1", "U0B2", "U0B3", "U0B4"];

/**
 * The clicks come from a worker thread: it stands in for Slack, which never shares our
 * event loop, so a response counts as soon as its bytes leave our server, even while
 * PGlite (which runs inside this process) is still busy with the click's work.
 */
const CLIENT = `
const { parentPort } = require("node:worker_threads");
const go = () => new Promise((resolve) => parentPort.once("message", resolve));
parentPort.on("message", async function run(job) {
  if (job.type !== "run") return;
  parentPort.off("message", run);
  const times = [];
  for (const request of job.requests) {
    const started = performance.now();
    const response = await fetch(job.url, { method: "POST", headers: request.headers, body: request.body });
    times.push(performance.now() - started);
    await response.text();
    if (response.status !== 200) throw new Error(job.url + " answered " + response.status);
    if (job.paced) {
      parentPort.postMessage({ type: "sent" });
      await go();
    }
  }
  parentPort.postMessage({ type: "done", times });
  parentPort.on("message", run);
});
`;
const client = new Worker(CLIENT, { eval: true });
client.on("error", (error) => {
  console.error(error);
  process.exit(1);
});

// Baseline: a Bolt app whose listener only acks, mounted the same way on node:http.
async function startBareBolt(fake: FakeSlack) {
  const receiver = new HTTPReceiver({ signingSecret: SECRET, logLevel: LogLevel.ERROR });
  const bare = new App({ token: "xoxb-bench", receiver, logLevel: LogLevel.ERROR, clientOptions: { slackApiUrl: fake.url, retryConfig: { retries: 0 } } });
  bare.action(/.*/, async ({ ack }) => {
    await ack();
  });
  bare.command(/.*/, async ({ ack }) => {
    await ack();
  });
  const server = createServer((req, res) => receiver.requestListener(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** Our app on `database`: a cohort with a posted question, four answers and open reviews. */
async function startCohortCoach(fake: FakeSlack, database: Database) {
  const repos = createRepositories(database.db);
  // A Thursday 10:00 in New York keeps the answer window open whatever day the bench runs.
  const clock = { now: () => new Date("2026-10-29T14:00:00Z") };
  await repos.questions.sync(bank, clock.now());
  const router = new MessengerRouter();
  const coach = new Coach({ repos, messenger: router, clock, log }, { timeZone: "America/New_York", postTime: "09:00" });
  const adapter = createSlackAdapter({ config: { botToken: "xoxb-bench", mode: { kind: "http", signingSecret: SECRET }, apiUrl: fake.url }, coach, log, retryConfig: { retries: 0 }, channelPaceMs: 0 });
  router.register(adapter.platform, adapter.messenger);
  // Connected first, as a running bot is: until its token check passes the events route answers 503.
  await adapter.start();
  const server = await startHttpServer({ port: 0, routes: adapter.routes, log });

  const address = { platform: "slack" as const, workspaceId: fake.teamId, channelId: "C0BENCH" };
  const actor = (id: string) => ({ userRef: `slack:${fake.teamId}:${id}`, displayName: id, isPlatformAdmin: id === "U0ADMIN" });
  await coach.setup(address, actor("U0ADMIN"), coach.parseSchedule(["humana/ai-pm"]));
  await coach.postNow(address, actor("U0ADMIN"));
  const [prompt] = await repos.prompts.forCohort((await coach.cohort(address))!.id);
  for (const id of users.slice(1)) {
    await coach.answer({ prompt: prompt!.id, actor: actor(id), text: `Baseline 20%, target 15% in 90 days, roll back on complaints (${id}).`, sourceRef: null });
  }
  await coach.openReviews(address, actor("U0ADMIN"));
  const assignments = await repos.reviews.forPrompt(prompt!.id);
  const question = (await repos.questions.get(prompt!.questionId))!;
  const dmPosts = fake.callsTo("chat.postMessage").filter((c) => String(c.args["channel"]).startsWith("U"));
  const targets = assignments.map((a) => {
    const post = dmPosts.find((c) => (c.args["metadata"] as { event_payload: { key: string } }).event_payload.key === `review:${a.id}:request`)!;
    return { assignmentId: a.id, reviewer: a.reviewerRef.split(":").at(-1)!, channel: String(post.response["channel"]), ts: String(post.response["ts"]) };
  });

  const click = (i: number) => {
    const target = targets[i % targets.length]!;
    const criterion = question.rubric.criteria[i % question.rubric.criteria.length]!;
    const score = (i % 5) + 1;
    return blockActionsPayload({
      actionId: `review_score:${criterion.id}:${score}`,
      value: `${target.assignmentId}:${criterion.id}:${score}`,
      userId: target.reviewer,
      channelId: target.channel,
      message: { type: "message", ts: target.ts, text: "", bot_id: fake.botId },
      responseUrl: fake.responseUrl(),
    });
  };
  // A member asking for a practice question in the cohort's channel: its work (the member's
  // weakest criterion, a question, the reply through response_url) follows the ack.
  const drill = (i: number) =>
    slashCommandPayload({ team_id: fake.teamId, channel_id: address.channelId, user_id: users[1 + (i % (users.length - 1))]!, command: "/drill", text: "", response_url: fake.responseUrl() });
  return {
    url: `http://127.0.0.1:${server.port}/slack/events`,
    click,
    drill,
    async close() {
      await adapter.stop();
      await server.close();
    },
  };
}

/** Resolves once `done()` reaches `count`: the requests' work after their acks is over. */
async function reaches(done: () => number, count: number, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (done() < count) {
    if (Date.now() > deadline) throw new Error(`${what} never arrived`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/**
 * Sends `payloads` from the client thread and returns each one's ack time. `waitAfterEach`
 * (when given) runs between clicks: paced clicks wait for the previous click's work, as
 * when people click; without it, clicks go back to back and queue behind each other.
 */
async function send(url: string, kind: "action" | "command", payloads: Record<string, unknown>[], waitAfterEach?: () => Promise<void>): Promise<number[]> {
  const requests = payloads.map((payload) => boltRequest(SECRET, kind, payload));
  const done = new Promise<number[]>((resolve) => {
    const onMessage = (message: { type: "sent" } | { type: "done"; times: number[] }) => {
      if (message.type === "done") {
        client.off("message", onMessage);
        resolve(message.times);
        return;
      }
      void (waitAfterEach?.() ?? Promise.resolve()).then(() => client.postMessage({ type: "go" }));
    };
    client.on("message", onMessage);
  });
  client.postMessage({ type: "run", url, paced: waitAfterEach !== undefined, requests });
  return done;
}

const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};
const row = (name: string, t: number[]) => `| ${name} | ${t.length} | ${pct(t, 50).toFixed(2)} | ${pct(t, 95).toFixed(2)} | ${pct(t, 99).toFixed(2)} | ${Math.max(...t).toFixed(2)} |`;

type Pacing = "paced" | "back-to-back";
/** What is sent: a rubric click, or /drill. */
const ALL_REQUESTS = ["rubric-click", "/drill"] as const;
type Request = (typeof ALL_REQUESTS)[number];
const onlyRequest = process.env.ACK_ONLY;
if (onlyRequest && !(ALL_REQUESTS as readonly string[]).includes(onlyRequest)) throw new Error(`ACK_ONLY must be one of: ${ALL_REQUESTS.join(", ")}`);
const REQUEST_KINDS: readonly Request[] = ALL_REQUESTS.filter((request) => !onlyRequest || request === onlyRequest);
/** One run's p99s, ours and the do-nothing app's, per request and pacing. */
type P99s = Record<Request, Record<Pacing, { ours: number; reference: number }>>;

async function benchOn(label: string, database: Database): Promise<{ rows: string[]; p99s: P99s }> {
  const fake = await startFakeSlack();
  fake.users.addUser({ id: "U0ADMIN", name: "ada", isAdmin: true });
  for (const id of users.slice(1)) fake.users.addUser({ id, name: id.toLowerCase() });
  fake.channels.addChannel({ id: "C0BENCH", name: "bench", members: [fake.botUserId, ...users] });
  const bare = await startBareBolt(fake);
  const ours = await startCohortCoach(fake, database);
  const requests = {
    // A click's work ends with its review card's chat.update; a /drill's with its reply to the response_url.
    "rubric-click": { kind: "action", payload: ours.click, done: () => fake.callsTo("chat.update").length, what: "a click's chat.update" },
    "/drill": { kind: "command", payload: ours.drill, done: () => fake.responses.length, what: "a /drill reply" },
  } as const;

  const rows: string[] = [];
  const p99s = {} as P99s;
  for (const request of REQUEST_KINDS) {
    const { kind, payload, done, what } = requests[request];
    const batch = (from: number, n: number) => Array.from({ length: n }, (_, i) => payload(from + i));
    const pacedRequests = (from: number, n: number) => {
      let expected = done();
      return send(ours.url, kind, batch(from, n), () => reaches(done, ++expected, what));
    };
    const bareRequests = (from: number, n: number) => send(bare.url, kind, batch(from, n), async () => {});

    await bareRequests(0, WARMUP);
    await pacedRequests(0, WARMUP);
    // Interleaved batches so both apps see the same machine conditions.
    const baseline: number[] = [];
    const paced: number[] = [];
    const burst: number[] = [];
    for (let sent = 0; sent < REQUESTS; sent += BATCH) {
      const n = Math.min(BATCH, REQUESTS - sent);
      baseline.push(...(await bareRequests(sent, n)));
      paced.push(...(await pacedRequests(sent, n)));
    }
    // The back-to-back batches get a reference of their own, taken between them: a reference
    // taken minutes earlier, in the paced phase, left this row's ratio at the mercy of whatever
    // else the machine was doing in the meantime (1.8x to 5.9x across runs on the same code).
    const burstBaseline: number[] = [];
    for (let sent = 0; sent < REQUESTS; sent += BATCH) {
      const n = Math.min(BATCH, REQUESTS - sent);
      burstBaseline.push(...(await bareRequests(sent, n)));
      const before = done();
      burst.push(...(await send(ours.url, kind, batch(sent, n))));
      await reaches(done, before + n, what); // drain the backlog between batches
    }
    const ratio = (t: number[], reference: number[]) => `${(pct(t, 99) / pct(reference, 99)).toFixed(2)}x`;
    rows.push(
      row(`${label}: do-nothing Bolt app, ${request}, between the paced batches`, baseline),
      row(`${label}: Cohort Coach ${request}, paced (p99 ${ratio(paced, baseline)} of baseline)`, paced),
      row(`${label}: do-nothing Bolt app, ${request}, between the back-to-back batches`, burstBaseline),
      row(`${label}: Cohort Coach ${request}, back-to-back (p99 ${ratio(burst, burstBaseline)} of baseline)`, burst),
    );
    p99s[request] = {
      paced: { ours: pct(paced, 99), reference: pct(baseline, 99) },
      "back-to-back": { ours: pct(burst, 99), reference: pct(burstBaseline, 99) },
    };
  }
  await ours.close();
  await bare.close();
  await fake.close();
  return { rows, p99s };
}

/**
 * Each database is measured in a process of its own, as the bot runs on one or the other.
 * In one process, the PostgreSQL clicks carried the heap the PGlite run had left behind:
 * their back-to-back p99 ratio ranged 1.8-3.9x over five runs, against 2.0-2.6x alone.
 */
type Label = "PGlite" | "PostgreSQL";
const only = process.env.SLACK_ACK_DATABASE as Label | undefined;
const rows: string[] = [];
if (only) {
  const database = only === "PGlite" ? await openEmbeddedOnDisk() : await openIsolatedPostgres(process.env.BENCH_DATABASE_URL!);
  const result = await benchOn(only, database);
  await database.close();
  await client.terminate();
  writeFileSync(process.env.SLACK_ACK_OUT!, JSON.stringify(result));
  process.exit(0);
}
await client.terminate();
const labels: Label[] = process.env.BENCH_DATABASE_URL ? ["PGlite", "PostgreSQL"] : ["PGlite"];
const runs = new Map<Label, P99s[]>(labels.map((label) => [label, []]));
for (let run = 1; run <= RUNS; run++) {
  for (const label of labels) {
    const out = path.join(tmpdir(), `slack-ack-${process.pid}-${label}.json`);
    const child = spawnSync(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), String(REQUESTS)], {
      stdio: "inherit",
      env: { ...process.env, SLACK_ACK_DATABASE: label, SLACK_ACK_OUT: out },
    });
    if (child.status !== 0) throw new Error(`the ${label} run exited ${child.status ?? child.signal}`);
    const result = JSON.parse(readFileSync(out, "utf8")) as { rows: string[]; p99s: P99s };
    rmSync(out);
    rows.push(...result.rows.map((r) => r.replace(`| ${label}: `, `| ${label}, run ${run}: `)));
    runs.get(label)!.push(result.p99s);
  }
}
const figures: Figure[] = REQUEST_KINDS.flatMap((request) =>
  labels.flatMap((label) =>
    (["paced", "back-to-back"] as const).map((pacing) => {
      const measured = runs.get(label)!.map((p) => p[request][pacing]);
      const reference = median(measured.map((m) => m.reference));
      const perRun = measured.map((m) => `${(m.ours / m.reference).toFixed(2)}x`).join(", ");
      return figure(
        `Slack ${request} ack p99, ${pacing}, ${label}`,
        measured.map((m) => m.ours),
        "ms",
        // Issue 5's 3x is for rubric clicks; /drill is reported against the same reference.
        request === "rubric-click" ? { reference, maxRatio: 3 } : { reference },
        `median of ${RUNS} runs against the do-nothing Bolt app's median p99 (${reference.toFixed(2)} ms), measured in batches between ours; ${REQUESTS} requests a run; each run's own ratio: ${perRun}`,
      );
    }),
  ),
);

const table = [
  `# Slack ack latency: rubric clicks and /drill vs a do-nothing Bolt app`,
  ``,
  `${RUNS} runs per database, alternating. Loopback, signed \`block_actions\` and \`/drill\` commands sent one at a time from a worker thread (its own event loop, as Slack's would be), ${WARMUP} warm-up requests per app, interleaved batches of ${BATCH}. Node ${process.version}, fake Slack Web API. Run: ${new Date().toISOString()}.`,
  ``,
  `| app | requests | p50 ms | p95 ms | p99 ms | max ms |`,
  `| --- | ---: | ---: | ---: | ---: | ---: |`,
  ...rows,
  ``,
  `Acceptance (issue 5): rubric-click ack p99 within 3x of the do-nothing app; /drill is reported beside it. Paced clicks wait for the previous click's chat.update, and paced /drill commands for the previous one's reply, as people do. Back-to-back clicks are still sent one at a time, each as soon as the previous ack arrives, so they land while earlier clicks' statements and card updates are running; the bot runs that database work one click at a time after the acks (SlackRuntime.afterAck), so an ack waits for at most one click's statements, which on PGlite run on this thread.`,
  ``,
].join("\n");
writeFileSync(path.join(root, "bench/results/slack-ack.md"), table);
writeFigures("slack-ack", figures);
console.log(table);
