import type { Replica } from "../replica.ts";
import { tally, type Row } from "../report.ts";
import type { SlackRateLimits } from "../../tests/fakes/slack/fake-slack.ts";
import { inWorld, until, type World } from "../world.ts";
import { allPostsDone, local, MONDAY, slackPosts, TRACK, WEEKDAYS } from "./common.ts";

const COHORTS = 100;

interface FanOut {
  readonly world: World;
  readonly channels: readonly string[];
  readonly replicas: readonly Replica[];
  /** How many cohorts have their post so far. */
  posted(): number;
}

/**
 * 100 Slack cohorts due at 09:00 Monday in New York, `replicas` bots started at 08:58;
 * `during` runs while the fan-out is under way (from the clock reaching 09:00), then the
 * row is taken once every post step is done, so no late duplicate can follow.
 */
function fanOut(
  name: string,
  scenario: string,
  replicas: number,
  during: (run: FanOut) => Promise<string>,
  timeoutMs?: number,
  slackRateLimits?: SlackRateLimits,
): Promise<Row> {
  return inWorld(name, { start: local(MONDAY, "08:58"), slackRateLimits }, async (world) => {
    const channels = Array.from({ length: COHORTS }, (_, i) => `CFAN${String(i).padStart(4, "0")}`);
    for (const channel of channels) {
      await world.addSlackCohort(channel, { trackId: TRACK, postTime: "09:00", timeZone: "America/New_York", weekdays: [...WEEKDAYS] }, []);
    }
    const started = await world.startReplicas(replicas);
    const posted = () => channels.filter((c) => slackPosts(world, c).length > 0).length;
    const t0 = Date.now();
    const detail = await during({ world, channels, replicas: started, posted });
    await until("every post step done", () => allPostsDone(world, COHORTS), timeoutMs);
    const counts = tally(channels, channels.flatMap((c) => slackPosts(world, c).map(() => c)));
    return {
      scenario,
      expected: `${COHORTS} posts, one per cohort`,
      seen: `${counts.seen} cohorts posted in ${((Date.now() - t0) / 1000).toFixed(0)} s${detail}`,
      duplicates: counts.duplicates,
      losses: counts.losses,
      crashes: world.crashes().length,
    };
  });
}

const okPostsBy = (world: World, replica: Replica) =>
  world.slack.calls.filter((c) => c.method === "chat.postMessage" && c.status === 200 && c.token === `xoxb-${replica.name}`).length;

/** 1. Three replicas, 100 cohorts due at the same minute: one post each. */
export const threeReplicasFanOut = () =>
  fanOut("s1", "1. 3 replicas, 100 cohorts due at 09:00", 3, async ({ world, replicas }) => {
    await world.setClock(local(MONDAY, "09:00"));
    await until("every post step done", () => allPostsDone(world, COHORTS));
    return ` (per replica ${replicas.map((r) => okPostsBy(world, r)).join("/")})`;
  });

/**
 * 2a. SIGKILL of one of three replicas mid fan-out. The first replica to tick claims the
 * whole minute in bulk, so the victim is whichever replica is seen posting; Slack's
 * workspace limit (10 posts a second here) keeps the fan-out going long enough to cut it.
 */
export const killOneReplicaMidFanOut = () =>
  fanOut(
    "s2a",
    "2a. SIGKILL 1 of 3 replicas mid fan-out",
    3,
    async ({ world, replicas, posted }) => {
      // The tick that the kill interrupts never reports; the survivors' ticks are awaited below.
      void world.setClock(local(MONDAY, "09:00")).catch(() => undefined);
      const victim = await until("a replica posting", () => replicas.find((r) => okPostsBy(world, r) >= 5));
      await victim.kill("SIGKILL");
      const atKill = posted();
      // Steps the dead replica had claimed are retaken once their two-minute lease is over.
      await world.setClock(local(MONDAY, "09:03"));
      return ` (${atKill} before the kill)`;
    },
    undefined,
    { postsPerWorkspacePerSecond: 10 },
  );

/** 2b. SIGKILL of the only replica mid fan-out, then a restart. */
export const killOnlyReplicaAndRestart = () =>
  fanOut("s2b", "2b. SIGKILL the only replica mid fan-out, restart", 1, async ({ world, replicas, posted }) => {
    void world.setClock(local(MONDAY, "09:00")).catch(() => undefined);
    await until("a quarter of the posts", () => (posted() >= COHORTS / 4 ? true : undefined));
    await replicas[0]!.kill("SIGKILL");
    const atKill = posted();
    await world.startReplicas(1);
    await world.setClock(local(MONDAY, "09:03"));
    return ` (${atKill} before the kill)`;
  });

/** 6. A 429 with Retry-After on every third Web API call during the fan-out: all posted once. */
export const rateLimitedFanOut = () =>
  fanOut(
    "s6",
    "6. 429 + Retry-After on 1 in 3 calls during fan-out",
    3,
    async ({ world }) => {
      for (const method of ["chat.postMessage", "conversations.history"]) world.slack.failEvery(method, 3, { status: 429, retryAfter: 1 });
      await world.setClock(local(MONDAY, "09:00"));
      await until("every post step done", () => allPostsDone(world, COHORTS), 300_000);
      return ` after ${world.slack.calls.filter((c) => c.status === 429).length} answers of 429`;
    },
    300_000,
  );
