import {
  DiscordAPIError,
  GuildMember,
  MessageFlags,
  PermissionFlagsBits,
  RESTJSONErrorCodes,
  type BaseMessageOptions,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Client,
  type Interaction,
  type ModalSubmitInteraction,
  type RepliableInteraction,
} from "discord.js";
import type { Coach } from "../core/coach.ts";
import type { Actor, CohortAddress } from "../core/cohorts/types.ts";
import { CoachingError, isCoachingError } from "../core/errors.ts";
import type { Logger } from "../logger.ts";
import { cohortAddress, userRef } from "./refs.ts";

export interface HandlerContext {
  readonly coach: Coach;
  readonly log: Logger;
  readonly client: Client;
}

export type SubcommandHandler = (interaction: ChatInputCommandInteraction, ctx: HandlerContext) => Promise<void>;
export type ButtonHandler = (interaction: ButtonInteraction, ctx: HandlerContext, args: readonly string[]) => Promise<void>;
export type ModalHandler = (interaction: ModalSubmitInteraction, ctx: HandlerContext, args: readonly string[]) => Promise<void>;

export const GENERIC_ERROR = "Something went wrong on our side; nothing was changed. Please try again in a minute.";

/** Interactions die after 3 s; past this much work we acknowledge first and edit later. */
const DEFER_AFTER_MS = 2_000;

export function isManageServer(interaction: Interaction): boolean {
  return interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) ?? false;
}

export function actorOf(interaction: Interaction): Actor {
  const member = interaction.member instanceof GuildMember ? interaction.member : undefined;
  const nick = interaction.member && !(interaction.member instanceof GuildMember) ? interaction.member.nick : undefined;
  return {
    userRef: userRef(interaction.user.id),
    displayName: member?.displayName ?? nick ?? interaction.user.globalName ?? interaction.user.username,
    isPlatformAdmin: isManageServer(interaction),
  };
}

/** The cohort is the channel; inside one of its answer threads, the parent channel. */
export function addressOf(interaction: Interaction): CohortAddress {
  if (!interaction.guildId || !interaction.channelId) {
    throw new CoachingError("not-a-cohort", "Use this in a server channel that runs a cohort.");
  }
  const channel = interaction.channel;
  const channelId = channel?.isThread() && channel.parentId ? channel.parentId : interaction.channelId;
  return cohortAddress(interaction.guildId, channelId);
}

/** Private replies whose acknowledgement was a deferReply, so errors edit it instead of adding a follow-up. */
const deferredReplies = new WeakSet<RepliableInteraction>();

/**
 * Runs `work`; if it outlasts DEFER_AFTER_MS, acknowledges with `defer` first so Discord's
 * 3 s deadline never passes. Says whether it deferred, since the answer then goes by edit.
 */
async function withinDeadline(defer: () => Promise<unknown>, work: () => Promise<BaseMessageOptions>): Promise<{ payload: BaseMessageOptions; deferred: boolean }> {
  let deferral: Promise<unknown> | undefined;
  const timer = setTimeout(() => {
    deferral = defer();
    deferral.catch(() => {});
  }, DEFER_AFTER_MS);
  try {
    const payload = await work();
    clearTimeout(timer);
    if (deferral) await deferral;
    return { payload, deferred: deferral !== undefined };
  } catch (error) {
    clearTimeout(timer);
    await deferral?.catch(() => {});
    throw error;
  }
}

/**
 * Replies (privately unless told otherwise) with what `work` renders. Fast work gets
 * a direct reply; slow work is deferred before Discord's 3 s deadline and edited in.
 */
export async function replyWith(interaction: RepliableInteraction, work: () => Promise<BaseMessageOptions>, visibility: "private" | "public" = "private"): Promise<void> {
  const flags = visibility === "private" ? MessageFlags.Ephemeral : undefined;
  const defer = () => {
    deferredReplies.add(interaction);
    return interaction.deferReply({ flags });
  };
  const { payload, deferred } = await withinDeadline(defer, work);
  if (deferred) await interaction.editReply(payload);
  else await interaction.reply({ ...payload, flags });
}

/** Replaces the message the button (or modal opened from it) belongs to: ephemeral review and drill cards. */
export async function updateWith(interaction: ButtonInteraction | ModalSubmitInteraction, work: () => Promise<BaseMessageOptions>): Promise<void> {
  const { payload, deferred } = await withinDeadline(() => interaction.deferUpdate(), work);
  if (deferred) {
    await interaction.editReply(payload);
  } else if (interaction.isButton() || interaction.isFromMessage()) {
    await interaction.update(payload);
  } else {
    await interaction.reply({ ...payload, flags: MessageFlags.Ephemeral });
  }
}

export function isAlreadyAcknowledged(error: unknown): boolean {
  return error instanceof DiscordAPIError && error.code === RESTJSONErrorCodes.InteractionHasAlreadyBeenAcknowledged;
}

const isUnknownInteraction = (error: unknown) => error instanceof DiscordAPIError && error.code === RESTJSONErrorCodes.UnknownInteraction;

/**
 * The one place errors become what users see: a CoachingError's own words, privately;
 * anything else logged with context and a generic private apology. A replayed
 * interaction (already acknowledged) has had its effect through the engine's
 * idempotency, so it is simply done.
 */
export async function runInteraction(interaction: Interaction, ctx: HandlerContext, handler: () => Promise<void>): Promise<void> {
  try {
    await handler();
  } catch (error) {
    if (isAlreadyAcknowledged(error)) {
      ctx.log.debug({ interactionId: interaction.id }, "interaction already acknowledged (replay); engine call was idempotent");
      return;
    }
    if (isUnknownInteraction(error)) {
      ctx.log.warn({ interactionId: interaction.id }, "interaction expired before we answered");
      return;
    }
    const text = isCoachingError(error) ? error.message : GENERIC_ERROR;
    if (!isCoachingError(error)) {
      ctx.log.error({ err: error, interactionId: interaction.id, type: interaction.type, user: interaction.user.id, ...describe(interaction) }, "discord interaction failed");
    }
    if (!interaction.isRepliable()) return;
    await tellPrivately(interaction, text).catch((sendError: unknown) => {
      if (!isAlreadyAcknowledged(sendError)) ctx.log.warn({ err: sendError, interactionId: interaction.id }, "could not show an error to the user");
    });
  }
}

async function tellPrivately(interaction: RepliableInteraction, text: string): Promise<void> {
  if (!interaction.deferred && !interaction.replied) {
    await interaction.reply({ content: text, flags: MessageFlags.Ephemeral });
  } else if (deferredReplies.has(interaction) && !interaction.replied) {
    await interaction.editReply({ content: text, embeds: [], components: [] });
  } else {
    await interaction.followUp({ content: text, flags: MessageFlags.Ephemeral });
  }
}

function describe(interaction: Interaction): Record<string, unknown> {
  if (interaction.isChatInputCommand()) return { command: interaction.commandName, subcommand: interaction.options.getSubcommand(false) };
  if (interaction.isMessageComponent() || interaction.isModalSubmit()) return { customId: interaction.customId };
  return {};
}
