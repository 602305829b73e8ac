import type { App } from "@slack/bolt";
import type { SlackRuntime } from "../runtime.ts";
import { registerCoachCommand } from "./coach.ts";
import { registerDrillCommand } from "./drill.ts";

/** Every slash command; each must also appear in slack/manifest.yaml. */
export const commandRegistrations: readonly ((app: App, rt: SlackRuntime) => void)[] = [registerCoachCommand, registerDrillCommand];
