import { tally, type Row } from "../report.ts";
import { until, World } from "../world.ts";
import { local, MONDAY, TRACK, WEEKDAYS } from "./common.ts";
import {
  answerCount,
  answerText,
  criteriaOf,
  deliverAcross,
  ephemeralsTo,
  openReviews,
  pointsRows,
  postMondayQuestion,
  scoreClick,
  settle,
  slackRef,
  submitClick,
  threadReply,
} from "./slack-loop.ts";

const MEMBERS = 9;
const CHANNEL = "CDUP0001";

/** 3 (Slack). Every event and click delivered three times across the three replicas: recorded once. */
export async function slackTripleDelivery(): Promise<Row> {
  const world = await World.create("s3-slack", { start: local(MONDAY, "08:58") });
  try {
    const members = world.addSlackUsers("DUP", MEMBERS);
    await world.addSlackCohort(CHANNEL, { trackId: TRACK, postTime: "09:00", timeZone: "America/New_York", weekdays: [...WEEKDAYS] }, members);
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
        for (const [c, criterion] of criteria.entries()) await deliverAcross(world, "action", scoreClick(world, assignment, criterion, ((i + c) % 5) + 1), 3, i);
        await deliverAcross(world, "action", submitClick(world, assignment), 3, i);
      }),
    );
    await until("every review submitted", async () => {
      const [row] = await world.query<{ n: number }>(`select count(*)::int as n from review_assignments where prompt_id = $1 and submitted_at is not null`, [promptId]);
      return (row?.n ?? 0) >= assignments.length ? true : undefined;
    });
    await settle(world);

    const refs = members.map((u) => slackRef(world, u));
    const answers = await world.query<{ user_ref: string }>(`select user_ref from answers where prompt_id = $1`, [promptId]);
    const answerPoints = await pointsRows(world, "answer");
    const reviewPoints = await world.query<{ source: string }>(`select split_part(source, '#', 1) as source from points_ledger where kind = 'review' and points > 0`);
    const scores = await world.query<{ key: string }>(
      `select s.assignment_id || ':' || s.criterion_id as key from review_scores s join review_assignments a on a.id = s.assignment_id where a.prompt_id = $1`,
      [promptId],
    );
    const parts = [
      tally(refs, answers.map((a) => a.user_ref)),
      tally(refs, [...answerPoints].flatMap(([ref, n]) => Array<string>(n).fill(ref))),
      // A redelivery that changes nothing must say nothing: one private receipt per answer.
      tally(members, members.flatMap((u) => ephemeralsTo(world, CHANNEL, u).map(() => u))),
      tally(assignments.flatMap((a) => criteria.map((c) => `${a.id}:${c}`)), scores.map((s) => s.key)),
      tally(assignments.map((a) => `assignment:${a.id}`), reviewPoints.map((p) => p.source)),
    ];
    return {
      scenario: "3a. Slack: every event and click delivered 3x across replicas",
      expected: `${MEMBERS} answers, receipts and answer points; ${assignments.length * criteria.length} scores; ${assignments.length} review points`,
      seen: `${parts[0]!.seen} answers, ${parts[2]!.seen} receipts, ${parts[1]!.seen} answer points; ${parts[3]!.seen} scores; ${parts[4]!.seen} review points`,
      duplicates: parts.reduce((sum, p) => sum + p.duplicates, 0),
      losses: parts.reduce((sum, p) => sum + p.losses, 0),
      crashes: world.crashes().length,
    };
  } finally {
    await world.close();
  }
}

const DISCORD_MEMBERS = 6;

/** 3 (Discord). Thread replies and every interaction replayed twice more by the gateway: recorded once. */
export async function discordReplays(): Promise<Row> {
  const world = await World.create("s3-discord", { start: local(MONDAY, "08:58") });
  try {
    const { discord, guildId } = world;
    const { channelId } = await world.addDiscordCohort("replays", { trackId: TRACK, postTime: "09:00", timeZone: "America/New_York", weekdays: [...WEEKDAYS] });
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
    const messageId = String(reviewsOpen["id"]);
    const pressReplayed = async (user: string, customId: string) => {
      const interaction = discord.button({ channelId: thread.id, user, customId, message: messageId });
      await interaction.reply();
      discord.replay(interaction);
      discord.replay(interaction);
    };
    for (const [i, assignment] of assignments.entries()) {
      const reviewer = assignment.reviewerRef.replace("discord:", "");
      for (const [c, criterion] of criteria.entries()) await pressReplayed(reviewer, `cc:score:${assignment.id}:${criterion}:${((i + c) % 5) + 1}`);
      await pressReplayed(reviewer, `cc:submit:${assignment.id}`);
    }
    await until("every Discord review submitted", async () => {
      const [row] = await world.query<{ n: number }>(`select count(*)::int as n from review_assignments where prompt_id = $1 and submitted_at is not null`, [promptId]);
      return (row?.n ?? 0) >= assignments.length ? true : undefined;
    });
    await settle(world);

    const refs = members.map((m) => `discord:${m}`);
    const answers = await world.query<{ user_ref: string }>(`select user_ref from answers where prompt_id = $1`, [promptId]);
    const answerPoints = await pointsRows(world, "answer");
    const reviewPoints = await world.query<{ source: string }>(`select split_part(source, '#', 1) as source from points_ledger where kind = 'review' and points > 0`);
    const scores = await world.query<{ key: string }>(
      `select s.assignment_id || ':' || s.criterion_id as key from review_scores s join review_assignments a on a.id = s.assignment_id where a.prompt_id = $1`,
      [promptId],
    );
    const parts = [
      tally(refs, answers.map((a) => a.user_ref)),
      tally(refs, [...answerPoints].flatMap(([ref, n]) => Array<string>(n).fill(ref))),
      tally(assignments.flatMap((a) => criteria.map((c) => `${a.id}:${c}`)), scores.map((s) => s.key)),
      tally(assignments.map((a) => `assignment:${a.id}`), reviewPoints.map((p) => p.source)),
    ];
    return {
      scenario: "3b. Discord: thread replies and interactions replayed 3x",
      expected: `${DISCORD_MEMBERS} answers and answer points; ${assignments.length * criteria.length} scores; ${assignments.length} review points`,
      seen: `${parts[0]!.seen} answers, ${parts[1]!.seen} answer points; ${parts[2]!.seen} scores; ${parts[3]!.seen} review points`,
      duplicates: parts.reduce((sum, p) => sum + p.duplicates, 0),
      losses: parts.reduce((sum, p) => sum + p.losses, 0),
      crashes: world.crashes().length,
    };
  } finally {
    await world.close();
  }
}
