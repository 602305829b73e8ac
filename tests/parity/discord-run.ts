import { expect, vi } from "vitest";
import type { LeaderboardPeriod } from "../../src/core/points/leaderboard.ts";
import { nonceFor } from "../../src/discord/refs.ts";
import { buttonRows, embedsOf, embedText, originalMessage, startHarness } from "../discord/harness.ts";
import type { FakeInteraction, Json } from "../fakes/discord/fake-discord.ts";
import type { TestDatabase } from "../support/databases.ts";
import type { CohortRun, RenderedBoard, RenderedFeedback, RenderedResults } from "./platform.ts";
import { MEMBERS, TRACK, ZONE, type AnswerWay } from "./script.ts";

const WAIT = { timeout: 5_000, interval: 5 };

const fieldsOf = (embed: Json | undefined): { name: string; value: string }[] =>
  (((embed?.fields as Json[] | undefined) ?? []) as Json[]).map((f) => ({ name: String(f.name), value: String(f.value) }));
const field = (embed: Json | undefined, name: string) => fieldsOf(embed).find((f) => f.name === name)?.value;
const matches = (text: string, pattern: RegExp) => [...text.matchAll(pattern)];

export async function startDiscordRun(target: TestDatabase): Promise<CohortRun> {
  // The harness names its members learner1..6 ("Learner 1".."Learner 6"), with increasing snowflakes.
  const h = await startHarness(target, { memberCount: MEMBERS });
  const fake = h.fake;
  const userIdOf = (member: number) => h.members[member]!;
  const ref = (member: number) => `discord:${userIdOf(member)}`;
  const memberOfUserId = (userId: string) => {
    const member = h.members.indexOf(userId);
    if (member < 0) throw new Error(`Discord user ${userId} is not a scripted member`);
    return member;
  };
  const memberOfName = (name: string) => {
    const member = /^Learner (\d+)$/.exec(name);
    if (!member) throw new Error(`"${name}" is not a scripted member's name`);
    return Number(member[1]) - 1;
  };
  /** Thread reply message id per prompt and member, for edits and deletes. */
  const replies = new Map<string, string>();

  const coachCommand = (user: string, subcommand: string, options: Record<string, string> = {}) =>
    fake.chatInput({ channelId: h.channelId, user, name: "coach", subcommand, options });
  /** The bot's callback, plus its deferred edit if it had to defer. */
  const answerOf = async (handle: FakeInteraction) => {
    const callback = await handle.reply();
    if (callback.type === 5) return { ...callback, data: (await handle.waitForOriginalEdit()).body as Json };
    return callback;
  };

  async function posted(promptId: number): Promise<{ postId: string; threadId: string }> {
    const prompt = await h.repos.prompts.get(promptId);
    const postId = prompt?.messageRef?.split(":").at(-1);
    const threadId = prompt?.threadRef?.split(":").at(-1);
    if (!postId || !threadId) throw new Error(`prompt ${promptId} is not posted on Discord`);
    return { postId, threadId };
  }

  const answerStored = (promptId: number, member: number, text: string) =>
    vi.waitFor(async () => expect((await h.repos.answers.find(promptId, ref(member)))?.body).toBe(text), WAIT);

  async function threadReply(promptId: number, member: number, text: string): Promise<void> {
    const { threadId } = await posted(promptId);
    const mark = fake.mark();
    const message = fake.messageCreate({ channelId: threadId, author: userIdOf(member), content: text });
    // Recorded answers get a ✅.
    await fake.waitFor((c) => c.route === "PUT /channels/:id/messages/:message/reactions/:emoji/@me" && c.params.message === message.id, undefined, mark);
    await answerStored(promptId, member, text);
    replies.set(`${promptId}:${member}`, String(message.id));
  }

  async function modalAnswer(promptId: number, member: number, text: string): Promise<void> {
    const { postId } = await posted(promptId);
    const button = buttonRows(fake.message(postId)).flat().find((b) => b.label === "Answer")!;
    const user = userIdOf(member);
    const modal = await fake.button({ channelId: h.channelId, user, customId: button.customId, message: postId }).reply();
    expect(modal.type).toBe(9);
    const receipt = await answerOf(fake.modalSubmit({ channelId: h.channelId, user, customId: String(modal.data?.custom_id), fields: { answer: text } }));
    expect(receipt.ephemeral).toBe(true);
    expect(embedText(receipt.data)).toContain("Answer recorded");
    await answerStored(promptId, member, text);
  }

  return {
    platform: "discord",
    coach: h.coach,
    repos: h.repos,
    clock: h.clock,
    address: { platform: "discord", workspaceId: h.guildId, channelId: h.channelId },
    ref,

    async setup() {
      const reply = await answerOf(coachCommand(h.adminId, "setup", { track: TRACK, time: "09:00", zone: ZONE, days: "mon-fri" }));
      expect(String(reply.data?.content)).toContain(`now a **${TRACK}** cohort. Weekdays at 09:00 ${ZONE}; next question Mon 2 Nov`);
    },

    async optIn(member) {
      const reply = await answerOf(coachCommand(userIdOf(member), "review", { state: "on" }));
      expect(String(reply.data?.content)).toContain("You will be assigned answers to review");
    },

    answer(promptId, member, text, way: AnswerWay) {
      return way === "thread" ? threadReply(promptId, member, text) : modalAnswer(promptId, member, text);
    },

    async edit(promptId, member, text) {
      const messageId = replies.get(`${promptId}:${member}`);
      if (!messageId) throw new Error(`member ${member} has no thread reply to edit`);
      const { threadId } = await posted(promptId);
      fake.messageUpdate({ channelId: threadId, messageId, content: text });
      await answerStored(promptId, member, text);
    },

    async withdraw(promptId, member) {
      const messageId = replies.get(`${promptId}:${member}`);
      if (!messageId) throw new Error(`member ${member} has no thread reply to delete`);
      const { threadId } = await posted(promptId);
      fake.messageDelete({ channelId: threadId, messageId });
      await vi.waitFor(async () => expect((await h.repos.answers.find(promptId, ref(member)))?.withdrawnAt).not.toBeNull(), WAIT);
    },

    async review(promptId, reviewer, decide) {
      const mine = (await h.repos.reviews.forPrompt(promptId)).filter((a) => a.reviewerRef === ref(reviewer));
      if (mine.length === 0) return;
      const { threadId } = await posted(promptId);
      const opened = fake.messages(threadId).find((m) => embedsOf(m).some((e) => e.title === "Reviews are open"));
      if (!opened) throw new Error(`no "Reviews are open" post for prompt ${promptId}`);
      const user = userIdOf(reviewer);
      const reviewButton = buttonRows(opened).flat().find((b) => b.label === "Review")!;
      const press = (customId: string, message: string) => fake.button({ channelId: threadId, user, customId, message });
      const open = press(reviewButton.customId, String(opened.id));
      const first = await answerOf(open);
      expect(first.ephemeral).toBe(true);
      const cardId = String((await originalMessage(fake, open)).id);

      for (const [index, assignment] of mine.entries()) {
        // The card shows one assignment at a time: a row of 1-5 per criterion, then Submit and Comment.
        const rows = buttonRows(fake.message(cardId));
        const controls = rows.at(-1)!;
        expect(controls.map((b) => b.label)).toEqual(["Submit", "Comment"]);
        const assignmentId = Number(controls[0]!.customId.split(":").at(-1));
        expect(assignmentId).toBe(assignment.id);
        const criteriaRows = rows.slice(0, -1);
        const answer = (await h.repos.answers.get(assignment.answerId))!;
        const step = decide({ index, author: memberOfUserId(answer.userRef.replace("discord:", "")), criteria: criteriaRows.length });
        if (!step) return;
        for (const [i, row] of criteriaRows.entries()) {
          const button = row.find((b) => b.label === String(step.scores[i]))!;
          expect((await press(button.customId, cardId).reply()).type).toBe(7);
        }
        if (step.comment) {
          const comment = controls.find((b) => b.label === "Comment")!;
          const modal = await press(comment.customId, cardId).reply();
          expect(modal.type).toBe(9);
          const saved = await fake.modalSubmit({ channelId: threadId, user, customId: String(modal.data?.custom_id), fields: { comment: step.comment }, message: cardId }).reply();
          expect(saved.type).toBe(7);
        }
        if (!step.submit) return;
        expect((await press(controls[0]!.customId, cardId).reply()).type).toBe(7);
        expect((await h.repos.reviews.get(assignmentId))?.submittedAt).not.toBeNull();
      }
    },

    async leaderboard(viewer, period: LeaderboardPeriod) {
      const reply = await answerOf(coachCommand(userIdOf(viewer), "leaderboard", { period }));
      expect(reply.ephemeral).toBe(true);
      return parseBoard(embedsOf(reply.data)[0], memberOfName);
    },

    async results(promptId) {
      const { threadId } = await posted(promptId);
      const post = fake.messages(threadId).find((m) => embedsOf(m).some((e) => e.title === "Results"));
      if (!post) throw new Error(`no results post for prompt ${promptId}`);
      return parseResults(embedsOf(post)[0], memberOfUserId);
    },

    async feedback(promptId, member) {
      const nonce = nonceFor(`prompt:${promptId}:feedback:${ref(member)}`);
      const dm = [...fake.channels.values()].find((c) => c.type === 1 && c.recipientIds.includes(userIdOf(member)));
      const post = dm ? fake.messages(dm.id).find((m) => m.nonce === nonce) : undefined;
      return post ? parseFeedback(embedsOf(post)[0]) : undefined;
    },

    unknownCalls: () => fake.unknownCalls,

    close: () => h.close(),
  };

  /** Embed: title `Leaderboard: <label>`, rows `**1.** Learner 1: 120 pts`, fields "You" and "Answer quality". */
  function parseBoard(embed: Json | undefined, memberOf: (name: string) => number): RenderedBoard {
    const label = /^Leaderboard: (.+)$/.exec(String(embed?.title ?? ""))?.[1];
    if (!label) throw new Error(`not a leaderboard: ${JSON.stringify(embed)}`);
    const me = /^Rank (\d+), (-?\d+) pts$/.exec(field(embed, "You") ?? "");
    return {
      label,
      top: matches(String(embed?.description ?? ""), /^\*\*(\d+)\.\*\* (.+): (-?\d+) pts$/gm).map((m) => ({ rank: Number(m[1]), member: memberOf(m[2]!), points: Number(m[3]) })),
      quality: matches(field(embed, "Answer quality") ?? "", /^\*\*(\d+)\.\*\* (.+): (\d+\.\d\d) \((\d+) answers?\)$/gm).map((m) => ({
        rank: Number(m[1]),
        member: memberOf(m[2]!),
        score: m[3]!,
        answers: Number(m[4]),
      })),
      me: me ? { rank: Number(me[1]), points: Number(me[2]) } : null,
    };
  }
}

/** Embed "Results": rows `**1.** <@id>: 3.45 / 5`, fields "Answers" (`6 of 7 members`) and "Reviews" (`17 of 18 submitted`). */
function parseResults(embed: Json | undefined, memberOf: (userId: string) => number): RenderedResults {
  const answers = /^(\d+) of (\d+) members$/.exec(field(embed, "Answers") ?? "");
  const reviews = /^(\d+) of (\d+) submitted$/.exec(field(embed, "Reviews") ?? "");
  if (!answers || !reviews) throw new Error(`not a results post: ${JSON.stringify(embed)}`);
  return {
    answered: Number(answers[1]),
    members: Number(answers[2]),
    submitted: Number(reviews[1]),
    assigned: Number(reviews[2]),
    top: matches(String(embed?.description ?? ""), /^\*\*(\d+)\.\*\* <@(\d+)>: (\d+\.\d\d) \/ 5$/gm).map((m) => ({ rank: Number(m[1]), member: memberOf(m[2]!), score: m[3]! })),
  };
}

/** Field "Scores (corrected for reviewer bias)": `Label: **3.4** ± 0.5 (3 reviews)`; field "Comments": `> comment`. */
function parseFeedback(embed: Json | undefined): RenderedFeedback {
  return {
    criteria: matches(field(embed, "Scores (corrected for reviewer bias)") ?? "", /^(.+): \*\*(\d+\.\d)\*\* ± (\d+\.\d) \((\d+) reviews?\)$/gm).map((m) => ({
      label: m[1]!,
      score: m[2]!,
      uncertainty: m[3]!,
      reviews: Number(m[4]),
    })),
    comments: matches(field(embed, "Comments") ?? "", /^> (.+)$/gm).map((m) => m[1]!),
  };
}
