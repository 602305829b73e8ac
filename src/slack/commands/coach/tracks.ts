import { tracksReply } from "../../blocks/replies.ts";
import type { CoachSubcommand } from "../types.ts";

export const tracks: CoachSubcommand = { name: "tracks", usage: "", summary: "question tracks you can use", run: async (ctx) => tracksReply(await ctx.rt.coach.tracks()) };
