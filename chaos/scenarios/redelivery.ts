import { tally, type Row } from "../report.ts";
import { inWorld, until } from "../world.ts";
import { local, MONDAY, TRACK, WEEKDAYS } from "./common.ts";
import {
  allSubmitted,
  answerCount,
  answerText,
  criteriaOf,
  deliverAcross,
  ephemeralsTo,
  openReviews,
  postMondayQuestion,
  recordedOnce,
  scoreClick,
  settle,
  slackRef,
  submitClick,
  threadReply,
} from "./slack-loop.ts";

const MEMBERS = 9;
const CHANNEL = "CDUP0001";
const DISCORD_MEMBERS = 6;
const schedule = { trackId: TRACK, postTime: "09:00", timeZone: "America/New_York", weekdays: [...WEEKDAYS] };
const score = (i: number, c: number) => ((i + c) % 5) + 1;

type Counts = Awaited<ReturnType<typeof recordedOnce>>;
const sum = (parts: readonly { duplicates: number; losses: number }[], key: "duplicates" | "losses") => parts.reduce((n, p) => n + p[key], 0);

/** 3 (Slack). Every event and click delivered three times across the three replicas: recorded once. */
export function slackTripleDelivery(): Promise<Row> {
  return inWorld("s3-slack", { start: local(MONDAY, "08:58") }, async (world) => {
    const members = world.addSlackUsers("DUP", MEMBERS);
    await world.addSlackCohort(CHANNEL, schedule, members);
    await world.startReplicas(3);
    const { threadTs, promptId } = await postMondayQuestion(world, CHANNEL);

    await Promise.all(members.map((user, i) => deliverAcross(world, "event", threadReply(CHANNEL, threadTs, user, answerText(i)), 3, i)));
    await until("every answer recorded", async () => ((await answerCount(world, promptId)) >= MEMBERS ? true : undefined));
    await until("every member's receipt", () => (members.every((u) => ephemeralsTo(world, CHANNEL, u).length > 0) ? true : undefined));
    await settle(world);

    const assignments = await openReviews(world, promptId);
    const criteria = await criteriaOf(world, promptId);
    await Promise.all(
      assignments.map(async (assignment, i) => {
        for (const [c, criterion] of criteria.entries()) await deliverAcross(world, "action", scoreClick(world, assignment, criterion, score(i, c)), 3, i);
        await deliverAcross(world, "action", submitClick(world, assignment), 3, i);
      }),
    );
    await allSubmitted(world, promptId, assignments.length);
    await settle(world);

    const counts: Counts = await recordedOnce(world, promptId, members.map((u) => slackRef(world, u)), assignments, criteria);
    // A redelivery that changes nothing must say nothing: one private receipt per answer.
    const receipts = tally(members, members.flatMap((u) => ephemeralsTo(world, CHANNEL, u).map(() => u)));
    const parts = [...Object.values(counts), receipts];
    return {
      scenario: "3a. Slack: every event and click delivered 3x across replicas",
      expected: `${MEMBERS} answers, receipts and answer points; ${assignments.length * criteria.length} scores; ${assignments.length} review points`,
      seen: `${counts.answers.seen} answers, ${receipts.seen} receipts, ${counts.answerPoints.seen} answer points; ${counts.scores.seen} scores; ${counts.reviewPoints.seen} review points`,
      duplicates: sum(parts, "duplicates"),
      losses: sum(parts, "losses"),
      crashes: world.crashes().length,
    };
  });
}

/** 3 (Discord). Thread replies and every interaction replayed twice more by the gateway: recorded once. */
export function discordReplays(): Promise<Row> {
  return inWorld("s3-discord", { start: local(MONDAY, "08:58") }, async (world) => {
    const { discord, guildId } = world;
    const { channelId } = await world.addDiscordCohort("replays", schedule);
    const members = Array.from({ length: DISCORD_MEMBERS }, (_, i) => discord.addMember(guildId, { username: `replay${i}`, globalName: `Replay ${i}` }).id);
    // One gateway session, as Discord runs one shard: replays come from the gateway, not from replicas.
    await world.startReplicas(1, { slack: false, discord: true });
    await world.setClock(local(MONDAY, "09:00"));
    const thread = await until("the question's thread", () => discord.threads(channelId)[0]);
    const [prompt] = await world.query<{ id: number }>(`select id from prompts where thread_ref = $1`, [`discord:thread:${thread.id}`]);
    const promptId = prompt!.id;

    for (const [i, member] of members.entries()) {
      const message = discord.messageCreate({ channelId: thread.id, author: member, content: answerText(i) });
      discord.dispatch("MESSAGE_CREATE", message);
      discord.dispatch("MESSAGE_CREATE", message);
    }
    await until("every Discord answer recorded", async () => ((await answerCount(world, promptId)) >= DISCORD_MEMBERS ? true : undefined));
    await settle(world);

    const assignments = await openReviews(world, promptId);
    const criteria = await criteriaOf(world, promptId);
    const reviewsOpen = await until("the Review button", () =>
      discord.messages(thread.id).find((m) => JSON.stringify(m["components"] ?? []).includes(`cc:review:${promptId}`)),
    );
    const pressReplayed = async (user: string, customId: string) => {
      const interaction = discord.button({ channelId: thread.id, user, customId, message: String(reviewsOpen["id"]) });
      await interaction.reply();
      discord.replay(interaction);
      discord.replay(interaction);
    };
    for (const [i, assignment] of assignments.entries()) {
      const reviewer = assignment.reviewerRef.replace("discord:", "");
      for (const [c, criterion] of criteria.entries()) await pressReplayed(reviewer, `cc:score:${assignment.id}:${criterion}:${score(i, c)}`);
      await pressReplayed(reviewer, `cc:submit:${assignment.id}`);
    }
    await allSubmitted(world, promptId, assignments.length);
    await settle(world);

    const counts = await recordedOnce(world, promptId, members.map((m) => `discord:${m}`), assignments, criteria);
    const parts = Object.values(counts);
    return {
      scenario: "3b. Discord: thread replies and interactions replayed 3x",
      expected: `${DISCORD_MEMBERS} answers and answer points; ${assignments.length * criteria.length} scores; ${assignments.length} review points`,
      seen: `${counts.answers.seen} answers, ${counts.answerPoints.seen} answer points; ${counts.scores.seen} scores; ${counts.reviewPoints.seen} review points`,
      duplicates: sum(parts, "duplicates"),
      losses: sum(parts, "losses"),
      crashes: world.crashes().length,
    };
  });
}
