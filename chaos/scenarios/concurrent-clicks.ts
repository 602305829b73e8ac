import { type Row } from "../report.ts";
import { inWorld, until } from "../world.ts";
import { local, MONDAY, TRACK, WEEKDAYS } from "./common.ts";
import { answerCount, answerText, criteriaOf, openReviews, postMondayQuestion, scoreClick, settle, storedScore, threadReply } from "./slack-loop.ts";

const MEMBERS = 56;
const REVIEWERS = 50;
const CHANNEL = "CCLK0001";
/** A fast double click: the two clicks of one reviewer are this far apart on Slack's clock. */
const CLICK_GAP_MS = 20;

/**
 * 4. Concurrent clicks across three replicas: 100 clicks on one rubric row at once, and
 * 50 reviewers clicking twice back to back. The stored score must be each reviewer's
 * newest click (by Slack's action_ts), whichever replica stores last.
 */
export function concurrentClicks(): Promise<Row> {
  return inWorld("s4", { start: local(MONDAY, "08:58") }, async (world) => {
    const members = world.addSlackUsers("CLK", MEMBERS);
    await world.addSlackCohort(CHANNEL, { trackId: TRACK, postTime: "09:00", timeZone: "America/New_York", weekdays: [...WEEKDAYS] }, members);
    await world.startReplicas(3);
    const { threadTs, promptId } = await postMondayQuestion(world, CHANNEL);
    await Promise.all(members.map((user, i) => world.deliverSlack("event", threadReply(CHANNEL, threadTs, user, answerText(i)))));
    await until("every answer recorded", async () => ((await answerCount(world, promptId)) >= MEMBERS ? true : undefined));
    const assignments = await openReviews(world, promptId);
    const [criterion] = await criteriaOf(world, promptId);

    // One row, 100 clicks in flight at once, spread over the replicas.
    const row = assignments[0]!;
    // Clicks a human makes are milliseconds apart at least; Slack stamps each with action_ts.
    const clickedAt = (ms: number) => new Date(Date.now() + ms);
    const storm = Array.from({ length: 100 }, (_, i) => ({ score: ((i * 7) % 5) + 1, payload: scoreClick(world, row, criterion!, ((i * 7) % 5) + 1, clickedAt(i * CLICK_GAP_MS)) }));
    await Promise.all(storm.map((click) => world.deliverSlack("action", click.payload)));

    // 50 reviewers, two clicks each, the second sent the moment the first is, to the next replica.
    const firstPerReviewer = new Map<string, (typeof assignments)[number]>();
    for (const a of assignments) if (a.id !== row.id && !firstPerReviewer.has(a.reviewerRef)) firstPerReviewer.set(a.reviewerRef, a);
    const pairs = [...firstPerReviewer.values()].slice(0, REVIEWERS).map((assignment, i) => {
      const earlier = (i % 5) + 1;
      const newer = ((i + 2) % 5) + 1;
      const at = clickedAt(0);
      return {
        assignment,
        newer,
        clicks: [scoreClick(world, assignment, criterion!, earlier, at), scoreClick(world, assignment, criterion!, newer, new Date(at.getTime() + CLICK_GAP_MS))],
      };
    });
    const live = world.live();
    await Promise.all(pairs.flatMap((pair, i) => pair.clicks.map((payload, n) => world.deliverSlack("action", payload, { to: live[(i + n) % live.length]! }))));
    await settle(world);

    const stormStored = await storedScore(world, row.id, criterion!);
    const stormNewest = storm.at(-1)!.score;
    let wrong = 0;
    for (const pair of pairs) if ((await storedScore(world, pair.assignment.id, criterion!)) !== pair.newer) wrong++;
    const stormWrong = stormStored === stormNewest ? 0 : 1;
    return {
      scenario: "4. Concurrent clicks: 100 on one row, 50 reviewers x2 across replicas",
      expected: `row stores the newest of 100 (${stormNewest}); ${pairs.length} reviewers' newest click stored`,
      seen: `row stores ${stormStored ?? "nothing"}; ${pairs.length - wrong} of ${pairs.length} reviewers' newest click stored`,
      duplicates: 0,
      losses: wrong + stormWrong,
      crashes: world.crashes().length,
    };
  });
}
