import { helpReply } from "../../blocks/replies.ts";
import type { CoachSubcommand } from "../types.ts";

export const help: CoachSubcommand = { name: "help", run: async () => helpReply() };
