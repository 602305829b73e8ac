import { plain } from "../../blocks/text.ts";
import type { CoachSubcommand } from "../types.ts";

export const pause: CoachSubcommand = {
  name: "pause", usage: "", summary: "stop daily questions until resumed",
  run: async (ctx) => plain(`Paused: no new questions until someone runs \`/coach resume\`. ${await ctx.rt.coach.pause(ctx.address, await ctx.actor())}.`),
};
