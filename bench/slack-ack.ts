/**
 * Ack latency over loopback for rubric clicks: signed block_actions posted to our Slack
 * adapter (HTTP mode, PGlite, fake Slack Web API) against a do-nothing Bolt app in the
 * same process and run. Issue 5 asks our p99 to stay within 3x of the baseline.
 * Writes bench/results/slack-ack.md.
 *   npx tsx bench/slack-ack.ts [requestsPerApp]
 */
import { writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { App, HTTPReceiver, LogLevel } from "@slack/bolt";
import { Coach } from "../src/core/coach.ts";
import { openDatabase } from "../src/db/client.ts";
import { createRepositories } from "../src/db/repositories/index.ts";
import { startHttpServer } from "../src/http/server.ts";
import { createLogger } from "../src/logger.ts";
import { MessengerRouter } from "../src/platforms.ts";
import { loadQuestionBank } from "../src/questions/loader.ts";
import { createSlackAdapter } from "../src/slack/index.ts";
import { blockActionsPayload, boltRequest, startFakeSlack } from "../tests/fakes/slack/index.ts";

const REQUESTS = Math.min(Math.max(Number(process.argv[2]) || 300, 50), 2_000);
const WARMUP = 30;
const SECRET = "bench-signing-secret";
const root = path.resolve(import.meta.dirname, "..");
const log = createLogger("silent");

const fake = await startFakeSlack();
const users = ["U0ADMIN", "U0B1", "U0B2", "U0B3", "U0B4"];
fake.users.addUser({ id: "U0ADMIN", name: "ada", isAdmin: true });
for (const id of users.slice(1)) fake.users.addUser({ id, name: id.toLowerCase() });
fake.channels.addChannel({ id: "C0BENCH", name: "bench", members: [fake.botUserId, ...users] });

// Our app: a cohort with a posted question, four answers and open reviews.
const database = await openDatabase({ kind: "pglite", dataDir: undefined });
await database.migrate();
const repos = createRepositories(database.db);
// The engine runs on the real clock here; a Thursday 10:00 in New York keeps the answer window open.
const clock = { now: () => new Date("2026-10-29T14:00:00Z") };
await repos.questions.sync(loadQuestionBank(path.join(root, "questions")), clock.now());
const router = new MessengerRouter();
const coach = new Coach({ repos, messenger: router, clock, log }, { timeZone: "America/New_York", postTime: "09:00" });
const adapter = createSlackAdapter({ config: { botToken: "xoxb-bench", mode: { kind: "http", signingSecret: SECRET }, apiUrl: fake.url }, coach, log, retryConfig: { retries: 0 }, channelPaceMs: 0 });
router.register(adapter.platform, adapter.messenger);
const server = await startHttpServer({ port: 0, routes: adapter.routes, log });
const ours = `http://127.0.0.1:${server.port}/slack/events`;
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
const clicks = assignments.map((a) => {
  const reviewer = a.reviewerRef.split(":").at(-1)!;
  const post = dmPosts.find((c) => (c.args["metadata"] as { event_payload: { key: string } }).event_payload.key === `review:${a.id}:request`)!;
  return { assignmentId: a.id, reviewer, channel: String(post.response["channel"]), ts: String(post.response["ts"]) };
});

function rubricClick(i: number) {
  const target = clicks[i % clicks.length]!;
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
}

// Baseline: a Bolt app whose listener only acks, mounted the same way on node:http.
const receiver = new HTTPReceiver({ signingSecret: SECRET, logLevel: LogLevel.ERROR });
const bare = new App({ token: "xoxb-bench", receiver, logLevel: LogLevel.ERROR, clientOptions: { slackApiUrl: fake.url, retryConfig: { retries: 0 } } });
bare.action(/.*/, async ({ ack }) => {
  await ack();
});
const bareServer = createServer((req, res) => receiver.requestListener(req, res));
await new Promise<void>((resolve) => bareServer.listen(0, "127.0.0.1", resolve));
const baseline = `http://127.0.0.1:${(bareServer.address() as AddressInfo).port}/slack/events`;

/** Resolves once the fake has seen `count` chat.update calls: the click's work after its ack is done. */
async function updatesReach(count: number): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (fake.callsTo("chat.update").length < count) {
    if (Date.now() > deadline) throw new Error("a click's chat.update never arrived");
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/**
 * The clicks come from a worker thread: it stands in for Slack, which would never share
 * our event loop, so a response counts as soon as its bytes leave our server even while
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

/**
 * paced: the next click waits until the previous one's background work finished (as when
 * people click); back-to-back: the next click arrives while PGlite is still busy with the
 * previous one.
 */
async function measure(url: string, count: number, offset: number, paced: boolean): Promise<number[]> {
  const requests = Array.from({ length: count }, (_, i) => boltRequest(SECRET, "action", rubricClick(offset + i)));
  let updates = fake.callsTo("chat.update").length;
  const done = new Promise<number[]>((resolve) => {
    const onMessage = (message: { type: "sent" } | { type: "done"; times: number[] }) => {
      if (message.type === "done") {
        client.off("message", onMessage);
        resolve(message.times);
        return;
      }
      const next = url === ours ? updatesReach(++updates) : Promise.resolve();
      void next.then(() => client.postMessage({ type: "go" }));
    };
    client.on("message", onMessage);
  });
  client.postMessage({ type: "run", url, paced, requests });
  return done;
}

await measure(baseline, WARMUP, 0, true);
await measure(ours, WARMUP, 0, true);
// Interleaved batches so both apps see the same machine conditions.
const baseTimes: number[] = [];
const oursPaced: number[] = [];
const oursBurst: number[] = [];
const batch = 25;
for (let done = 0; done < REQUESTS; done += batch) {
  const n = Math.min(batch, REQUESTS - done);
  baseTimes.push(...(await measure(baseline, n, done, true)));
  oursPaced.push(...(await measure(ours, n, done, true)));
}
for (let done = 0; done < REQUESTS; done += batch) {
  const n = Math.min(batch, REQUESTS - done);
  const before = fake.callsTo("chat.update").length;
  oursBurst.push(...(await measure(ours, n, done, false)));
  await updatesReach(before + n); // drain the backlog between batches
}
await adapter.stop();
const updates = fake.callsTo("chat.update").length;

const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};
const row = (name: string, t: number[]) => `| ${name} | ${t.length} | ${pct(t, 50).toFixed(2)} | ${pct(t, 95).toFixed(2)} | ${pct(t, 99).toFixed(2)} | ${Math.max(...t).toFixed(2)} |`;
const ratio = pct(oursPaced, 99) / pct(baseTimes, 99);
const burstRatio = pct(oursBurst, 99) / pct(baseTimes, 99);
const table = [
  `# Slack ack latency: rubric clicks vs a do-nothing Bolt app`,
  ``,
  `Loopback, signed \`block_actions\` posted one at a time from a worker thread (its own event loop, as Slack's would be), ${WARMUP} warm-up requests each, interleaved batches of ${batch}. Node ${process.version}, PGlite, fake Slack Web API. Run: ${new Date().toISOString()}.`,
  ``,
  `| app | requests | p50 ms | p95 ms | p99 ms | max ms |`,
  `| --- | ---: | ---: | ---: | ---: | ---: |`,
  row("do-nothing Bolt app", baseTimes),
  row("Cohort Coach rubric click, paced", oursPaced),
  row("Cohort Coach rubric click, back-to-back", oursBurst),
  ``,
  `p99 ratio, paced: ${ratio.toFixed(2)}x; back-to-back: ${burstRatio.toFixed(2)}x (acceptance: within 3x). Paced waits for each click's chat.update before the next click; back-to-back sends the next click at once, so it queues behind the previous click's PGlite work, which runs on the same event loop. ${updates} chat.update calls reached the fake.`,
  ``,
].join("\n");
writeFileSync(path.join(root, "bench/results/slack-ack.md"), table);
console.log(table);

await client.terminate();
await new Promise((resolve) => bareServer.close(resolve));
await server.close();
await database.close();
await fake.close();
