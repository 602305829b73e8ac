import { meReply } from "../../blocks/replies.ts";
import type { CoachSubcommand } from "../types.ts";

export const me: CoachSubcommand = { name: "me", usage: "", summary: "your points, streak and weakest criteria", run: async (ctx) => meReply(await ctx.rt.coach.me(ctx.address, await ctx.actor())) };
