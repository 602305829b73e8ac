import { plain } from "../../blocks/text.ts";
import type { CoachSubcommand } from "../types.ts";

export const resume: CoachSubcommand = {
  name: "resume", usage: "", summary: "start daily questions again",
  run: async (ctx) => plain(`Resumed. ${await ctx.rt.coach.resume(ctx.address, await ctx.actor())}.`),
};
