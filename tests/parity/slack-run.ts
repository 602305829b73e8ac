import { expect, vi } from "vitest";
import type { LeaderboardPeriod } from "../../src/core/points/leaderboard.ts";
import { eventCallbackPayload, postToBolt, slackTs, startFakeSlack, type RecordedCall } from "../fakes/slack/index.ts";
import type { TestDatabase } from "../support/databases.ts";
import { buttons, Driver, readable, SIGNING_SECRET, startHarness, waitForResponse } from "../slack/harness.ts";
import type { CohortRun, RenderedBoard, RenderedFeedback, RenderedResults, ReviewView } from "./platform.ts";
import { MEMBER_INDEXES, TRACK, ZONE, type AnswerWay, type ReviewStep } from "./script.ts";

const CHANNEL = "C0PARITY";
const ADMIN = "U0ORG";
/** Member i is U0L<i+1>; the refs slack:T0FAKE:U0L1 ... sort in member order. */
const userIdOf = (member: number) => `U0L${member + 1}`;
const WAIT = { timeout: 5_000, interval: 5 };

const metadataKey = (call: RecordedCall): string | undefined => (call.args["metadata"] as { event_payload?: { key?: string } } | undefined)?.event_payload?.key;

export async function startSlackRun(target: TestDatabase): Promise<CohortRun> {
  const fake = await startFakeSlack({ strictChannels: true });
  fake.users.addUser({ id: ADMIN, name: "Org", isAdmin: true });
  for (const member of MEMBER_INDEXES) fake.users.addUser({ id: userIdOf(member), name: `Learner ${member + 1}` });
  fake.channels.addChannel({ id: CHANNEL, name: "interview-practice", members: [fake.botUserId, ADMIN, ...MEMBER_INDEXES.map(userIdOf)] });
  const h = await startHarness(target, fake);
  const drive = new Driver(h, CHANNEL);
  const teamId = fake.teamId;
  const ref = (member: number) => `slack:${teamId}:${userIdOf(member)}`;
  const memberOfUserId = (userId: string) => {
    const member = MEMBER_INDEXES.find((m) => userIdOf(m) === userId);
    if (member === undefined) throw new Error(`Slack user ${userId} is not a scripted member`);
    return member;
  };
  /** Thread reply ts per prompt and member, for edits and deletes. */
  const replies = new Map<string, { ts: string; text: string }>();

  async function promptTs(promptId: number): Promise<string> {
    const prompt = await h.repos.prompts.get(promptId);
    const ts = prompt?.messageRef?.split(":").at(-1);
    if (!ts) throw new Error(`prompt ${promptId} is not posted on Slack`);
    return ts;
  }

  /** The first call to `method` from index `since` on that matches. */
  const callAfter = (since: number, method: string, match: (call: RecordedCall) => boolean) =>
    vi.waitFor(() => {
      const found = fake.calls.slice(since).find((c) => c.method === method && match(c));
      if (!found) throw new Error(`no ${method} yet`);
      return found;
    }, WAIT);

  const answerStored = (promptId: number, member: number, text: string) =>
    vi.waitFor(async () => expect((await h.repos.answers.find(promptId, ref(member)))?.body).toBe(text), WAIT);

  async function threadReply(promptId: number, member: number, text: string): Promise<void> {
    const threadTs = await promptTs(promptId);
    const user = userIdOf(member);
    const ts = slackTs();
    const since = fake.calls.length;
    fake.seedMessage(CHANNEL, { user, text, ts, thread_ts: threadTs });
    const event = eventCallbackPayload({ type: "message", channel: CHANNEL, channel_type: "channel", user, text, ts, thread_ts: threadTs });
    expect((await postToBolt(h.url, SIGNING_SECRET, "event", event)).status).toBe(200);
    const receipt = await callAfter(since, "chat.postEphemeral", (c) => c.args["user"] === user);
    expect(readable(receipt.args)).toContain("Answer saved.");
    await answerStored(promptId, member, text);
    replies.set(`${promptId}:${member}`, { ts, text });
  }

  async function privateAnswer(promptId: number, member: number, text: string): Promise<void> {
    const threadTs = await promptTs(promptId);
    const post = fake.callsTo("chat.postMessage").find((c) => c.response["ts"] === threadTs)!;
    const button = buttons(post.args["blocks"]).find((b) => b.text.text === "Answer privately")!;
    const user = userIdOf(member);
    const since = fake.calls.length;
    const click = await drive.click(user, button.action_id, button.value, { ts: threadTs });
    expect(click.status).toBe(200);
    const opened = await callAfter(since, "views.open", (c) => (c.args["view"] as { callback_id: string }).callback_id === "answer_modal");
    const view = opened.args["view"] as { private_metadata: string; callback_id: string };
    const submitted = await drive.submitView(user, view.callback_id, view.private_metadata, { answer: { text: { type: "plain_text_input", value: text } } });
    expect(submitted.status).toBe(200);
    expect(readable((await waitForResponse(fake, click.responseUrl)).body)).toContain("Answer saved.");
    await answerStored(promptId, member, text);
  }

  async function click(user: string, actionId: string, value: string, where: { channel: string; ts: string }): Promise<void> {
    expect((await drive.click(user, actionId, value, where)).status).toBe(200);
  }

  async function reviewOne(assignmentId: number, reviewer: number, view: ReviewView, step: ReviewStep): Promise<void> {
    const user = userIdOf(reviewer);
    const request = fake.calls.find((c) => c.method === "chat.postMessage" && metadataKey(c) === `review:${assignmentId}:request`);
    if (!request) throw new Error(`no review DM for assignment ${assignmentId}`);
    const where = { channel: String(request.response["channel"]), ts: String(request.response["ts"]) };
    const all = buttons(request.args["blocks"]);
    const criteria = [...new Set(all.filter((b) => b.action_id.startsWith("review_score:")).map((b) => b.action_id.split(":")[1]!))];
    expect(criteria).toHaveLength(view.criteria);
    for (const [i, criterion] of criteria.entries()) {
      const button = all.find((b) => b.action_id === `review_score:${criterion}:${step.scores[i]}`)!;
      await click(user, button.action_id, button.value, where);
    }
    const expected = Object.fromEntries(criteria.map((c, i) => [c, step.scores[i]]));
    await vi.waitFor(async () => expect(Object.fromEntries(await h.repos.reviews.scores(assignmentId))).toEqual(expected), WAIT);
    if (step.comment) {
      const button = all.find((b) => b.text.text === "Add comment")!;
      const since = fake.calls.length;
      await click(user, button.action_id, button.value, where);
      const opened = await callAfter(since, "views.open", (c) => (c.args["view"] as { callback_id: string }).callback_id === "review_comment_modal");
      const modal = opened.args["view"] as { private_metadata: string; callback_id: string };
      expect((await drive.submitView(user, modal.callback_id, modal.private_metadata, { comment: { text: { type: "plain_text_input", value: step.comment } } })).status).toBe(200);
      await vi.waitFor(async () => expect((await h.repos.reviews.get(assignmentId))?.comment).toBe(step.comment), WAIT);
    }
    if (!step.submit) return;
    const submit = all.find((b) => b.text.text === "Submit review")!;
    await click(user, submit.action_id, submit.value, where);
    await vi.waitFor(async () => expect((await h.repos.reviews.get(assignmentId))?.submittedAt).not.toBeNull(), WAIT);
    // The DM locks once the submit has been rendered.
    await vi.waitFor(() => expect(readable(fake.messages(where.channel).find((m) => m.ts === where.ts))).toContain("this review is locked"), WAIT);
  }

  return {
    platform: "slack",
    coach: h.coach,
    repos: h.repos,
    clock: h.clock,
    address: { platform: "slack", workspaceId: teamId, channelId: CHANNEL },
    ref,

    async setup() {
      const reply = await drive.command(ADMIN, `setup ${TRACK} 09:00 ${ZONE} mon-fri`);
      expect(readable(reply)).toContain(`This channel is now a cohort (track ${TRACK}). Weekdays at 09:00 ${ZONE}; next question Mon 2 Nov.`);
    },

    async optIn(member) {
      expect(readable(await drive.command(userIdOf(member), "review on"))).toContain("even on days you do not answer");
    },

    answer(promptId, member, text, way: AnswerWay) {
      return way === "thread" ? threadReply(promptId, member, text) : privateAnswer(promptId, member, text);
    },

    async edit(promptId, member, text) {
      const original = replies.get(`${promptId}:${member}`);
      if (!original) throw new Error(`member ${member} has no thread reply to edit`);
      const threadTs = await promptTs(promptId);
      const user = userIdOf(member);
      const since = fake.calls.length;
      const changed = eventCallbackPayload({
        type: "message",
        subtype: "message_changed",
        channel: CHANNEL,
        hidden: true,
        ts: slackTs(),
        message: { type: "message", user, text, ts: original.ts, thread_ts: threadTs, edited: { user, ts: slackTs() } },
        previous_message: { type: "message", user, text: original.text, ts: original.ts, thread_ts: threadTs },
      });
      expect((await postToBolt(h.url, SIGNING_SECRET, "event", changed)).status).toBe(200);
      expect(readable((await callAfter(since, "chat.postEphemeral", (c) => c.args["user"] === user)).args)).toContain("Answer updated.");
      await answerStored(promptId, member, text);
    },

    async withdraw(promptId, member) {
      const original = replies.get(`${promptId}:${member}`);
      if (!original) throw new Error(`member ${member} has no thread reply to delete`);
      const threadTs = await promptTs(promptId);
      const user = userIdOf(member);
      const deleted = eventCallbackPayload({
        type: "message",
        subtype: "message_deleted",
        channel: CHANNEL,
        hidden: true,
        ts: slackTs(),
        deleted_ts: original.ts,
        previous_message: { type: "message", user, text: original.text, ts: original.ts, thread_ts: threadTs },
      });
      expect((await postToBolt(h.url, SIGNING_SECRET, "event", deleted)).status).toBe(200);
      await vi.waitFor(async () => expect((await h.repos.answers.find(promptId, ref(member)))?.withdrawnAt).not.toBeNull(), WAIT);
    },

    async review(promptId, reviewer, decide) {
      // Review requests arrive as one DM each, in assignment order.
      const mine = (await h.repos.reviews.forPrompt(promptId)).filter((a) => a.reviewerRef === ref(reviewer));
      for (const [index, assignment] of mine.entries()) {
        const request = fake.calls.find((c) => c.method === "chat.postMessage" && metadataKey(c) === `review:${assignment.id}:request`);
        if (!request) throw new Error(`no review DM for assignment ${assignment.id}`);
        expect(request.args["channel"]).toBe(userIdOf(reviewer));
        const criteria = new Set(buttons(request.args["blocks"]).filter((b) => b.action_id.startsWith("review_score:")).map((b) => b.action_id.split(":")[1])).size;
        const answer = (await h.repos.answers.get(assignment.answerId))!;
        const view: ReviewView = { index, author: memberOfUserId(answer.userRef.split(":").at(-1)!), criteria };
        const step = decide(view);
        if (!step) return;
        await reviewOne(assignment.id, reviewer, view, step);
        if (!step.submit) return;
      }
    },

    async leaderboard(viewer, period: LeaderboardPeriod) {
      return parseBoard(readable(await drive.command(userIdOf(viewer), `leaderboard ${period}`)), memberOfUserId);
    },

    async results(promptId) {
      const post = await fake.waitFor("chat.postMessage", (c) => metadataKey(c) === `prompt:${promptId}:close`);
      expect(post.args["thread_ts"]).toBe(await promptTs(promptId));
      return parseResults(readable(post.args), memberOfUserId);
    },

    async feedback(promptId, member) {
      const post = fake.calls.find((c) => c.method === "chat.postMessage" && metadataKey(c) === `prompt:${promptId}:feedback:${ref(member)}`);
      if (!post) return undefined;
      expect(post.args["channel"]).toBe(userIdOf(member));
      return parseFeedback(readable(post.args));
    },

    unknownCalls: () => fake.unknownCalls,

    async close() {
      await h.close();
      await fake.close();
    },
  };
}

const matches = (text: string, pattern: RegExp) => [...text.matchAll(pattern)];

/** `1. <@U0L1>: 120 pts`, `1. <@U0L3>: 3.45 (2 answers)`, `You are #1 with 120 points.` */
export function parseBoard(text: string, memberOf: (userId: string) => number): RenderedBoard {
  const label = /\*Leaderboard: (.+?)\*/.exec(text)?.[1];
  if (!label) throw new Error(`not a leaderboard: ${text}`);
  const me = /You are #(\d+) with (-?\d+) points\./.exec(text);
  return {
    label,
    top: matches(text, /^(\d+)\. <@(U[A-Z0-9]+)>: (-?\d+) pts$/gm).map((m) => ({ rank: Number(m[1]), member: memberOf(m[2]!), points: Number(m[3]) })),
    quality: matches(text, /^(\d+)\. <@(U[A-Z0-9]+)>: (\d+\.\d\d) \((\d+) answers?\)$/gm).map((m) => ({ rank: Number(m[1]), member: memberOf(m[2]!), score: m[3]!, answers: Number(m[4]) })),
    me: me ? { rank: Number(me[1]), points: Number(me[2]) } : null,
  };
}

/** `*Results*: 6 of 7 members answered; 17 of 18 reviews submitted.` and `1. <@U0L1>: 3.45` */
function parseResults(text: string, memberOf: (userId: string) => number): RenderedResults {
  const counts = /(\d+) of (\d+) members answered; (\d+) of (\d+) reviews submitted/.exec(text);
  if (!counts) throw new Error(`not a results post: ${text}`);
  return {
    answered: Number(counts[1]),
    members: Number(counts[2]),
    submitted: Number(counts[3]),
    assigned: Number(counts[4]),
    top: matches(text, /^(\d+)\. <@(U[A-Z0-9]+)>: (\d+\.\d\d)$/gm).map((m) => ({ rank: Number(m[1]), member: memberOf(m[2]!), score: m[3]! })),
  };
}

/** `• *Outcome defined in numbers*: 3.4 ± 0.5 (3 reviews)` and `> comment` lines. */
function parseFeedback(text: string): RenderedFeedback {
  return {
    criteria: matches(text, /^• \*(.+)\*: (\d+\.\d) ± (\d+\.\d) \((\d+) reviews?\)$/gm).map((m) => ({ label: m[1]!, score: m[2]!, uncertainty: m[3]!, reviews: Number(m[4]) })),
    comments: matches(text, /^> (.+)$/gm).map((m) => m[1]!),
  };
}
