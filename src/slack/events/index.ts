import type { App } from "@slack/bolt";
import type { SlackRuntime } from "../runtime.ts";
import { registerMessageEvents } from "./message.ts";

/** Every event subscription; each must also appear in slack/manifest.yaml. */
export const eventRegistrations: readonly ((app: App, rt: SlackRuntime) => void)[] = [registerMessageEvents];
