import { PermissionFlagsBits } from "discord.js";

export type Json = Record<string, unknown>;

const DISCORD_EPOCH = 1_420_070_400_000n;

/** Strictly increasing snowflakes, so id order is creation order (message listing relies on it). */
export class SnowflakeGenerator {
  private last = 0n;

  next(): string {
    const candidate = (BigInt(Date.now()) - DISCORD_EPOCH) << 22n;
    this.last = candidate > this.last ? candidate : this.last + 1n;
    return this.last.toString();
  }
}

export function assertSnowflake(id: string, what: string): string {
  // discord.js calls BigInt() on ids (sorting, timestamps), so non-numeric ids break it in odd places.
  if (!/^\d{1,20}$/.test(id)) throw new Error(`${what} id must be a numeric snowflake string, got "${id}"`);
  return id;
}

export type PermissionName = keyof typeof PermissionFlagsBits;
/** A decimal bitfield string ("32"), a bigint, a flag name ("ManageGuild") or a list of flag names. */
export type PermissionsInput = string | bigint | PermissionName | readonly PermissionName[];

export const ALL_PERMISSIONS = Object.values(PermissionFlagsBits).reduce((all, bit) => all | bit, 0n);

export const DEFAULT_EVERYONE_PERMISSIONS =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.SendMessagesInThreads |
  PermissionFlagsBits.CreatePublicThreads |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.AttachFiles |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.AddReactions |
  PermissionFlagsBits.UseApplicationCommands;

export const DEFAULT_BOT_PERMISSIONS =
  DEFAULT_EVERYONE_PERMISSIONS | PermissionFlagsBits.ManageThreads | PermissionFlagsBits.ManageMessages;

export function resolvePermissions(input: PermissionsInput): bigint {
  if (typeof input === "bigint") return input;
  if (Array.isArray(input)) return input.reduce((bits: bigint, name) => bits | resolvePermissions(name as PermissionName), 0n);
  const text = input as string;
  if (/^\d+$/.test(text)) return BigInt(text);
  const bit = (PermissionFlagsBits as Record<string, bigint>)[text];
  if (bit === undefined) throw new Error(`Unknown permission "${text}"`);
  return bit;
}

/** Gateway intent bits (https://discord.com/developers/docs/events/gateway#gateway-intents). */
export const Intent = {
  Guilds: 1 << 0,
  GuildMembers: 1 << 1,
  GuildMessages: 1 << 9,
  GuildMessageReactions: 1 << 10,
  DirectMessages: 1 << 12,
  DirectMessageReactions: 1 << 13,
  MessageContent: 1 << 15,
} as const;

export interface UserRecord {
  id: string;
  username: string;
  globalName: string | null;
  bot: boolean;
}

export interface RoleRecord {
  id: string;
  name: string;
  permissions: bigint;
  position: number;
}

export interface MemberRecord {
  userId: string;
  roles: string[];
  nick: string | null;
  joinedAt: string;
}

export interface GuildRecord {
  id: string;
  name: string;
  ownerId: string;
  roles: Map<string, RoleRecord>;
  members: Map<string, MemberRecord>;
}

export interface ChannelRecord {
  id: string;
  type: number;
  name: string | null;
  guildId: string | null;
  parentId: string | null;
  topic: string | null;
  position: number;
  ownerId: string | null;
  recipientIds: string[];
  archived: boolean;
  locked: boolean;
  autoArchiveDuration: number;
  createdAt: string;
  lastMessageId: string | null;
  messageCount: number;
}

export const THREAD_TYPES = new Set([10, 11, 12]);
export const isThread = (channel: ChannelRecord): boolean => THREAD_TYPES.has(channel.type);

export function userPayload(user: UserRecord): Json {
  return {
    id: user.id,
    username: user.username,
    global_name: user.globalName,
    discriminator: "0",
    avatar: null,
    bot: user.bot || undefined,
    public_flags: 0,
  };
}

export function rolePayload(role: RoleRecord): Json {
  return {
    id: role.id,
    name: role.name,
    permissions: role.permissions.toString(),
    position: role.position,
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    managed: false,
    mentionable: false,
    icon: null,
    unicode_emoji: null,
    flags: 0,
  };
}

/** Gateway and REST member objects; `user` is omitted inside MESSAGE_CREATE.member as Discord does. */
export function memberPayload(member: MemberRecord, user: UserRecord | undefined, withUser = true): Json {
  return {
    ...(withUser && user ? { user: userPayload(user) } : {}),
    nick: member.nick,
    avatar: null,
    banner: null,
    roles: member.roles,
    joined_at: member.joinedAt,
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0,
    pending: false,
    communication_disabled_until: null,
  };
}

export function channelPayload(channel: ChannelRecord, users: Map<string, UserRecord>): Json {
  if (channel.type === 1 || channel.type === 3) {
    return {
      id: channel.id,
      type: channel.type,
      last_message_id: channel.lastMessageId,
      flags: 0,
      recipients: channel.recipientIds.flatMap((id) => {
        const user = users.get(id);
        return user ? [userPayload(user)] : [];
      }),
    };
  }
  const base: Json = {
    id: channel.id,
    type: channel.type,
    guild_id: channel.guildId,
    name: channel.name,
    parent_id: channel.parentId,
    last_message_id: channel.lastMessageId,
    rate_limit_per_user: 0,
    flags: 0,
    nsfw: false,
  };
  if (isThread(channel)) {
    return {
      ...base,
      owner_id: channel.ownerId,
      message_count: channel.messageCount,
      total_message_sent: channel.messageCount,
      member_count: 1,
      thread_metadata: {
        archived: channel.archived,
        locked: channel.locked,
        auto_archive_duration: channel.autoArchiveDuration,
        archive_timestamp: channel.createdAt,
        create_timestamp: channel.createdAt,
      },
    };
  }
  return { ...base, position: channel.position, topic: channel.topic, permission_overwrites: [] };
}

/** Effective guild-level permissions, the way Discord computes them before channel overwrites. */
export function memberPermissions(guild: GuildRecord, userId: string): bigint {
  if (guild.ownerId === userId) return ALL_PERMISSIONS;
  const member = guild.members.get(userId);
  let bits = guild.roles.get(guild.id)?.permissions ?? 0n;
  for (const roleId of member?.roles ?? []) bits |= guild.roles.get(roleId)?.permissions ?? 0n;
  return bits & PermissionFlagsBits.Administrator ? ALL_PERMISSIONS : bits;
}

export function mentionedUserIds(content: string): string[] {
  return [...content.matchAll(/<@!?(\d+)>/g)].map((match) => match[1] as string);
}
