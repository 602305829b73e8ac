import { blockActionsPayload, eventCallbackPayload, slackTs, type Payload, type RecordedCall } from "../../tests/fakes/slack/index.ts";
import type { Replica } from "../replica.ts";
import { tally } from "../report.ts";
import { until, type World } from "../world.ts";
import { local, MONDAY, slackPosts } from "./common.ts";

export const slackRef = (world: World, userId: string) => `slack:${world.slack.teamId}:${userId}`;

/** Posts the Monday question (clock 09:00) and returns the post's ts and prompt id. */
export async function postMondayQuestion(world: World, channelId: string): Promise<{ threadTs: string; promptId: number }> {
  await world.setClock(local(MONDAY, "09:00"));
  const post = await until("the daily post", () => slackPosts(world, channelId)[0]);
  const [prompt] = await world.query<{ id: number }>(`select id from prompts where message_ref like $1`, [`%:${channelId}:%`]);
  if (!prompt) throw new Error(`no prompt row for ${channelId}`);
  return { threadTs: post.ts, promptId: prompt.id };
}

/** A thread reply as Slack's Events API wraps it; built once so every redelivery carries the same event_id. */
export function threadReply(channel: string, threadTs: string, user: string, text: string): Payload {
  return eventCallbackPayload({ type: "message", channel, channel_type: "channel", user, text, ts: slackTs(), thread_ts: threadTs });
}

/**
 * Delivers one request `times` times, back to back, each time to the next replica,
 * the redeliveries marked with X-Slack-Retry-Num as Slack marks them.
 */
export function deliverAcross(world: World, kind: "event" | "action", payload: Payload, times: number, first: number): Promise<number[]> {
  const live = world.live();
  return Promise.all(
    Array.from({ length: times }, (_, n) => world.deliverSlack(kind, payload, { to: live[(first + n) % live.length] as Replica, retryNum: n === 0 ? undefined : n })),
  );
}

/** Resolves once neither fake has seen a new call for `quietMs`: the replicas finished what they were given. */
export async function settle(world: World, quietMs = 3_000): Promise<void> {
  let last = -1;
  let since = Date.now();
  await until("the bots to go quiet", () => {
    const count = world.slack.calls.length + world.discord.calls.length;
    if (count !== last) {
      last = count;
      since = Date.now();
      return undefined;
    }
    return Date.now() - since >= quietMs ? true : undefined;
  });
}

export function ephemeralsTo(world: World, channel: string, user: string): RecordedCall[] {
  return world.slack.calls.filter((c) => c.method === "chat.postEphemeral" && c.status === 200 && c.args["channel"] === channel && c.args["user"] === user);
}

export async function answerCount(world: World, promptId: number): Promise<number> {
  const [row] = await world.query<{ n: number }>(`select count(*)::int as n from answers where prompt_id = $1 and withdrawn_at is null`, [promptId]);
  return row?.n ?? 0;
}

/** Awards of a kind per member, net of reversals (the ledger is append-only). */
export async function pointsRows(world: World, kind: string): Promise<Map<string, number>> {
  const rows = await world.query<{ user_ref: string; n: number }>(
    `select user_ref, sum(sign(points))::int as n from points_ledger where kind = $1 group by user_ref`,
    [kind],
  );
  return new Map(rows.map((r) => [r.user_ref, r.n]));
}

export interface Assignment {
  readonly id: number;
  readonly reviewerRef: string;
}

/** Moves the clock to the answer deadline and waits until reviews are open. */
export async function openReviews(world: World, promptId: number): Promise<Assignment[]> {
  await world.setClock(local(MONDAY, "17:00"));
  await until("reviews to open", async () => {
    const [row] = await world.query<{ status: string }>(`select status from prompt_steps where prompt_id = $1 and step = 'open-reviews'`, [promptId]);
    return row?.status === "done" ? true : undefined;
  });
  return world.query<Assignment>(`select id, reviewer_ref as "reviewerRef" from review_assignments where prompt_id = $1 order by id`, [promptId]);
}

export async function criteriaOf(world: World, promptId: number): Promise<string[]> {
  const [row] = await world.query<{ content: { rubric?: { criteria?: { id: string }[] } } }>(
    `select q.content from prompts p join questions q on q.id = p.question_id where p.id = $1`,
    [promptId],
  );
  const criteria = row?.content.rubric?.criteria?.map((c) => c.id) ?? [];
  if (criteria.length === 0) throw new Error(`no rubric criteria for prompt ${promptId}`);
  return criteria;
}

/** The review DM the bot sent for an assignment: the message a reviewer clicks on. */
export function reviewDm(world: World, assignmentId: number): { channel: string; message: Payload } {
  const marker = `"value":"${assignmentId}:`;
  const call = world.slack.calls.find((c) => c.method === "chat.postMessage" && c.status === 200 && JSON.stringify(c.args["blocks"] ?? "").includes(marker));
  if (!call) throw new Error(`no review DM for assignment ${assignmentId}`);
  return { channel: String(call.response["channel"]), message: call.response["message"] as Payload };
}

/**
 * A rubric click on a review DM; built once so redeliveries carry the same action_ts.
 * `clickedAt` sets the click's action_ts (when Slack saw the click) apart from when the
 * runner sends it, so clicks can arrive in any order.
 */
export function scoreClick(world: World, assignment: Assignment, criterion: string, score: number, clickedAt?: Date): Payload {
  const dm = reviewDm(world, assignment.id);
  const userId = assignment.reviewerRef.split(":").at(-1)!;
  const payload = blockActionsPayload({
    actionId: `review_score:${criterion}:${score}`,
    value: `${assignment.id}:${criterion}:${score}`,
    userId,
    channelId: dm.channel,
    message: dm.message,
  });
  if (clickedAt) (payload["actions"] as Payload[])[0]!["action_ts"] = (clickedAt.getTime() / 1000).toFixed(6);
  return payload;
}

export function submitClick(world: World, assignment: Assignment): Payload {
  const dm = reviewDm(world, assignment.id);
  return blockActionsPayload({ actionId: "review_submit", value: String(assignment.id), userId: assignment.reviewerRef.split(":").at(-1)!, channelId: dm.channel, message: dm.message });
}

export async function storedScore(world: World, assignmentId: number, criterion: string): Promise<number | undefined> {
  const [row] = await world.query<{ score: number }>(`select score from review_scores where assignment_id = $1 and criterion_id = $2`, [assignmentId, criterion]);
  return row?.score;
}

/** An answer long enough to be a real attempt, different per member. */
export const answerText = (i: number) =>
  `Member ${i}: I would start from the member outcome we want to move, size it with claims data, ship a pilot to one region, measure readmissions weekly against a holdout, and keep a governance review before scaling.`;

/**
 * How often each thing that must exist once does: every member's answer and answer
 * points, every (assignment, criterion) score and every submitted review's points.
 */
export async function recordedOnce(world: World, promptId: number, memberRefs: readonly string[], assignments: readonly Assignment[], criteria: readonly string[]) {
  const answers = await world.query<{ user_ref: string }>(`select user_ref from answers where prompt_id = $1`, [promptId]);
  const answerPoints = await pointsRows(world, "answer");
  const reviewPoints = await world.query<{ source: string }>(`select split_part(source, '#', 1) as source from points_ledger where kind = 'review' and points > 0`);
  const scores = await world.query<{ key: string }>(
    `select s.assignment_id || ':' || s.criterion_id as key from review_scores s join review_assignments a on a.id = s.assignment_id where a.prompt_id = $1`,
    [promptId],
  );
  return {
    answers: tally(memberRefs, answers.map((a) => a.user_ref)),
    answerPoints: tally(memberRefs, [...answerPoints].flatMap(([ref, n]) => Array<string>(Math.max(0, n)).fill(ref))),
    scores: tally(assignments.flatMap((a) => criteria.map((c) => `${a.id}:${c}`)), scores.map((s) => s.key)),
    reviewPoints: tally(assignments.map((a) => `assignment:${a.id}`), reviewPoints.map((p) => p.source)),
  };
}

/** Waits until every assignment of the prompt is submitted. */
export async function allSubmitted(world: World, promptId: number, count: number): Promise<true> {
  return until("every review submitted", async () => {
    const [row] = await world.query<{ n: number }>(`select count(*)::int as n from review_assignments where prompt_id = $1 and submitted_at is not null`, [promptId]);
    return (row?.n ?? 0) >= count ? true : undefined;
  });
}
