import type { Actor, CohortAddress } from "../../core/cohorts/types.ts";
import type { Reply } from "../blocks/text.ts";
import type { SlackRuntime } from "../runtime.ts";

export interface CommandContext {
  readonly rt: SlackRuntime;
  readonly teamId: string;
  readonly channelId: string;
  readonly userId: string;
  /** Words after the subcommand. */
  readonly args: readonly string[];
  readonly address: CohortAddress;
  actor(): Promise<Actor>;
}

/** One `/coach` subcommand: its name, its line in help, and what it does. */
export interface CoachSubcommand {
  readonly name: string;
  /** Arguments after the name, as help shows them. */
  readonly usage: string;
  /** Help's one line about it; help is generated from these, so it cannot drift. */
  readonly summary: string;
  run(ctx: CommandContext): Promise<Reply>;
}
