import type { App } from "@slack/bolt";
import { escape, section } from "../blocks/text.ts";
import { cohortAddress } from "../refs.ts";
import type { SlackRuntime } from "../runtime.ts";
import { coachHelp, coachSubcommands } from "./coach/index.ts";

/** `/coach <subcommand> ...`: acked at once, answered privately through response_url. */
export function registerCoachCommand(app: App, rt: SlackRuntime): void {
  app.command("/coach", async ({ ack, command, respond, context }) => {
    await ack();
    const [name = "help", ...args] = command.text.trim().split(/\s+/).filter(Boolean);
    const teamId = context.teamId ?? command.team_id;
    const subcommand = coachSubcommands.find((s) => s.name === name.toLowerCase());
    let reply;
    try {
      reply = subcommand
        ? await subcommand.run({
            rt,
            teamId,
            channelId: command.channel_id,
            userId: command.user_id,
            args,
            address: cohortAddress(teamId, command.channel_id),
            actor: () => rt.actor(teamId, command.user_id),
          })
        : { text: `There is no /coach ${name} command.`, blocks: [section(`There is no \`/coach ${escape(name)}\` command. Here is what there is:`), ...(coachHelp().blocks ?? [])] };
    } catch (error) {
      reply = rt.failure(error, { command: "/coach", subcommand: name, channel: command.channel_id, user: command.user_id });
    }
    await respond({ response_type: "ephemeral", text: reply.text, ...(reply.blocks ? { blocks: reply.blocks } : {}) });
  });
}
