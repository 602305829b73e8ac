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
import { showStored, StoredNotShown } from "../stored-not-shown.ts";
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
 * 3 s deadline never passes. Returns that deferral, since the answer then goes by edit.
 */
async function withinDeadline(defer: () => Promise<unknown>, work: () => Promise<BaseMessageOptions>): Promise<{ payload: BaseMessageOptions; deferral: Promise<unknown> | undefined }> {
  let deferral: Promise<unknown> | undefined;
  const timer = setTimeout(() => {
    deferral = defer();
    deferral.catch(() => {});
  }, DEFER_AFTER_MS);
  try {
    const payload = await work();
    clearTimeout(timer);
    return { payload, deferral };
  } catch (error) {
    clearTimeout(timer);
    await deferral?.catch(() => {});
    throw error;
  }
}

/**
 * `stored`: what the member reads when `work` stored a change and Discord then would not
 * show its result; without it, the work changes nothing and any failure is generic.
 */
export interface ShowOptions {
  readonly stored?: string;
}

/** Runs the step that shows what `work` returned, marked when `work` stored something. */
const show = (options: ShowOptions, step: () => Promise<unknown>): Promise<unknown> => (options.stored ? showStored(options.stored, step) : step());

/**
 * Replies (privately unless told otherwise) with what `work` renders. Fast work gets
 * a direct reply; slow work is deferred before Discord's 3 s deadline and edited in.
 */
export async function replyWith(
  interaction: RepliableInteraction,
  work: () => Promise<BaseMessageOptions>,
  options: ShowOptions & { readonly visibility?: "private" | "public" } = {},
): Promise<void> {
  const flags = options.visibility === "public" ? undefined : MessageFlags.Ephemeral;
  const defer = () => {
    deferredReplies.add(interaction);
    return interaction.deferReply({ flags });
  };
  const { payload, deferral } = await withinDeadline(defer, work);
  await show(options, async () => {
    if (!deferral) return interaction.reply({ ...payload, flags });
    await deferral;
    return interaction.editReply(payload);
  });
}

/** Replaces the message the button (or modal opened from it) belongs to: ephemeral review and drill cards. */
export async function updateWith(interaction: ButtonInteraction | ModalSubmitInteraction, work: () => Promise<BaseMessageOptions>, options: ShowOptions = {}): Promise<void> {
  const { payload, deferral } = await withinDeadline(() => interaction.deferUpdate(), work);
  await show(options, async () => {
    if (deferral) {
      await deferral;
      return interaction.editReply(payload);
    }
    if (interaction.isButton() || interaction.isFromMessage()) return interaction.update(payload);
    return interaction.reply({ ...payload, flags: MessageFlags.Ephemeral });
  });
}

export function isAlreadyAcknowledged(error: unknown): boolean {
  return error instanceof DiscordAPIError && error.code === RESTJSONErrorCodes.InteractionHasAlreadyBeenAcknowledged;
}

const isUnknownInteraction = (error: unknown) => error instanceof DiscordAPIError && error.code === RESTJSONErrorCodes.UnknownInteraction;

/**
 * The one place errors become what users see: a CoachingError's own words, privately;
 * a stored change Discord would not show, the words saying it was kept (a warning:
 * nothing was lost); anything else logged with context and a generic private apology.
 * A replayed interaction (already acknowledged) has had its effect through the
 * engine's idempotency, so it is simply done.
 */
export async function runInteraction(interaction: Interaction, ctx: HandlerContext, handler: () => Promise<void>): Promise<void> {
  try {
    await handler();
  } catch (error) {
    const cause = error instanceof StoredNotShown ? error.cause : error;
    if (isAlreadyAcknowledged(cause)) {
      ctx.log.debug({ interactionId: interaction.id }, "interaction already acknowledged (replay); engine call was idempotent");
      return;
    }
    if (isUnknownInteraction(cause)) {
      ctx.log.warn({ interactionId: interaction.id, stored: cause !== error }, "interaction expired before we answered");
      return;
    }
    const context = { interactionId: interaction.id, type: interaction.type, user: interaction.user.id, ...describe(interaction) };
    let text = GENERIC_ERROR;
    if (isCoachingError(error)) text = error.message;
    else if (error instanceof StoredNotShown) {
      text = error.notice;
      ctx.log.warn({ err: cause, ...context }, "change stored, but Discord would not show it");
    } else {
      ctx.log.error({ err: error, ...context }, "discord interaction failed");
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
