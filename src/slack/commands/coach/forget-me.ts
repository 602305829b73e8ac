import { forgetMeConfirm } from "../../blocks/replies.ts";
import type { CoachSubcommand } from "../types.ts";

/** Deletion is irreversible, so the command only asks; the button does it. */
export const forgetMe: CoachSubcommand = { name: "forget-me", usage: "", summary: "delete all your answers, reviews and points", run: async () => forgetMeConfirm() };
