import { tally, type Row } from "../report.ts";
import { inWorld, until } from "../world.ts";
import { discordPosts, local, MONDAY, slackPosts, TRACK, WEEKDAYS } from "./common.ts";
import { answerCount, answerText, settle, threadReply } from "./slack-loop.ts";

const zone = "America/New_York";
const settings = (postTime: string) => ({ trackId: TRACK, postTime, timeZone: zone, weekdays: [...WEEKDAYS] });
/** Replies sent while the bot is down, per platform. */
const MISSED = 4;
const EARLY = 3;
/** How long a restarted bot gets to read what it missed: generous, the machine is shared. */
const CATCH_UP_MS = 90_000;

/** Slack's ts for an instant ("seconds.micros"), so a reply seeded into history carries the time it was sent. */
const tsAt = (instant: Date, n: number) => `${Math.floor(instant.getTime() / 1000)}.${String(n).padStart(6, "0")}`;

/**
 * 5. The bot is down from 09:30 to 11:30 on both platforms. Inside that outage fall a
 * posting time (cohort "post", 10:00), a review opening (cohort "review", answers close
 * at 11:00) and thread replies to a question still open (cohort "thread"). After the
 * restart: one post, one review opening (the reminder before it skipped), and every
 * missed reply recorded.
 */
export function outage(): Promise<Row[]> {
  return inWorld("s5", { start: local(MONDAY, "07:58") }, async (world) => {
    const { slack, discord, guildId } = world;
    const slackUsers = world.addSlackUsers("OUT", EARLY + MISSED);
    const discordUsers = Array.from({ length: EARLY + MISSED }, (_, i) => discord.addMember(guildId, { username: `out${i}` }).id);
    await world.addSlackCohort("COUTPOST", settings("10:00"), slackUsers);
    await world.addSlackCohort("COUTREVW", settings("08:00"), slackUsers);
    await world.addSlackCohort("COUTTHRD", settings("08:00"), slackUsers);
    const dPost = await world.addDiscordCohort("out-post", settings("10:00"));
    const dReview = await world.addDiscordCohort("out-review", settings("08:00"));
    const dThread = await world.addDiscordCohort("out-thread", settings("08:00"));
    await world.query(`update cohorts set answer_close_time = '11:00' where channel_id in ($1, $2)`, ["COUTREVW", dReview.channelId]);

    const [first] = await world.startReplicas(1, { slack: true, discord: true });
    await world.setClock(local(MONDAY, "08:00"));
    const slackThread = async (channel: string) => (await until(`${channel}'s post`, () => slackPosts(world, channel)[0])).ts;
    const discordThread = async (channelId: string) => (await until("a Discord thread", () => discord.threads(channelId)[0])).id;
    const [sReviewTs, sThreadTs, dReviewThread, dThreadThread] = await Promise.all([
      slackThread("COUTREVW"),
      slackThread("COUTTHRD"),
      discordThread(dReview.channelId),
      discordThread(dThread.channelId),
    ]);
    const promptOf = async (like: string) => (await world.query<{ id: number }>(`select id from prompts where message_ref like $1 or thread_ref like $1`, [like]))[0]!.id;
    const prompts = {
      sReview: await promptOf(`%:COUTREVW:%`),
      sThread: await promptOf(`%:COUTTHRD:%`),
      dReview: await promptOf(`discord:thread:${dReviewThread}`),
      dThread: await promptOf(`discord:thread:${dThreadThread}`),
    };

    // Before the outage: enough answers for reviews to open.
    await world.setClock(local(MONDAY, "08:30"));
    for (let i = 0; i < EARLY; i++) {
      await world.deliverSlack("event", threadReply("COUTREVW", sReviewTs, slackUsers[i]!, answerText(i)));
      discord.messageCreate({ channelId: dReviewThread, author: discordUsers[i]!, content: answerText(i) });
    }
    await until("early answers", async () =>
      (await answerCount(world, prompts.sReview)) >= EARLY && (await answerCount(world, prompts.dReview)) >= EARLY ? true : undefined,
    );
    await settle(world);

    // The outage. Slack gives up on events nobody acked; they stay only in the thread's history.
    await world.setClock(local(MONDAY, "09:30"));
    await first!.kill("SIGKILL");
    for (let i = EARLY; i < EARLY + MISSED; i++) {
      slack.seedMessage("COUTTHRD", { ts: tsAt(local(MONDAY, "10:15"), i), thread_ts: sThreadTs, user: slackUsers[i]!, text: answerText(i) });
      discord.messageCreate({ channelId: dThreadThread, author: discordUsers[i]!, content: answerText(i) });
    }

    await world.setClock(local(MONDAY, "11:30"));
    await world.startReplicas(1, { slack: true, discord: true });
    // The first tick after a start comes within a minute; nudge the test clock so it comes now.
    await world.setClock(local(MONDAY, "11:30:01"));
    const missedSlack = slackUsers.slice(EARLY).map((u) => `slack:${slack.teamId}:${u}`);
    const missedDiscord = discordUsers.slice(EARLY).map((u) => `discord:${u}`);
    const answered = async (promptId: number) =>
      (await world.query<{ user_ref: string }>(`select user_ref from answers where prompt_id = $1`, [promptId])).map((r) => r.user_ref);
    await until(
      "missed replies recorded",
      async () => ((await answered(prompts.sThread)).length >= MISSED && (await answered(prompts.dThread)).length >= MISSED ? true : undefined),
      CATCH_UP_MS,
    ).catch(() => undefined);
    await settle(world);

    const steps = async (promptId: number) =>
      new Map((await world.query<{ step: string; status: string; attempts: number }>(`select step, status, attempts from prompt_steps where prompt_id = $1`, [promptId])).map((r) => [r.step, r]));
    const reviewOpened = async (promptId: number) => {
      const s = await steps(promptId);
      return { opened: s.get("open-reviews")?.status === "done" ? 1 : 0, retried: Math.max(0, (s.get("open-reviews")?.attempts ?? 1) - 1), reminded: s.get("answer-reminder")?.status === "done" ? 1 : 0 };
    };
    const rows: Row[] = [];
    for (const platform of ["slack", "discord"] as const) {
      const posts = platform === "slack" ? slackPosts(world, "COUTPOST").length : discordPosts(world, dPost.channelId).length;
      const review = await reviewOpened(platform === "slack" ? prompts.sReview : prompts.dReview);
      const reviewNotices =
        platform === "slack"
          ? slack.messages("COUTREVW").filter((m) => m.bot_id && m.thread_ts === sReviewTs).length
          : discord.messages(dReviewThread).filter((m) => JSON.stringify(m["components"] ?? []).includes("cc:review:")).length;
      const replies = tally(platform === "slack" ? missedSlack : missedDiscord, await answered(platform === "slack" ? prompts.sThread : prompts.dThread));
      rows.push({
        scenario: `5${platform === "slack" ? "a" : "b"}. Outage 09:30-11:30 (${platform === "slack" ? "Slack" : "Discord"}): post due, reviews due, replies missed`,
        expected: `1 post; reviews opened once, reminder skipped; ${MISSED} missed replies recorded`,
        seen: `${posts} post(s); reviews opened ${review.opened}x (${review.retried} retakes), reminder ${review.reminded ? "sent" : "skipped"}; ${replies.seen} missed replies recorded`,
        duplicates: Math.max(0, posts - 1) + review.retried + review.reminded + replies.duplicates + (platform === "discord" ? Math.max(0, reviewNotices - 1) : 0),
        losses: (posts === 0 ? 1 : 0) + (review.opened ? 0 : 1) + replies.losses,
        crashes: world.crashes().length,
      });
    }
    return rows;
  });
}
