import type { App } from "@slack/bolt";
import { drillQuestion } from "../blocks/replies.ts";
import { userRef } from "../refs.ts";
import type { SlackRuntime } from "../runtime.ts";

/** `/drill [track] [category]`: a private practice question; defaults to this channel's cohort track. */
export function registerDrillCommand(app: App, rt: SlackRuntime): void {
  app.command("/drill", async ({ ack, command, respond, context }) => {
    await ack();
    const teamId = context.teamId ?? command.team_id;
    const [named, category] = command.text.trim().split(/\s+/).filter(Boolean);
    const reply = await rt.afterAck(async () => {
      try {
        const trackId = named ?? (await rt.coach.cohort({ platform: "slack", workspaceId: teamId, channelId: command.channel_id }))?.trackId;
        return drillQuestion(await rt.coach.drill({ userRef: userRef(teamId, command.user_id), trackId, category }));
      } catch (error) {
        return rt.failure(error, { command: "/drill", channel: command.channel_id, user: command.user_id });
      }
    });
    await respond({ response_type: "ephemeral", text: reply.text, ...(reply.blocks ? { blocks: reply.blocks } : {}) });
  });
}
