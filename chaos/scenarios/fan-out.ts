import { tally, type Row } from "../report.ts";
import { until, World } from "../world.ts";
import { allPostsDone, local, MONDAY, slackPosts, TRACK, WEEKDAYS } from "./common.ts";

const COHORTS = 100;

async function cohortsDueAtNine(world: World): Promise<string[]> {
  const channels = Array.from({ length: COHORTS }, (_, i) => `CFAN${String(i).padStart(4, "0")}`);
  for (const channel of channels) {
    await world.addSlackCohort(channel, { trackId: TRACK, postTime: "09:00", timeZone: "America/New_York", weekdays: [...WEEKDAYS] }, []);
  }
  return channels;
}

function postRow(world: World, scenario: string, channels: readonly string[], extra = ""): Row {
  const counts = tally(
    channels,
    channels.flatMap((c) => slackPosts(world, c).map(() => c)),
  );
  return {
    scenario,
    expected: `${channels.length} posts, one per cohort`,
    seen: `${counts.seen} cohorts posted${extra}`,
    duplicates: counts.duplicates,
    losses: counts.losses,
    crashes: world.crashes().length,
  };
}

/** 1. Three replicas, 100 cohorts due at the same minute: one post each. */
export async function threeReplicasFanOut(): Promise<Row> {
  const world = await World.create("s1", { start: local(MONDAY, "08:58") });
  try {
    const channels = await cohortsDueAtNine(world);
    await world.startReplicas(3);
    const started = Date.now();
    await world.setClock(local(MONDAY, "09:00"));
    await until("every post step done", () => allPostsDone(world, COHORTS));
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const byReplica = world.replicas.map((r) => world.slack.calls.filter((c) => c.method === "chat.postMessage" && c.status === 200 && c.token === `xoxb-${r.name}`).length);
    return postRow(world, "1. 3 replicas, 100 cohorts due at 09:00", channels, ` in ${seconds} s (per replica ${byReplica.join("/")})`);
  } finally {
    await world.close();
  }
}

/** 2a. SIGKILL of one of three replicas mid fan-out. */
export async function killOneReplicaMidFanOut(): Promise<Row> {
  const world = await World.create("s2a", { start: local(MONDAY, "08:58") });
  try {
    const channels = await cohortsDueAtNine(world);
    const [victim] = await world.startReplicas(3);
    const postsBy = (token: string) => world.slack.calls.filter((c) => c.method === "chat.postMessage" && c.token === token).length;
    void world.setClock(local(MONDAY, "09:00")).catch(() => {});
    await until("the victim replica posting", () => (postsBy(`xoxb-${victim!.name}`) >= 5 ? true : undefined));
    await victim!.kill("SIGKILL");
    const atKill = channels.filter((c) => slackPosts(world, c).length > 0).length;
    // Steps the dead replica had claimed are retaken once their two-minute lease is over.
    await world.setClock(local(MONDAY, "09:03"));
    await until("every post step done", () => allPostsDone(world, COHORTS));
    return postRow(world, "2a. SIGKILL 1 of 3 replicas mid fan-out", channels, ` (${atKill} posted before the kill)`);
  } finally {
    await world.close();
  }
}

/** 2b. SIGKILL of the only replica mid fan-out, then a restart. */
export async function killOnlyReplicaAndRestart(): Promise<Row> {
  const world = await World.create("s2b", { start: local(MONDAY, "08:58") });
  try {
    const channels = await cohortsDueAtNine(world);
    const [only] = await world.startReplicas(1);
    void world.setClock(local(MONDAY, "09:00")).catch(() => {});
    await until("a quarter of the posts", () => (channels.filter((c) => slackPosts(world, c).length > 0).length >= COHORTS / 4 ? true : undefined));
    await only!.kill("SIGKILL");
    const atKill = channels.filter((c) => slackPosts(world, c).length > 0).length;
    await world.startReplicas(1);
    await world.setClock(local(MONDAY, "09:03"));
    await until("every post step done", () => allPostsDone(world, COHORTS));
    return postRow(world, "2b. SIGKILL the only replica mid fan-out, restart", channels, ` (${atKill} posted before the kill)`);
  } finally {
    await world.close();
  }
}

/** 6. A 429 with Retry-After on every third Web API call during the fan-out: all posted once. */
export async function rateLimitedFanOut(): Promise<Row> {
  const world = await World.create("s6", { start: local(MONDAY, "08:58") });
  try {
    const channels = await cohortsDueAtNine(world);
    await world.startReplicas(3);
    for (const method of ["chat.postMessage", "conversations.history"]) world.slack.failEvery(method, 3, { status: 429, retryAfter: 1 });
    await world.setClock(local(MONDAY, "09:00"));
    await until("every post step done", () => allPostsDone(world, COHORTS), 300_000);
    const limited = world.slack.calls.filter((c) => c.status === 429).length;
    return postRow(world, "6. 429 + Retry-After on 1 in 3 calls during fan-out", channels, ` after ${limited} answers of 429`);
  } finally {
    await world.close();
  }
}
