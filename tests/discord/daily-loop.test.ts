import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Prompt } from "../../src/core/prompts/types.ts";
import type { FakeInteraction, Json } from "../fakes/discord/fake-discord.ts";
import { testDatabases } from "../support/databases.ts";
import { buttonRows, embedText, originalMessage, startHarness, type Harness } from "./harness.ts";

const ref = (userId: string) => `discord:${userId}`;
const REACTION_ROUTE = "PUT /channels/:id/messages/:message/reactions/:emoji/@me";

describe.each(testDatabases())("Discord daily loop on $name", (target) => {
  let h: Harness;
  let prompt: Prompt;
  let threadId: string;
  let postId: string;
  let m1: string, m2: string, m3: string, m4: string, m5: string;

  beforeAll(async () => {
    h = await startHarness(target);
    [m1, m2, m3, m4, m5] = h.members as [string, string, string, string, string];
  });
  afterAll(async () => {
    expect(h?.fake.unknownCalls ?? []).toEqual([]);
    await h?.close();
  });

  const coach = (user: string, subcommand: string, options: Record<string, string | number | boolean> = {}, subcommandGroup?: string) =>
    h.fake.chatInput({ channelId: h.channelId, user, name: "coach", subcommand, subcommandGroup, options });
  const press = (user: string, customId: string, message: string, channelId = threadId) => h.fake.button({ channelId, user, customId, message });
  /** The bot's callback, plus its deferred edit if it had to defer. */
  const answerOf = async (handle: FakeInteraction) => {
    const callback = await handle.reply();
    if (callback.type === 5) return { ...callback, data: (await handle.waitForOriginalEdit()).body as Json };
    return callback;
  };
  /** Messages the bot sent a member by DM. */
  const dmsTo = (userId: string) => {
    const opened = h.fake.callsTo("POST /users/@me/channels").find((c) => (c.body as Json).recipient_id === userId);
    return opened ? h.fake.messages(String((opened.response as Json).id)) : [];
  };
  const PUSHBACK = "An interviewer would push back";
  const FOLLOW_UP_ANSWER = "Pushed back: a 90-day holdout of 4,000 members, compared weekly.";
  const waitForRefused = (handle: FakeInteraction) =>
    h.fake.waitFor((c) => c.route === "POST /interactions/:id/:token/callback" && c.params.id === handle.id && c.status === 400);

  it("refuses setup to a member without Manage Server, privately", async () => {
    const reply = await answerOf(coach(m1, "setup", { track: "humana/ai-pm" }));
    expect(reply.ephemeral).toBe(true);
    expect(String(reply.data?.content)).toContain("Manage Server");
    expect(await h.coach.cohort({ platform: "discord", workspaceId: h.guildId, channelId: h.channelId })).toBeUndefined();
  });

  it("sets up the channel as a cohort for an organizer with Manage Server", async () => {
    const reply = await answerOf(coach(h.adminId, "setup", { track: "humana/ai-pm", time: "09:00", zone: "America/New_York", days: "mon-fri" }));
    expect(reply.ephemeral).toBe(true);
    expect(String(reply.data?.content)).toMatch(/now a \*\*humana\/ai-pm\*\* cohort\. Weekdays at 09:00 America\/New_York; next question Thu 29 Oct/);
    const cohort = await h.coach.cohort({ platform: "discord", workspaceId: h.guildId, channelId: h.channelId });
    expect(cohort).toMatchObject({ trackId: "humana/ai-pm", postTime: "09:00", timeZone: "America/New_York", weekdays: [1, 2, 3, 4, 5] });
  });

  it("lets members opt in to reviewing", async () => {
    for (const user of [m1, m2, m3, m5]) {
      const reply = await answerOf(coach(user, "review", { state: "on" }));
      expect(reply.ephemeral).toBe(true);
    }
  });

  it("posts the question as an embed with an Answer button and starts a thread from it", async () => {
    const reply = await answerOf(coach(h.adminId, "post-now"));
    expect(String(reply.data?.content)).toContain("Posted today's question");
    const posts = h.fake.messages(h.channelId);
    expect(posts).toHaveLength(1);
    const post = posts[0]!;
    postId = String(post.id);
    const text = embedText(post);
    expect(text).toContain("Humana · AI/ML product manager");
    for (const label of ["Round", "Difficulty", "Time box", "Answers close"]) expect(text).toContain(label);
    expect(buttonRows(post)[0]?.map((b) => b.label)).toEqual(["Answer"]);
    expect(post.nonce).toMatch(/^cc[0-9a-f]{20}$/);

    const threads = h.fake.threads(h.channelId);
    expect(threads).toHaveLength(1);
    threadId = threads[0]!.id;
    expect(threadId).toBe(postId);
    prompt = (await h.repos.prompts.forCohort((await h.coach.cohort({ platform: "discord", workspaceId: h.guildId, channelId: h.channelId }))!.id))[0]!;
    expect(prompt.messageRef).toBe(`discord:${h.channelId}:${postId}`);
    expect(prompt.threadRef).toBe(`discord:thread:${threadId}`);

    const again = await answerOf(coach(h.adminId, "post-now"));
    expect(String(again.data?.content)).toContain("already posted");
    expect(h.fake.messages(h.channelId)).toHaveLength(1);
  });

  it("takes an answer through the Answer button's modal, and a replayed submission changes nothing", async () => {
    const click = press(m1, `cc:answer:${prompt.id}`, postId, h.channelId);
    const modal = await click.reply();
    expect(modal.type).toBe(9);
    expect(modal.data?.custom_id).toBe(`cc:answer-modal:${prompt.id}`);

    const body = "Cut ER visits 12% within 90 days for 40,000 members; trade-off: false positives cost nurse time.";
    const submit = h.fake.modalSubmit({ channelId: h.channelId, user: m1, customId: `cc:answer-modal:${prompt.id}`, fields: { answer: body } });
    const receipt = await answerOf(submit);
    expect(receipt.ephemeral).toBe(true);
    expect(embedText(receipt.data)).toContain("Answer recorded");
    const answer = await h.repos.answers.find(prompt.id, ref(m1));
    expect(answer).toMatchObject({ body, sourceRef: null });
    const cohortId = prompt.cohortId;
    const pointsBefore = await h.repos.points.entriesFor(cohortId, ref(m1));
    expect(pointsBefore.length).toBeGreaterThan(0);

    h.fake.replay(submit);
    await waitForRefused(submit);
    expect(await h.repos.answers.active(prompt.id)).toHaveLength(1);
    expect(await h.repos.points.entriesFor(cohortId, ref(m1))).toEqual(pointsBefore);
    expect(h.fake.interactionCallbacks.filter((c) => c.interactionId === submit.id)).toHaveLength(1);
  });

  it("offers the interviewer follow-up with the modal receipt and takes its answer through a modal", async () => {
    const answer = (await h.repos.answers.find(prompt.id, ref(m1)))!;
    const offer = await h.repos.followUps.get(answer.id);
    const question = (await h.repos.questions.get(prompt.questionId))!;
    expect(question.followUps).toContain(offer?.question);
    const receipt = h.fake.interactionCallbacks.find((c) => embedText(c.data).includes("Answer recorded"))!;
    expect(embedText(receipt.data)).toContain(`${PUSHBACK}\n${offer!.question}`);
    expect(buttonRows(receipt.data).at(-1)).toMatchObject([{ customId: `cc:follow-up:${answer.id}`, label: "Answer the follow-up" }]);

    // Someone else's click opens nothing.
    const forged = await answerOf(press(m2, `cc:follow-up:${answer.id}`, postId, h.channelId));
    expect(String(forged.data?.content)).toContain("belongs to someone else's answer");
    const modal = await press(m1, `cc:follow-up:${answer.id}`, postId, h.channelId).reply();
    expect(modal.type).toBe(9);
    expect(modal.data?.custom_id).toBe(`cc:follow-up-modal:${answer.id}`);
    const saved = await answerOf(h.fake.modalSubmit({ channelId: h.channelId, user: m1, customId: `cc:follow-up-modal:${answer.id}`, fields: { answer: FOLLOW_UP_ANSWER } }));
    expect(saved.ephemeral).toBe(true);
    expect(embedText(saved.data)).toContain("Follow-up answer recorded");
    expect(embedText(saved.data)).toMatch(/Covered|Worth adding|Not counted/);
    expect((await h.repos.followUps.get(answer.id))?.body).toBe(FOLLOW_UP_ANSWER);
    // Reopening the form shows the saved answer to edit.
    const again = await press(m1, `cc:follow-up:${answer.id}`, postId, h.channelId).reply();
    expect(JSON.stringify(again.data)).toContain(FOLLOW_UP_ANSWER);
  });

  it("counts plain replies in the thread, applies an edit and a delete, and ignores bots", async () => {
    const mark = h.fake.mark();
    const reply2 = h.fake.messageCreate({ channelId: threadId, author: m2, content: "Readmissions down 8% over 6 months, with a precision trade-off." });
    const reply3 = h.fake.messageCreate({ channelId: threadId, author: m3, content: "First draft" });
    const reply4 = h.fake.messageCreate({ channelId: threadId, author: m4, content: "I will delete this" });
    h.fake.messageCreate({ channelId: threadId, author: { username: "otherbot", bot: true }, content: "beep" });
    for (const message of [reply2, reply3, reply4]) {
      await h.fake.waitFor((c) => c.route === REACTION_ROUTE && c.params.message === message.id, undefined, mark);
    }
    expect(await h.repos.answers.find(prompt.id, ref(m2))).toMatchObject({ sourceRef: `discord:msg:${String(reply2.id)}` });

    h.fake.messageUpdate({ channelId: threadId, messageId: String(reply3.id), content: "Second draft: A1c adherence up 5% in 3 months" });
    h.fake.messageDelete({ channelId: threadId, messageId: String(reply4.id) });
    await vi.waitFor(async () => {
      expect((await h.repos.answers.find(prompt.id, ref(m3)))?.body).toBe("Second draft: A1c adherence up 5% in 3 months");
      expect((await h.repos.answers.find(prompt.id, ref(m4)))?.withdrawnAt).not.toBeNull();
    });
    const authors = (await h.repos.answers.active(prompt.id)).map((a) => a.userRef).sort();
    expect(authors).toEqual([m1, m2, m3].map(ref).sort());
  });

  it("sends the follow-up by DM once per thread answer: not again on an edit or a re-delivered reply", async () => {
    await vi.waitFor(() => {
      for (const user of [m2, m3, m4]) expect(dmsTo(user).filter((m) => embedText(m).includes(PUSHBACK))).toHaveLength(1);
    });
    const answer2 = (await h.repos.answers.find(prompt.id, ref(m2)))!;
    const dm = dmsTo(m2)[0]!;
    expect(embedText(dm)).toContain((await h.repos.followUps.get(answer2.id))!.question);
    expect(buttonRows(dm)[0]).toMatchObject([{ customId: `cc:follow-up:${answer2.id}`, label: "Answer the follow-up" }]);

    // discord.js drops a replayed MESSAGE_CREATE it has cached; an update re-delivering the same reply reaches the engine again.
    const reply2 = answer2.sourceRef!.replace("discord:msg:", "");
    const mark = h.fake.mark();
    h.fake.messageUpdate({ channelId: threadId, messageId: reply2, content: answer2.body });
    await h.fake.waitFor((c) => c.route === REACTION_ROUTE && c.params.message === reply2, undefined, mark);
    expect(dmsTo(m2)).toHaveLength(1);
    expect(dmsTo(m3)).toHaveLength(1);
  });

  it("picks up a thread reply sent while the gateway was disconnected, after the reconnect", async () => {
    h.fake.dropConnection();
    expect(h.fake.connected).toBe(false);
    const missed = h.fake.messageCreate({ channelId: threadId, author: m5, content: "Sent during the outage: ER visits down 10% in 60 days" });
    await h.fake.waitForReconnect();
    await vi.waitFor(async () => expect(await h.repos.answers.find(prompt.id, ref(m5))).toMatchObject({ sourceRef: `discord:msg:${String(missed.id)}` }), { timeout: 60_000 });
    expect(await h.repos.answers.active(prompt.id)).toHaveLength(4);
  });

  let reviewsOpenId: string;

  it("opens reviews with a Review button in the thread", async () => {
    const reply = await answerOf(coach(h.adminId, "open-reviews"));
    expect(String(reply.data?.content)).toContain("reviews are open");
    const opened = h.fake.messages(threadId).find((m) => embedText(m).includes("Reviews are open"));
    expect(opened).toBeDefined();
    reviewsOpenId = String(opened!.id);
    expect(buttonRows(opened)[0]?.map((b) => b.customId)).toEqual([`cc:review:${prompt.id}`]);
    expect((await h.repos.reviews.forPrompt(prompt.id)).length).toBeGreaterThan(0);
    // Review requests are not DMed: the Review button is the one path.
    for (const user of h.members) expect(dmsTo(user).filter((m) => embedText(m).includes("author hidden"))).toEqual([]);
  });

  it("walks each reviewer through every assignment by clicks, refusing a forged click", async () => {
    const assignments = await h.repos.reviews.forPrompt(prompt.id);
    const reviewers = [...new Set(assignments.map((a) => a.reviewerRef))];
    const m1Answer = (await h.repos.answers.find(prompt.id, ref(m1)))!;
    let followUpShown = false;
    let forgedTried = false;
    let compared = false;
    let commented = false;
    for (const reviewerRef of reviewers) {
      const reviewer = reviewerRef.replace("discord:", "");
      const mine = assignments.filter((a) => a.reviewerRef === reviewerRef);
      const open = press(reviewer, `cc:review:${prompt.id}`, reviewsOpenId);
      const first = await answerOf(open);
      expect(first.ephemeral).toBe(true);
      expect(embedText(first.data)).toContain("(author hidden)");
      const cardId = String((await originalMessage(h.fake, open)).id);

      for (let n = 0; n < mine.length; n++) {
        const rows = buttonRows(h.fake.message(cardId));
        const criteriaRows = rows.slice(0, -1);
        expect(criteriaRows.length).toBeGreaterThanOrEqual(2);
        expect(rows.at(-1)?.map((b) => b.label)).toEqual(["Submit", "Comment"]);
        const assignmentId = Number(rows.at(-1)![0]!.customId.split(":")[2]);
        expect(mine.map((a) => a.id)).toContain(assignmentId);
        // The follow-up answer sits under the main answer, scored with the same rows.
        const shown = embedText(h.fake.message(cardId));
        if (mine.find((a) => a.id === assignmentId)!.answerId === m1Answer.id) {
          expect(shown.indexOf(FOLLOW_UP_ANSWER)).toBeGreaterThan(shown.indexOf(m1Answer.body.slice(0, 30)));
          expect(shown).toContain("Follow-up**, scored with the answer");
          followUpShown = true;
        } else {
          expect(shown).not.toContain("Follow-up");
        }

        for (const [i, row] of criteriaRows.entries()) {
          const button = row[(i + n) % 5]!;
          const click = await press(reviewer, button.customId, cardId).reply();
          expect(click.type).toBe(7);
          const updated = buttonRows(click.data)[i]!;
          expect(updated.find((b) => b.customId === button.customId)?.style).toBe(1);

          if (!forgedTried) {
            forgedTried = true;
            const intruder = [h.adminId, ...h.members].find((u) => ref(u) !== reviewerRef)!;
            const before = await h.repos.reviews.scores(assignmentId);
            const forged = await press(intruder, row[0]!.customId, cardId).reply();
            expect(forged.type).toBe(4);
            expect(forged.ephemeral).toBe(true);
            expect(String(forged.data?.content)).toContain("assigned to someone else");
            expect(await h.repos.reviews.scores(assignmentId)).toEqual(before);
          }
        }
        if (!commented) {
          commented = true;
          const shown = await press(reviewer, `cc:comment:${assignmentId}`, cardId).reply();
          expect(shown.type).toBe(9);
          const saved = await h.fake
            .modalSubmit({ channelId: threadId, user: reviewer, customId: `cc:comment-modal:${assignmentId}`, fields: { comment: "Name the cohort size." }, message: cardId })
            .reply();
          expect(saved.type).toBe(7);
          expect(embedText(saved.data)).toContain("Name the cohort size.");
        }
        const submitted = await press(reviewer, `cc:submit:${assignmentId}`, cardId).reply();
        expect(submitted.type).toBe(7);
        expect((await h.repos.reviews.get(assignmentId))?.submittedAt).not.toBeNull();
        if (n === mine.length - 1) expect(String(submitted.data?.content)).toContain("reviews are submitted");
        // Hidden while scoring, the earlier reviewers' scores of that answer show once this one is in.
        if (/Other reviewers of that answer so far: .+: you \d, others \d\.\d/.test(String(submitted.data?.content))) compared = true;
      }
    }
    expect(forgedTried && commented && compared && followUpShown).toBe(true);
    expect((await h.repos.reviews.forPrompt(prompt.id)).every((a) => a.submittedAt !== null)).toBe(true);
  });

  let resultsId: string;

  it("closes with results in the thread (naming only members who allow it), feedback by DM and by the My feedback button", async () => {
    for (const user of [m2, m3]) {
      const privacy = await answerOf(coach(user, "privacy", { state: "on" }));
      expect(privacy.ephemeral).toBe(true);
      expect(String(privacy.data?.content)).toContain("Your name stays out of the results");
    }
    const reply = await answerOf(coach(h.adminId, "close-now"));
    expect(String(reply.data?.content)).toContain("results are in the thread");
    const results = h.fake.messages(threadId).find((m) => embedText(m).startsWith("Results"));
    expect(results).toBeDefined();
    resultsId = String(results!.id);
    expect(embedText(results)).toMatch(/\*\*1\.\*\* /);
    // Three of the four answers are ranked, so at least one of the two private members is among them, unnamed.
    expect(embedText(results).match(/\*\*[123]\.\*\* /g)).toHaveLength(3);
    expect(embedText(results)).toContain("A member who prefers not to be named");
    expect(embedText(results)).not.toMatch(new RegExp(`<@(${m2}|${m3})>`));
    expect(buttonRows(results)[0]?.map((b) => b.label)).toEqual(["My feedback"]);

    await vi.waitFor(() => expect(h.members.filter((user) => dmsTo(user).some((m) => embedText(m).includes("Your feedback")))).toEqual([m1, m2, m3, m5]));

    const mine = await answerOf(press(m1, `cc:feedback:${prompt.id}`, resultsId));
    expect(mine.ephemeral).toBe(true);
    expect(embedText(mine.data)).toContain("Your feedback: Humana");
    expect(embedText(mine.data)).toContain("Scores (corrected for reviewer bias)");

    const none = await answerOf(press(m4, `cc:feedback:${prompt.id}`, resultsId));
    expect(String(none.data?.content)).toContain("did not answer");
  });

  it("shows the leaderboard privately and shares it on request", async () => {
    const board = coach(m1, "leaderboard", { period: "week" });
    const reply = await answerOf(board);
    expect(reply.ephemeral).toBe(true);
    expect(embedText(reply.data)).toContain("Leaderboard");
    expect(embedText(reply.data)).toContain("You: Rank");
    const share = buttonRows(reply.data)[0]![0]!;
    expect(share.customId).toBe("cc:share:week");
    const boardId = String((await originalMessage(h.fake, board)).id);
    const shared = await answerOf(press(m1, share.customId, boardId, h.channelId));
    expect(shared.ephemeral).toBe(false);
    expect(embedText(shared.data)).not.toContain("You: Rank");
    expect(embedText(shared.data)).not.toContain("/c/");

    // The private reply links to the cohort's page; only an admin can replace that link, which retires the old one.
    const pageLink = /http:\/\/127\.0\.0\.1:\d+\/c\/([\w-]+)\?v=[\w-]+/;
    const oldToken = embedText(reply.data).match(pageLink)![1]!;
    expect(String((await answerOf(coach(m1, "rotate", {}, "link"))).data?.content)).toContain("Only this cohort's admins");
    const newToken = String((await answerOf(coach(h.adminId, "rotate", {}, "link"))).data?.content).match(pageLink)![1]!;
    expect(newToken).not.toBe(oldToken);
    await expect(h.coach.cohortPage(oldToken, undefined, "week")).rejects.toMatchObject({ code: "unknown-link" });
    expect(String((await answerOf(coach(m1, "show", {}, "link"))).data?.content)).toContain(`/c/${newToken}?v=`);
    expect(h.fake.messages(h.channelId).some((m) => embedText(m).includes("Leaderboard"))).toBe(true);
  });

  it("exports a CSV privately to an admin and refuses it to a member", async () => {
    const handle = coach(h.adminId, "export");
    const callback = await handle.reply();
    expect(callback.ephemeral).toBe(true);
    const upload = callback.type === 5 ? await handle.waitForOriginalEdit() : callback.call;
    const [answers, points] = upload.files;
    expect(answers!.filename).toMatch(new RegExp(`^cohort-.*-discord-${h.channelId}-\\d{4}-\\d{2}-\\d{2}-answers\\.csv$`));
    expect(points!.filename).toMatch(/-points\.csv$/);
    const csv = answers!.bytes.toString("utf8");
    expect(csv.split("\r\n")[0]).toMatch(/^\uFEFFDate,Question,Member,Answer,.*,Overall score,Reviews received$/);
    expect(csv.trimEnd().split("\r\n")).toHaveLength(5);

    const refused = await answerOf(coach(m2, "export"));
    expect(String(refused.data?.content)).toContain("Only this cohort's admins");
  });

  it("runs a private drill: question, modal answer, check, self-rating", async () => {
    const start = h.fake.chatInput({ channelId: h.channelId, user: m2, name: "drill", options: { category: "metrics-impact" } });
    const question = await answerOf(start);
    expect(question.ephemeral).toBe(true);
    expect(embedText(question.data)).toContain("Drill: Humana");
    const answerButton = buttonRows(question.data)[0]![0]!;
    const drillId = String((await originalMessage(h.fake, start)).id);

    expect((await press(m2, answerButton.customId, drillId, h.channelId).reply()).type).toBe(9);
    const attemptId = answerButton.customId.split(":")[2]!;
    const offered = await h.fake
      .modalSubmit({ channelId: h.channelId, user: m2, customId: `cc:drill-modal:${attemptId}`, fields: { answer: "Readmissions down 10% within 90 days" }, message: drillId })
      .reply();
    expect(offered.type).toBe(7);
    expect(embedText(offered.data)).toContain(PUSHBACK);
    expect(embedText(offered.data)).not.toContain("Rate yourself");
    expect(buttonRows(offered.data)).toMatchObject([[{ label: "Answer the follow-up" }, { label: "Skip to self-rating" }]]);
    expect((await press(m2, buttonRows(offered.data)[0]![0]!.customId, drillId, h.channelId).reply()).type).toBe(9);
    const feedback = await h.fake
      .modalSubmit({ channelId: h.channelId, user: m2, customId: `cc:drill-follow-up-modal:${attemptId}`, fields: { answer: FOLLOW_UP_ANSWER }, message: drillId })
      .reply();
    expect(feedback.type).toBe(7);
    expect(embedText(feedback.data)).toContain(`Your follow-up answer: ${FOLLOW_UP_ANSWER}`);
    expect(embedText(feedback.data)).toContain("Rate yourself");
    let rows = buttonRows(feedback.data);
    expect(rows.at(-1)![0]).toMatchObject({ label: "Save rating", disabled: true });
    for (let i = 0; i < rows.length - 1; i++) {
      const click = await press(m2, rows[i]![3]!.customId, drillId, h.channelId).reply();
      expect(click.type).toBe(7);
      rows = buttonRows(h.fake.message(drillId));
    }
    const save = rows.at(-1)![0]!;
    expect(save.disabled).toBe(false);
    const saved = await press(m2, save.customId, drillId, h.channelId).reply();
    expect(String(saved.data?.content)).toContain("Rating saved");
    const attempt = await h.repos.drills.getAttempt(Number(attemptId));
    expect(Object.values(attempt?.ratings ?? {})).toEqual(Array(rows.length - 1).fill(4));
    expect(attempt?.followUpBody).toBe(FOLLOW_UP_ANSWER);
  });

  it("lets a drill skip its follow-up straight to the self-rating", async () => {
    const start = h.fake.chatInput({ channelId: h.channelId, user: m5, name: "drill", options: {} });
    const question = await answerOf(start);
    const drillId = String((await originalMessage(h.fake, start)).id);
    const attemptId = buttonRows(question.data)[0]![0]!.customId.split(":")[2]!;
    const offered = await h.fake.modalSubmit({ channelId: h.channelId, user: m5, customId: `cc:drill-modal:${attemptId}`, fields: { answer: "A first answer." }, message: drillId }).reply();
    const skipped = await press(m5, buttonRows(offered.data)[0]![1]!.customId, drillId, h.channelId).reply();
    expect(skipped.type).toBe(7);
    expect(embedText(skipped.data)).toContain("Rate yourself");
    expect(embedText(skipped.data)).not.toContain("Your follow-up answer");
    expect(buttonRows(skipped.data).at(-1)![0]).toMatchObject({ label: "Save rating", disabled: true });
    // Only the drill's owner may skip it.
    const forged = await answerOf(press(m4, buttonRows(offered.data)[0]![1]!.customId, drillId, h.channelId));
    expect(String(forged.data?.content)).toContain("belongs to someone else");
  });

  it("forgets a member after they confirm", async () => {
    const ask = coach(m3, "forget-me");
    const reply = await answerOf(ask);
    expect(reply.ephemeral).toBe(true);
    expect(buttonRows(reply.data)[0]?.map((b) => b.label)).toEqual(["Delete my data", "Cancel"]);
    const askId = String((await originalMessage(h.fake, ask)).id);
    expect(await h.repos.answers.forUser(ref(m3))).toHaveLength(1);
    const done = await press(m3, "cc:forget:confirm", askId, h.channelId).reply();
    expect(done.type).toBe(7);
    expect(String(done.data?.content)).toContain("Done: 1 answers");
    expect(await h.repos.answers.forUser(ref(m3))).toHaveLength(0);
  });

  it("answers autocomplete for tracks, zones and categories", async () => {
    const zones = await h.fake.autocomplete({ channelId: h.channelId, user: h.adminId, name: "coach", subcommand: "setup", options: { zone: "new_y" }, focused: "zone" }).reply();
    expect(zones.data?.choices).toEqual([{ name: "America/New_York", value: "America/New_York" }]);
    const tracks = await h.fake.autocomplete({ channelId: h.channelId, user: m1, name: "drill", options: { track: "humana" }, focused: "track" }).reply();
    expect((tracks.data?.choices as Json[]).map((c) => c.value)).toEqual(["humana/ai-pm"]);
    const categories = await h.fake.autocomplete({ channelId: h.channelId, user: m1, name: "drill", options: { track: "humana/ai-pm", category: "" }, focused: "category" }).reply();
    expect((categories.data?.choices as Json[]).length).toBe(8);
  });
});
