import { setTimeout as sleep } from "node:timers/promises";
import { tally, type Row } from "../report.ts";
import { inWorld, until } from "../world.ts";
import { local, MONDAY, TRACK, WEEKDAYS } from "./common.ts";
import { answerText, ephemeralsTo, postMondayQuestion, settle, slackRef, threadReply } from "./slack-loop.ts";

const MEMBERS = 60;
const CHANNEL = "CCUT0001";
/** How long PostgreSQL is unreachable: the fault itself, not a wait for a result. */
const CUT_MS = 15_000;
const SEND_EVERY_MS = 400;
/** Slack redelivers an event that got no 2xx (three tries in all); compressed here from minutes to seconds. */
const SLACK_TRIES = 3;
const RETRY_AFTER_MS = 1_000;
/** What a member must be told when their answer could not be stored. */
const NOT_RECORDED = /not (been )?recorded|not saved|couldn't|could not|try again|went wrong/i;

/**
 * 7. Answers keep arriving, one member at a time, while the database is cut for 15 s
 * (a TCP proxy between the bots and PostgreSQL resets every connection and refuses new
 * ones). Every answer Slack got a 2xx for must end up recorded, or its member must be
 * told privately that it was not; no replica may crash.
 */
export function databaseCut(): Promise<Row> {
  return inWorld("s7", { start: local(MONDAY, "08:58"), proxy: true }, async (world) => {
    const members = world.addSlackUsers("CUT", MEMBERS);
    await world.addSlackCohort(CHANNEL, { trackId: TRACK, postTime: "09:00", timeZone: "America/New_York", weekdays: [...WEEKDAYS] }, members);
    await world.startReplicas(3);
    const { threadTs, promptId } = await postMondayQuestion(world, CHANNEL);
    await world.setClock(local(MONDAY, "10:00"));

    const accepted = new Set<string>();
    const deliveries: Promise<void>[] = [];
    const deliver = async (user: string, i: number) => {
      const payload = threadReply(CHANNEL, threadTs, user, answerText(i));
      for (let attempt = 0; attempt < SLACK_TRIES; attempt++) {
        const status = await world.deliverSlack("event", payload, attempt === 0 ? {} : { retryNum: attempt });
        if (status >= 200 && status < 300) {
          accepted.add(user);
          return;
        }
        await sleep(RETRY_AFTER_MS);
      }
    };
    let degradedSeen = false;
    const third = MEMBERS / 4;
    for (const [i, user] of members.entries()) {
      if (i === third) {
        world.proxy!.cutAll();
        setTimeout(() => world.proxy!.restore(), CUT_MS);
        void fetch(`${world.live()[0]!.url}/healthz`, { signal: AbortSignal.timeout(10_000) })
          .then((r) => r.json() as Promise<{ status?: string }>)
          .then((body) => (degradedSeen = body.status === "degraded"))
          .catch(() => {});
      }
      deliveries.push(deliver(user, i));
      await sleep(SEND_EVERY_MS);
    }
    await Promise.all(deliveries);

    const recorded = async () =>
      new Set((await world.query<{ user_ref: string }>(`select user_ref from answers where prompt_id = $1`, [promptId])).map((r) => r.user_ref));
    const told = (user: string) => ephemeralsTo(world, CHANNEL, user).some((c) => NOT_RECORDED.test(String(c.args["text"] ?? "")));
    // The bots may retry for a while before giving up and telling the member: wait for every accepted answer to settle one way.
    await until(
      "every accepted answer recorded or its member told",
      async () => {
        const stored = await recorded();
        return [...accepted].every((u) => stored.has(slackRef(world, u)) || told(u)) ? true : undefined;
      },
      150_000,
    ).catch(() => undefined);
    await settle(world);

    const stored = await recorded();
    const lost = [...accepted].filter((u) => !stored.has(slackRef(world, u)) && !told(u));
    const toldCount = [...accepted].filter((u) => !stored.has(slackRef(world, u)) && told(u)).length;
    const points = await world.query<{ user_ref: string; n: number }>(
      `select user_ref, sum(sign(points))::int as n from points_ledger where kind = 'answer' group by user_ref`,
    );
    const pointTally = tally([...stored], points.flatMap((p) => Array<string>(Math.max(0, p.n)).fill(p.user_ref)));
    const healthy = await Promise.all(world.live().map((r) => fetch(`${r.url}/healthz`).then((res) => res.status === 200, () => false)));
    return {
      scenario: "7. Database cut for 15 s under answer load",
      expected: `${MEMBERS} answers: each accepted one recorded or its member told; no crash`,
      seen: `${accepted.size} accepted, ${stored.size} recorded, ${toldCount} told not recorded, ${MEMBERS - accepted.size} refused (Slack retries); /healthz ${degradedSeen ? "degraded" : "not degraded"} during the cut, ${healthy.filter(Boolean).length}/${healthy.length} healthy after`,
      duplicates: pointTally.duplicates,
      losses: lost.length,
      crashes: world.crashes().length,
    };
  });
}
