import { randomBytes } from "node:crypto";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { FakeGateway } from "./gateway.ts";
import {
  DiscordHttpError,
  httpErrors,
  RestRecorder,
  toPredicate,
  type CallMatcher,
  type FailureInjection,
  type RecordedCall,
  type RecordedFile,
  type RouteContext,
} from "./http.ts";
import {
  assertSnowflake,
  channelPayload,
  DEFAULT_BOT_PERMISSIONS,
  DEFAULT_EVERYONE_PERMISSIONS,
  Intent,
  isThread,
  memberPayload,
  memberPermissions,
  mentionedUserIds,
  resolvePermissions,
  rolePayload,
  SnowflakeGenerator,
  THREAD_TYPES,
  userPayload,
  type ChannelRecord,
  type GuildRecord,
  type Json,
  type MemberRecord,
  type PermissionsInput,
  type UserRecord,
} from "./model.ts";

export type { CallMatcher, FailureInjection, RecordedCall, RecordedFile } from "./http.ts";
export type { Json, PermissionsInput } from "./model.ts";

export interface FakeDiscordOptions {
  /** Default 1000 ms: short so zombie-connection detection (withheld ACKs) happens within ~2 s. */
  heartbeatIntervalMs?: number;
  /** If set, gateway IDENTIFY must carry this token (else close 4004). REST only checks for "Bot ...". */
  token?: string;
  botUser?: { id?: string; username?: string };
  applicationId?: string;
  /** Guild-level permissions of the bot's own role (also sent as app_permissions). */
  botPermissions?: PermissionsInput;
  /** Portal toggles for privileged intents. Default true. */
  allowMessageContent?: boolean;
  allowGuildMembers?: boolean;
  /** Default false: dispatches while no client is connected are lost (fetch-to-catch-up tests). True mimics Discord, which replays them on RESUME. */
  replayWhileDisconnected?: boolean;
  /** Interaction callbacks later than this are answered 404 Unknown interaction. Default 3000 ms like Discord; Infinity disables. */
  interactionDeadlineMs?: number;
  /** Discord's global limit on the bot's REST requests (50 a second on Discord), answered 429 with Retry-After when exceeded; none unless given. */
  globalRequestsPerSecond?: number;
  /** The global limit's clock; Date.now unless a test freezes it. */
  now?: () => number;
  /** Default timeout of waitFor* helpers. Default 30 s: they resolve on the event, the limit only stops a hung test on a busy machine. */
  waitTimeoutMs?: number;
}

export interface UserInput {
  id?: string;
  username?: string;
  globalName?: string;
  bot?: boolean;
}

export interface InteractionInput {
  channelId: string;
  /** Defaults to the channel's guild; omit for a DM channel. */
  guildId?: string;
  /** A registered user id or a new user. */
  user: string | UserInput;
  /** Overrides the member's computed guild permissions. */
  permissions?: PermissionsInput;
  appPermissions?: PermissionsInput;
  locale?: string;
}

export type OptionValue = string | number | boolean;

export interface ChatInputInput extends InteractionInput {
  name: string;
  /** Either Discord's nested option array (groups > subcommands > options) or a name->value map. */
  options?: Json[] | Record<string, OptionValue>;
  subcommand?: string;
  subcommandGroup?: string;
  resolved?: Json;
}

export interface AutocompleteInput extends ChatInputInput {
  /** Name of the option being typed when `options` is a map. */
  focused?: string;
}

export interface ButtonInput extends InteractionInput {
  customId: string;
  /** Id of a stored message (the bot's post with the button) or a raw message payload. */
  message: string | Json;
}

export interface SelectInput extends ButtonInput {
  values: string[];
}

export interface ModalSubmitInput extends InteractionInput {
  customId: string;
  fields: Record<string, string>;
  /** The message whose component opened the modal, if any (enables update/deferUpdate). */
  message?: string | Json;
}

export interface InteractionCallbackRecord {
  interactionId: string;
  token: string;
  /** 4 reply, 5 deferred, 6 deferred update, 7 update message, 8 autocomplete result, 9 modal. */
  type: number;
  data: Json | undefined;
  ephemeral: boolean;
}

export interface FakeInteraction {
  id: string;
  token: string;
  applicationId: string;
  type: number;
  payload: Json;
  /** Resolves with the bot's (first accepted) callback for this interaction. */
  reply(timeoutMs?: number): Promise<InteractionCallbackRecord & { call: RecordedCall }>;
  /** Resolves with the nth (default: first) successful PATCH of @original for this token. */
  waitForOriginalEdit(timeoutMs?: number, nth?: number): Promise<RecordedCall>;
  /** Resolves with the nth (default: first) followup POST for this token. */
  waitForFollowup(timeoutMs?: number, nth?: number): Promise<RecordedCall>;
}

export interface MessageInput {
  channelId: string;
  guildId?: string;
  author: string | UserInput;
  content: string;
  id?: string;
}

interface StoredMessage {
  payload: Json;
  ephemeral: boolean;
  deleted: boolean;
  nonce?: string;
}

interface InteractionState {
  id: string;
  token: string;
  type: number;
  createdAt: number;
  payload: Json;
  channelId: string;
  guildId: string | null;
  acknowledged: boolean;
  originalMessageId: string | null;
  componentMessageId: string | null;
}

interface CommandScopeKey {
  guildId: string | null;
}

const INTERACTION_CALLBACK_ROUTE = "POST /interactions/:id/:token/callback";
const ORIGINAL_PATCH_ROUTE = "PATCH /webhooks/:app/:token/messages/@original";
const FOLLOWUP_ROUTE = "POST /webhooks/:app/:token";
const FLAG_EPHEMERAL = 64;
const FLAG_LOADING = 128;

function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

export class FakeDiscord {
  readonly botUser: UserRecord;
  readonly applicationId: string;
  readonly ids = new SnowflakeGenerator();
  readonly users = new Map<string, UserRecord>();
  readonly guilds = new Map<string, GuildRecord>();
  readonly channels = new Map<string, ChannelRecord>();
  readonly interactionCallbacks: InteractionCallbackRecord[] = [];
  readonly gateway: FakeGateway;
  private readonly rest: RestRecorder;
  private readonly server: Server;
  private readonly messagesById = new Map<string, StoredMessage>();
  private readonly channelMessages = new Map<string, string[]>();
  private readonly nonces = new Map<string, string>();
  private readonly dmChannels = new Map<string, string>();
  private readonly interactions = new Map<string, InteractionState>();
  private readonly commands = new Map<string, Json[]>();
  private readonly attachments = new Map<string, RecordedFile>();
  private readonly botPermissions: bigint;
  private readonly deadlineMs: number;
  private readonly waitTimeoutMs: number;
  private readonly allowMessageContent: boolean;
  private port = 0;

  constructor(options: FakeDiscordOptions = {}) {
    this.applicationId = options.applicationId ?? this.ids.next();
    this.botUser = this.upsertUser({
      id: options.botUser?.id ?? this.applicationId,
      username: options.botUser?.username ?? "cohort-coach",
      bot: true,
    });
    this.botPermissions = resolvePermissions(options.botPermissions ?? DEFAULT_BOT_PERMISSIONS);
    this.deadlineMs = options.interactionDeadlineMs ?? 3000;
    this.rest = new RestRecorder("/api/v10", options.globalRequestsPerSecond, options.now);
    this.waitTimeoutMs = options.waitTimeoutMs ?? 30_000;
    this.allowMessageContent = options.allowMessageContent ?? true;
    this.gateway = new FakeGateway(
      {
        heartbeatIntervalMs: options.heartbeatIntervalMs ?? 1000,
        token: options.token,
        allowMessageContent: this.allowMessageContent,
        allowGuildMembers: options.allowGuildMembers ?? true,
        replayWhileDisconnected: options.replayWhileDisconnected ?? false,
      },
      {
        readyPayload: () => this.readyPayload(),
        guildCreates: () => [...this.guilds.values()].map((guild) => this.guildCreatePayload(guild)),
        memberChunk: (request) => this.memberChunk(request),
        filterFor: (eventName, data, intents) => this.filterFor(eventName, data, intents),
      },
      () => `${this.wsBase}/gateway-resume`,
    );
    this.server = createServer((req, res) => {
      const path = req.url ?? "/";
      if (path.startsWith("/attachments/")) return this.serveAttachment(path, res);
      this.rest.handle(req, res).catch((error: unknown) => {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ message: String(error), code: 0 }));
      });
    });
    this.server.on("upgrade", (req, socket, head) => {
      if ((req.url ?? "").startsWith("/gateway")) this.gateway.handleUpgrade(req, socket, head);
      else socket.destroy();
    });
    this.registerRoutes();
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** For `new Client({ rest: { api } })`; @discordjs/rest appends /v10. */
  get apiUrl(): string {
    return `${this.baseUrl}/api`;
  }

  get gatewayUrl(): string {
    return `${this.wsBase}/gateway`;
  }

  private get wsBase(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  // ---- recorded REST calls ----------------------------------------------------------------

  get calls(): readonly RecordedCall[] {
    return this.rest.calls;
  }

  get unknownCalls(): readonly RecordedCall[] {
    return this.rest.unknownCalls;
  }

  callsTo(match: CallMatcher): RecordedCall[] {
    return this.rest.calls.filter(toPredicate(match));
  }

  /** Index to pass as `since`, so a wait ignores calls made before this point. */
  mark(): number {
    return this.rest.calls.length;
  }

  /** Resolves with the first matching call at index >= since (default 0: already-recorded calls count). */
  waitFor(match: CallMatcher, timeoutMs = this.waitTimeoutMs, since = 0): Promise<RecordedCall> {
    return this.rest.waitFor(match, timeoutMs, since);
  }

  resetCalls(): void {
    this.rest.reset();
  }

  /** The next `times` calls matching answer with this failure instead of (or, with afterHandling, after) the real handler. */
  failNext(match: CallMatcher, failure: FailureInjection, times = 1): void {
    this.rest.failNext(match, failure, times);
  }

  // ---- gateway controls -------------------------------------------------------------------

  get identifies(): number {
    return this.gateway.identifies;
  }

  get resumes(): number {
    return this.gateway.resumes;
  }

  get connected(): boolean {
    return this.gateway.connected;
  }

  dispatch(eventName: string, data: unknown): number {
    return this.gateway.dispatch(eventName, data);
  }

  dropConnection(code?: number): void {
    this.gateway.dropConnection(code);
  }

  withholdHeartbeatAcks(withhold: boolean): void {
    this.gateway.withholdHeartbeatAcks(withhold);
  }

  /** Resolves once the IDENTIFY count reaches `atLeast` (default: one more than now). */
  waitForIdentify(atLeast?: number, timeoutMs = this.waitTimeoutMs): Promise<"identify" | "resume"> {
    return this.gateway.waitFor("identify", atLeast, timeoutMs);
  }

  waitForResume(atLeast?: number, timeoutMs = this.waitTimeoutMs): Promise<"identify" | "resume"> {
    return this.gateway.waitFor("resume", atLeast, timeoutMs);
  }

  /** Resolves on the next RESUME or IDENTIFY, with which one happened. */
  waitForReconnect(timeoutMs = this.waitTimeoutMs): Promise<"identify" | "resume"> {
    return this.gateway.waitFor("any", undefined, timeoutMs);
  }

  // ---- registry ---------------------------------------------------------------------------

  addUser(input: UserInput): UserRecord {
    return this.upsertUser(input);
  }

  addGuild(input: { id?: string; name: string; ownerId?: string }): GuildRecord {
    const id = input.id ? assertSnowflake(input.id, "Guild") : this.ids.next();
    const owner = input.ownerId ? this.upsertUser({ id: input.ownerId }) : this.upsertUser({ username: "owner" });
    const guild: GuildRecord = { id, name: input.name, ownerId: owner.id, roles: new Map(), members: new Map() };
    guild.roles.set(id, { id, name: "@everyone", permissions: DEFAULT_EVERYONE_PERMISSIONS, position: 0 });
    const botRole = this.ids.next();
    guild.roles.set(botRole, { id: botRole, name: this.botUser.username, permissions: this.botPermissions, position: 1 });
    this.guilds.set(id, guild);
    this.putMember(guild, this.botUser.id, [botRole]);
    this.putMember(guild, owner.id, []);
    this.gateway.dispatch("GUILD_CREATE", this.guildCreatePayload(guild));
    return guild;
  }

  addRole(guildId: string, input: { id?: string; name: string; permissions?: PermissionsInput }): string {
    const guild = this.guild(guildId);
    const id = input.id ? assertSnowflake(input.id, "Role") : this.ids.next();
    const role = { id, name: input.name, permissions: resolvePermissions(input.permissions ?? "0"), position: guild.roles.size };
    guild.roles.set(id, role);
    this.gateway.dispatch("GUILD_ROLE_CREATE", { guild_id: guildId, role: rolePayload(role) });
    return id;
  }

  /** Channel types: 0 text, 4 category, 5 announcement, 15 forum, 11/12 threads (need parentId). */
  addChannel(guildId: string, input: { id?: string; name: string; type?: number; parentId?: string; topic?: string }): ChannelRecord {
    this.guild(guildId);
    const type = input.type ?? 0;
    const channel = this.newChannel({
      id: input.id ? assertSnowflake(input.id, "Channel") : this.ids.next(),
      type,
      name: input.name,
      guildId,
      parentId: input.parentId ?? null,
      topic: input.topic ?? null,
      ownerId: THREAD_TYPES.has(type) ? this.botUser.id : null,
    });
    this.gateway.dispatch(isThread(channel) ? "THREAD_CREATE" : "CHANNEL_CREATE", this.channelJson(channel));
    return channel;
  }

  /** `permissions` becomes a per-member role, so discord.js computes member.permissions the way Discord would. */
  addMember(
    guildId: string,
    input: { id?: string; username?: string; globalName?: string; permissions?: PermissionsInput; roles?: string[]; bot?: boolean },
  ): UserRecord {
    const guild = this.guild(guildId);
    const user = this.upsertUser(input);
    const roles = [...(input.roles ?? [])];
    if (input.permissions !== undefined) {
      roles.push(this.addRole(guildId, { name: `perms:${user.username}`, permissions: input.permissions }));
    }
    const member = this.putMember(guild, user.id, roles);
    this.gateway.dispatch("GUILD_MEMBER_ADD", { ...memberPayload(member, user), guild_id: guildId });
    return user;
  }

  /** Messages of a channel, oldest first (ephemeral and deleted ones excluded). */
  messages(channelId: string): Json[] {
    return (this.channelMessages.get(channelId) ?? []).flatMap((id) => {
      const stored = this.messagesById.get(id);
      return stored && !stored.deleted && !stored.ephemeral ? [stored.payload] : [];
    });
  }

  message(messageId: string): Json | undefined {
    return this.messagesById.get(messageId)?.payload;
  }

  threads(parentId?: string): ChannelRecord[] {
    return [...this.channels.values()].filter((c) => isThread(c) && (parentId === undefined || c.parentId === parentId));
  }

  registeredCommands(guildId?: string): Json[] {
    return this.commands.get(this.commandScope({ guildId: guildId ?? null })) ?? [];
  }

  // ---- user-side gateway events -----------------------------------------------------------

  /** Stores the message, then dispatches MESSAGE_CREATE if a client is connected. */
  messageCreate(input: MessageInput): Json {
    const channel = this.channel(input.channelId);
    const author = typeof input.author === "string" ? this.upsertUser({ id: input.author }) : this.upsertUser(input.author);
    const payload = this.storeMessage(channel, author, { content: input.content }, { id: input.id });
    this.gateway.dispatch("MESSAGE_CREATE", this.withMember(payload));
    return payload;
  }

  messageUpdate(input: { channelId: string; messageId: string; content: string }): Json {
    const stored = this.storedMessage(input.channelId, input.messageId);
    Object.assign(stored.payload, { content: input.content, edited_timestamp: new Date().toISOString() });
    this.gateway.dispatch("MESSAGE_UPDATE", this.withMember(stored.payload));
    return stored.payload;
  }

  messageDelete(input: { channelId: string; messageId: string }): void {
    const stored = this.storedMessage(input.channelId, input.messageId);
    stored.deleted = true;
    this.gateway.dispatch("MESSAGE_DELETE", {
      id: input.messageId,
      channel_id: input.channelId,
      guild_id: this.channels.get(input.channelId)?.guildId ?? undefined,
    });
  }

  // ---- interactions -----------------------------------------------------------------------

  chatInput(input: ChatInputInput): FakeInteraction {
    return this.createInteraction(2, input, { data: this.commandData(input) });
  }

  autocomplete(input: AutocompleteInput): FakeInteraction {
    return this.createInteraction(4, input, { data: this.commandData(input, input.focused) });
  }

  button(input: ButtonInput): FakeInteraction {
    const message = this.resolveMessage(input.message);
    return this.createInteraction(3, input, { data: { custom_id: input.customId, component_type: 2 }, message });
  }

  stringSelect(input: SelectInput): FakeInteraction {
    const message = this.resolveMessage(input.message);
    return this.createInteraction(3, input, {
      data: { custom_id: input.customId, component_type: 3, values: input.values },
      message,
    });
  }

  modalSubmit(input: ModalSubmitInput): FakeInteraction {
    const message = input.message === undefined ? undefined : this.resolveMessage(input.message);
    return this.createInteraction(5, input, {
      data: { custom_id: input.customId, components: this.modalComponents(input.customId, input.fields) },
      ...(message ? { message } : {}),
    });
  }

  /** Re-dispatches the identical payload (same id and token), as a gateway replay would. */
  replay(interaction: FakeInteraction): void {
    this.gateway.dispatch("INTERACTION_CREATE", interaction.payload);
  }

  async close(): Promise<void> {
    this.rest.rejectAllWaiters();
    await this.gateway.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- internals: registry ----------------------------------------------------------------

  private upsertUser(input: UserInput): UserRecord {
    const id = input.id ? assertSnowflake(input.id, "User") : this.ids.next();
    const existing = this.users.get(id);
    if (existing) {
      if (input.username) existing.username = input.username;
      if (input.globalName) existing.globalName = input.globalName;
      return existing;
    }
    const user: UserRecord = {
      id,
      username: input.username ?? `user${id.slice(-4)}`,
      globalName: input.globalName ?? null,
      bot: input.bot ?? false,
    };
    this.users.set(id, user);
    return user;
  }

  private putMember(guild: GuildRecord, userId: string, roles: string[]): MemberRecord {
    const member: MemberRecord = { userId, roles, nick: null, joinedAt: new Date().toISOString() };
    guild.members.set(userId, member);
    return member;
  }

  private guild(guildId: string): GuildRecord {
    const guild = this.guilds.get(guildId);
    if (!guild) throw new Error(`Fake Discord: unknown guild ${guildId}`);
    return guild;
  }

  private channel(channelId: string): ChannelRecord {
    const channel = this.channels.get(channelId);
    if (!channel) throw new Error(`Fake Discord: unknown channel ${channelId}`);
    return channel;
  }

  private newChannel(init: Partial<ChannelRecord> & Pick<ChannelRecord, "id" | "type">): ChannelRecord {
    const channel: ChannelRecord = {
      name: null,
      guildId: null,
      parentId: null,
      topic: null,
      position: this.channels.size,
      ownerId: null,
      recipientIds: [],
      archived: false,
      locked: false,
      autoArchiveDuration: 1440,
      createdAt: new Date().toISOString(),
      lastMessageId: null,
      messageCount: 0,
      ...init,
    };
    this.channels.set(channel.id, channel);
    return channel;
  }

  private channelJson(channel: ChannelRecord): Json {
    return channelPayload(channel, this.users);
  }

  private storedMessage(channelId: string, messageId: string): StoredMessage {
    const stored = this.messagesById.get(messageId);
    if (!stored || stored.deleted || stored.payload.channel_id !== channelId) throw httpErrors.unknownMessage();
    return stored;
  }

  private resolveMessage(message: string | Json): Json {
    if (typeof message !== "string") return message;
    const stored = this.messagesById.get(message);
    if (!stored) throw new Error(`Fake Discord: unknown message ${message}`);
    return stored.payload;
  }

  private commandScope({ guildId }: CommandScopeKey): string {
    return guildId ?? "global";
  }

  // ---- internals: payloads ----------------------------------------------------------------

  private readyPayload(): Json {
    return {
      v: 10,
      user: { ...userPayload(this.botUser), verified: true, mfa_enabled: false, flags: 0 },
      guilds: [...this.guilds.keys()].map((id) => ({ id, unavailable: true })),
      shard: [0, 1],
      application: { id: this.applicationId, flags: 0 },
      private_channels: [],
      relationships: [],
      presences: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: [],
      user_settings: {},
      _trace: ["fake-gateway"],
    };
  }

  private guildCreatePayload(guild: GuildRecord): Json {
    const channels = [...this.channels.values()].filter((c) => c.guildId === guild.id);
    return {
      id: guild.id,
      name: guild.name,
      owner_id: guild.ownerId,
      icon: null,
      splash: null,
      discovery_splash: null,
      banner: null,
      description: null,
      features: [],
      afk_channel_id: null,
      afk_timeout: 300,
      system_channel_id: null,
      system_channel_flags: 0,
      rules_channel_id: null,
      public_updates_channel_id: null,
      safety_alerts_channel_id: null,
      verification_level: 0,
      default_message_notifications: 0,
      explicit_content_filter: 0,
      mfa_level: 0,
      nsfw_level: 0,
      premium_tier: 0,
      premium_subscription_count: 0,
      premium_progress_bar_enabled: false,
      preferred_locale: "en-US",
      max_members: 500000,
      max_video_channel_users: 25,
      vanity_url_code: null,
      application_id: null,
      roles: [...guild.roles.values()].map(rolePayload),
      emojis: [],
      stickers: [],
      joined_at: new Date().toISOString(),
      large: false,
      unavailable: false,
      member_count: guild.members.size,
      members: [...guild.members.values()].map((member) => memberPayload(member, this.users.get(member.userId))),
      channels: channels.filter((c) => !isThread(c)).map((c) => this.channelJson(c)),
      threads: channels.filter(isThread).map((c) => this.channelJson(c)),
      presences: [],
      voice_states: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
      embedded_activities: [],
    };
  }

  private memberChunk(request: Json): Json {
    const guild = this.guild(String(request.guild_id));
    const ids = Array.isArray(request.user_ids) ? request.user_ids.map(String) : typeof request.user_ids === "string" ? [request.user_ids] : null;
    const query = str(request.query) ?? "";
    const members = [...guild.members.values()].filter((member) => {
      const user = this.users.get(member.userId);
      return ids ? ids.includes(member.userId) : (user?.username ?? "").startsWith(query);
    });
    return {
      guild_id: guild.id,
      members: members.map((member) => memberPayload(member, this.users.get(member.userId))),
      chunk_index: 0,
      chunk_count: 1,
      not_found: ids ? ids.filter((id) => !guild.members.has(id)) : [],
      nonce: request.nonce,
    };
  }

  private filterFor(eventName: string, data: unknown, intents: number): unknown {
    const d = data as Json;
    const inGuild = typeof d?.guild_id === "string";
    const needs = (bit: number) => (intents & bit) !== 0;
    switch (eventName) {
      case "GUILD_MEMBER_ADD":
      case "GUILD_MEMBER_UPDATE":
      case "GUILD_MEMBER_REMOVE":
        return needs(Intent.GuildMembers) ? data : null;
      case "GUILD_CREATE":
      case "GUILD_ROLE_CREATE":
      case "CHANNEL_CREATE":
      case "CHANNEL_UPDATE":
      case "THREAD_CREATE":
      case "THREAD_UPDATE":
        return needs(Intent.Guilds) ? data : null;
      case "MESSAGE_REACTION_ADD":
      case "MESSAGE_REACTION_REMOVE":
        return needs(inGuild ? Intent.GuildMessageReactions : Intent.DirectMessageReactions) ? data : null;
      case "MESSAGE_CREATE":
      case "MESSAGE_UPDATE":
      case "MESSAGE_DELETE":
        if (!needs(inGuild ? Intent.GuildMessages : Intent.DirectMessages)) return null;
        return needs(Intent.MessageContent) ? data : this.stripContent(d);
      default:
        return data;
    }
  }

  /** Without Message Content, guild messages arrive empty unless they mention the bot or are the bot's own. */
  private stripContent(message: Json): Json {
    if (typeof message.guild_id !== "string" || !("content" in message)) return message;
    const author = message.author as Json | undefined;
    const mentions = (message.mentions as Json[] | undefined) ?? [];
    if (author?.id === this.botUser.id || mentions.some((m) => m.id === this.botUser.id)) return message;
    return { ...message, content: "", embeds: [], attachments: [], components: [] };
  }

  private withMember(message: Json): Json {
    const guildId = str(message.guild_id);
    const authorId = str((message.author as Json | undefined)?.id);
    const member = guildId && authorId ? this.guilds.get(guildId)?.members.get(authorId) : undefined;
    return member ? { ...message, member: memberPayload(member, undefined, false) } : message;
  }

  private storeMessage(
    channel: ChannelRecord,
    author: UserRecord,
    body: Json,
    extra: { id?: string; files?: RecordedFile[]; ephemeral?: boolean; type?: number; more?: Json } = {},
  ): Json {
    const id = extra.id ? assertSnowflake(extra.id, "Message") : this.ids.next();
    const content = str(body.content) ?? "";
    const attachments = (extra.files ?? []).map((file, index) => {
      const attachmentId = this.ids.next();
      this.attachments.set(`${channel.id}/${attachmentId}`, file);
      const described = ((body.attachments as Json[] | undefined) ?? []).find((a) => String(a.id) === String(index));
      const url = `${this.baseUrl}/attachments/${channel.id}/${attachmentId}/${encodeURIComponent(file.filename)}`;
      return {
        id: attachmentId,
        filename: file.filename,
        size: file.bytes.length,
        url,
        proxy_url: url,
        content_type: file.contentType || undefined,
        description: described?.description,
      };
    });
    const mentions = mentionedUserIds(content).flatMap((uid) => {
      const user = this.users.get(uid);
      return user ? [userPayload(user)] : [];
    });
    const payload: Json = {
      id,
      type: extra.type ?? (body.message_reference ? 19 : 0),
      channel_id: channel.id,
      ...(channel.guildId ? { guild_id: channel.guildId } : {}),
      author: userPayload(author),
      content,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: Boolean(body.tts),
      mention_everyone: false,
      mentions,
      mention_roles: [],
      attachments,
      embeds: body.embeds ?? [],
      components: body.components ?? [],
      pinned: false,
      flags: Number(body.flags ?? 0),
      ...(body.nonce !== undefined ? { nonce: body.nonce } : {}),
      ...(body.message_reference ? { message_reference: { ...(body.message_reference as Json), channel_id: channel.id } } : {}),
      ...(isThread(channel) ? { position: channel.messageCount } : {}),
      ...extra.more,
    };
    this.messagesById.set(id, { payload, ephemeral: extra.ephemeral ?? false, deleted: false });
    if (!extra.ephemeral) {
      const list = this.channelMessages.get(channel.id) ?? [];
      list.push(id);
      list.sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
      this.channelMessages.set(channel.id, list);
      channel.lastMessageId = id;
      channel.messageCount += 1;
    }
    return payload;
  }

  private validateMessageBody(body: Json, files: RecordedFile[], requireSomething: boolean): void {
    const content = str(body.content);
    if (content !== undefined && content.length > 2000) {
      throw httpErrors.invalidForm({ content: { _errors: [{ code: "BASE_TYPE_MAX_LENGTH", message: "Must be 2000 or fewer in length." }] } });
    }
    const nonce = body.nonce;
    if (typeof nonce === "string" && nonce.length > 25) {
      throw httpErrors.invalidForm({ nonce: { _errors: [{ code: "BASE_TYPE_MAX_LENGTH", message: "Must be 25 or fewer in length." }] } });
    }
    const empty =
      !content &&
      !(body.embeds as unknown[] | undefined)?.length &&
      !(body.components as unknown[] | undefined)?.length &&
      !body.poll &&
      !(body.sticker_ids as unknown[] | undefined)?.length &&
      files.length === 0;
    if (requireSomething && empty) throw httpErrors.emptyMessage();
  }

  private editMessage(stored: StoredMessage, body: Json, files: RecordedFile[]): Json {
    this.validateMessageBody(body, files, false);
    const patch: Json = { edited_timestamp: new Date().toISOString() };
    for (const key of ["content", "embeds", "components", "allowed_mentions"]) if (key in body) patch[key] = body[key];
    if ("flags" in body) patch.flags = (Number(stored.payload.flags) & FLAG_EPHEMERAL) | Number(body.flags);
    patch.flags = Number(patch.flags ?? stored.payload.flags) & ~FLAG_LOADING;
    if ("attachments" in body || files.length > 0) {
      const channel = this.channel(String(stored.payload.channel_id));
      const fresh = this.storeMessage(channel, this.botUser, { attachments: body.attachments }, { files, ephemeral: true });
      this.messagesById.delete(String(fresh.id));
      patch.attachments = fresh.attachments;
    }
    Object.assign(stored.payload, patch);
    if (!stored.ephemeral) this.gateway.dispatch("MESSAGE_UPDATE", this.withMember(stored.payload));
    return stored.payload;
  }

  private commandData(input: ChatInputInput, focused?: string): Json {
    const guildId = input.guildId ?? this.channels.get(input.channelId)?.guildId ?? null;
    const registered = [
      ...(guildId ? this.registeredCommands(guildId) : []),
      ...this.registeredCommands(),
    ].find((command) => command.name === input.name && (command.type ?? 1) === 1);
    let options: Json[];
    if (Array.isArray(input.options)) {
      options = input.options;
    } else {
      options = Object.entries(input.options ?? {}).map(([name, value]) => ({
        name,
        type: typeof value === "boolean" ? 5 : typeof value === "number" ? (Number.isInteger(value) ? 4 : 10) : 3,
        value,
        ...(focused === name ? { focused: true } : {}),
      }));
      if (input.subcommand) options = [{ type: 1, name: input.subcommand, options }];
      if (input.subcommandGroup) options = [{ type: 2, name: input.subcommandGroup, options }];
    }
    return {
      id: str(registered?.id) ?? this.ids.next(),
      name: input.name,
      type: 1,
      ...(guildId && registered?.guild_id ? { guild_id: guildId } : {}),
      options,
      ...(input.resolved ? { resolved: input.resolved } : {}),
    };
  }

  /** Mirrors the layout of the modal the bot showed: Label (18) wrappers if it used them, else action rows. */
  private modalComponents(customId: string, fields: Record<string, string>): Json[] {
    const shown = [...this.interactionCallbacks].reverse().find((cb) => cb.type === 9 && cb.data?.custom_id === customId);
    const usesLabels = ((shown?.data?.components as Json[] | undefined) ?? []).some((c) => c.type === 18);
    let componentId = 1;
    return Object.entries(fields).map(([fieldId, value]) => {
      const input = { type: 4, id: componentId + 1, custom_id: fieldId, value };
      const wrapper = usesLabels ? { type: 18, id: componentId, component: input } : { type: 1, id: componentId, components: [input] };
      componentId += 2;
      return wrapper;
    });
  }

  private createInteraction(type: number, input: InteractionInput, extra: Json): FakeInteraction {
    const channel = this.channel(input.channelId);
    const guildId = input.guildId ?? channel.guildId;
    const user = typeof input.user === "string" ? this.upsertUser({ id: input.user }) : this.upsertUser(input.user);
    const id = this.ids.next();
    const token = `fake-token-${id}-${randomBytes(8).toString("hex")}`;
    const guild = guildId ? this.guild(guildId) : undefined;
    let actor: Json;
    if (guild) {
      const member = guild.members.get(user.id) ?? this.putMember(guild, user.id, []);
      const permissions = input.permissions !== undefined ? resolvePermissions(input.permissions) : memberPermissions(guild, user.id);
      actor = { member: { ...memberPayload(member, user), permissions: permissions.toString() } };
    } else {
      actor = { user: userPayload(user) };
    }
    const channelJson = this.channelJson(channel);
    const payload: Json = {
      id,
      application_id: this.applicationId,
      type,
      token,
      version: 1,
      ...(guild ? { guild_id: guild.id, guild: { id: guild.id, locale: "en-US", features: [] }, guild_locale: "en-US" } : {}),
      channel_id: channel.id,
      channel: guild ? { ...channelJson, permissions: String(actor.member ? (actor.member as Json).permissions : "0") } : channelJson,
      ...actor,
      app_permissions: (input.appPermissions !== undefined ? resolvePermissions(input.appPermissions) : this.botPermissions).toString(),
      locale: input.locale ?? "en-US",
      entitlements: [],
      authorizing_integration_owners: guild ? { "0": guild.id } : { "1": user.id },
      context: guild ? 0 : 1,
      attachment_size_limit: 10 * 1024 * 1024,
      ...extra,
    };
    this.interactions.set(id, {
      id,
      token,
      type,
      createdAt: Date.now(),
      payload,
      channelId: channel.id,
      guildId: guild?.id ?? null,
      acknowledged: false,
      originalMessageId: null,
      componentMessageId: extra.message ? String((extra.message as Json).id) : null,
    });
    this.gateway.dispatch("INTERACTION_CREATE", payload);
    const forToken = (route: string) => (call: RecordedCall) => call.route === route && call.params.token === token && call.status < 300;
    const nthCall = (route: string, nth: number, timeoutMs: number) => {
      let seen = 0;
      return this.waitFor((call) => forToken(route)(call) && ++seen === nth, timeoutMs);
    };
    return {
      id,
      token,
      applicationId: this.applicationId,
      type,
      payload,
      reply: async (timeoutMs = this.waitTimeoutMs) => {
        const call = await this.waitFor((c) => forToken(INTERACTION_CALLBACK_ROUTE)(c) && c.params.id === id, timeoutMs);
        const record = this.interactionCallbacks.find((cb) => cb.interactionId === id) as InteractionCallbackRecord;
        return { ...record, call };
      },
      waitForOriginalEdit: (timeoutMs = this.waitTimeoutMs, nth = 1) => nthCall(ORIGINAL_PATCH_ROUTE, nth, timeoutMs),
      waitForFollowup: (timeoutMs = this.waitTimeoutMs, nth = 1) => nthCall(FOLLOWUP_ROUTE, nth, timeoutMs),
    };
  }

  private interactionByToken(app: string, token: string): InteractionState {
    const state = [...this.interactions.values()].find((i) => i.token === token);
    if (!state || app !== this.applicationId) throw httpErrors.unknownWebhook();
    return state;
  }

  private serveAttachment(path: string, res: ServerResponse): void {
    const [, , channelId, attachmentId] = path.split("?")[0]!.split("/");
    const file = this.attachments.get(`${channelId}/${attachmentId}`);
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": file.contentType || "application/octet-stream" }).end(file.bytes);
  }

  // ---- REST routes ------------------------------------------------------------------------

  private registerRoutes(): void {
    const r = this.rest;
    const gatewayInfo = () => ({ url: this.gatewayUrl });

    r.add("GET", "/gateway", () => ({ body: gatewayInfo() }), false);
    r.add("GET", "/gateway/bot", () => ({
      body: {
        ...gatewayInfo(),
        shards: 1,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 86_400_000, max_concurrency: 1 },
      },
    }));

    r.add("GET", "/users/@me", () => ({ body: { ...userPayload(this.botUser), verified: true, mfa_enabled: false, flags: 0 } }));
    r.add("POST", "/users/@me/channels", ({ body }) => ({ body: this.channelJson(this.openDm(String((body as Json).recipient_id))) }));
    r.add("GET", "/users/:id", ({ params }) => {
      const user = this.users.get(params.id!);
      if (!user) throw httpErrors.unknownUser();
      return { body: userPayload(user) };
    });

    const application = () => ({
      id: this.applicationId,
      name: this.botUser.username,
      icon: null,
      description: "",
      bot_public: false,
      bot_require_code_grant: false,
      flags: 0,
      verify_key: "0".repeat(64),
      bot: userPayload(this.botUser),
      owner: userPayload(this.botUser),
      team: null,
      approximate_guild_count: this.guilds.size,
      integration_types_config: { "0": {} },
    });
    r.add("GET", "/applications/@me", () => ({ body: application() }));
    r.add("GET", "/oauth2/applications/@me", () => ({ body: application() }));

    for (const prefix of ["/applications/:app/commands", "/applications/:app/guilds/:guild/commands"]) {
      const scope = (ctx: RouteContext) => {
        if (ctx.params.app !== this.applicationId) throw httpErrors.unknownCommand();
        if (ctx.params.guild) this.requireGuild(ctx.params.guild);
        return this.commandScope({ guildId: ctx.params.guild ?? null });
      };
      r.add("GET", prefix, (ctx) => ({ body: this.commands.get(scope(ctx)) ?? [] }));
      r.add("PUT", prefix, (ctx) => ({ body: this.overwriteCommands(scope(ctx), ctx.params.guild ?? null, ctx.body as Json[]) }));
      r.add("POST", prefix, (ctx) => {
        const key = scope(ctx);
        const current = this.commands.get(key) ?? [];
        const others = current.filter((c) => c.name !== (ctx.body as Json).name);
        const saved = this.overwriteCommands(key, ctx.params.guild ?? null, [...others, ctx.body as Json]);
        return { status: 201, body: saved.find((c) => c.name === (ctx.body as Json).name) };
      });
      r.add("GET", `${prefix}/:command`, (ctx) => ({ body: this.findCommand(scope(ctx), ctx.params.command!) }));
      r.add("PATCH", `${prefix}/:command`, (ctx) => {
        const command = this.findCommand(scope(ctx), ctx.params.command!);
        Object.assign(command, ctx.body as Json, { id: command.id, version: this.ids.next() });
        return { body: command };
      });
      r.add("DELETE", `${prefix}/:command`, (ctx) => {
        const key = scope(ctx);
        const command = this.findCommand(key, ctx.params.command!);
        this.commands.set(key, (this.commands.get(key) ?? []).filter((c) => c !== command));
        return undefined;
      });
    }

    r.add("GET", "/guilds/:guild", ({ params }) => {
      const guild = this.guildCreatePayload(this.requireGuild(params.guild!));
      for (const gatewayOnly of ["members", "channels", "threads", "presences", "voice_states", "joined_at", "large"]) delete guild[gatewayOnly];
      return { body: guild };
    });
    r.add("GET", "/guilds/:guild/channels", ({ params }) => {
      this.requireGuild(params.guild!);
      return { body: [...this.channels.values()].filter((c) => c.guildId === params.guild && !isThread(c)).map((c) => this.channelJson(c)) };
    });
    r.add("GET", "/guilds/:guild/roles", ({ params }) => ({ body: [...this.requireGuild(params.guild!).roles.values()].map(rolePayload) }));
    r.add("GET", "/guilds/:guild/members/:user", ({ params }) => {
      const member = this.requireGuild(params.guild!).members.get(params.user!);
      if (!member) throw httpErrors.unknownMember();
      return { body: memberPayload(member, this.users.get(member.userId)) };
    });
    r.add("GET", "/guilds/:guild/members", ({ params, query }) => {
      const guild = this.requireGuild(params.guild!);
      const after = BigInt(query.after ?? "0");
      const limit = Math.min(Number(query.limit ?? 1), 1000);
      const members = [...guild.members.values()].filter((m) => BigInt(m.userId) > after).sort((a, b) => (BigInt(a.userId) < BigInt(b.userId) ? -1 : 1));
      return { body: members.slice(0, limit).map((m) => memberPayload(m, this.users.get(m.userId))) };
    });

    r.add("GET", "/channels/:id", ({ params }) => ({ body: this.channelJson(this.requireChannel(params.id!)) }));
    r.add("PATCH", "/channels/:id", ({ params, body }) => {
      const channel = this.requireChannel(params.id!);
      const patch = body as Json;
      if (typeof patch.name === "string") channel.name = patch.name;
      if (typeof patch.topic === "string") channel.topic = patch.topic;
      if (typeof patch.archived === "boolean") channel.archived = patch.archived;
      if (typeof patch.locked === "boolean") channel.locked = patch.locked;
      const json = this.channelJson(channel);
      this.gateway.dispatch(isThread(channel) ? "THREAD_UPDATE" : "CHANNEL_UPDATE", json);
      return { body: json };
    });
    r.add("POST", "/channels/:id/typing", () => undefined);
    r.add("PUT", "/channels/:id/thread-members/@me", () => undefined);
    r.add("DELETE", "/channels/:id/thread-members/@me", () => undefined);

    r.add("GET", "/channels/:id/messages", ({ params, query }) => {
      this.requireChannel(params.id!);
      return { body: this.listMessages(params.id!, query).map((m) => this.restView(m)) };
    });
    r.add("POST", "/channels/:id/messages", ({ params, body, files }) => {
      const channel = this.requireChannel(params.id!);
      const json = (body ?? {}) as Json;
      this.validateMessageBody(json, files, true);
      const nonceKey = json.nonce !== undefined && json.enforce_nonce ? `${channel.id}:${this.botUser.id}:${String(json.nonce)}` : undefined;
      const previous = nonceKey ? this.nonces.get(nonceKey) : undefined;
      if (previous) return { body: this.messagesById.get(previous)!.payload };
      const message = this.storeMessage(channel, this.botUser, json, { files });
      if (nonceKey) this.nonces.set(nonceKey, String(message.id));
      this.gateway.dispatch("MESSAGE_CREATE", this.withMember(message));
      return { body: message };
    });
    r.add("GET", "/channels/:id/messages/:message", ({ params }) => ({
      body: this.restView(this.storedMessage(params.id!, params.message!).payload),
    }));
    r.add("PATCH", "/channels/:id/messages/:message", ({ params, body, files }) => {
      const stored = this.storedMessage(params.id!, params.message!);
      if ((stored.payload.author as Json).id !== this.botUser.id) throw httpErrors.notAuthor();
      return { body: this.editMessage(stored, (body ?? {}) as Json, files) };
    });
    r.add("DELETE", "/channels/:id/messages/:message", ({ params }) => {
      this.messageDelete({ channelId: params.id!, messageId: params.message! });
      return undefined;
    });
    r.add("POST", "/channels/:id/messages/:message/threads", ({ params, body }) => {
      const parent = this.requireChannel(params.id!);
      const stored = this.storedMessage(parent.id, params.message!);
      if (stored.payload.thread) throw new DiscordHttpError(400, 160004, "A thread has already been created for this message");
      const thread = this.createThread(parent, (body ?? {}) as Json, params.message!, 11);
      stored.payload.thread = this.channelJson(thread);
      return { status: 201, body: this.channelJson(thread) };
    });
    r.add("POST", "/channels/:id/threads", ({ params, body }) => {
      const json = (body ?? {}) as Json;
      const thread = this.createThread(this.requireChannel(params.id!), json, this.ids.next(), Number(json.type ?? 12));
      return { status: 201, body: this.channelJson(thread) };
    });
    r.add("PUT", "/channels/:id/messages/:message/reactions/:emoji/@me", ({ params }) => {
      this.react(params.id!, params.message!, params.emoji!, true);
      return undefined;
    });
    r.add("DELETE", "/channels/:id/messages/:message/reactions/:emoji/@me", ({ params }) => {
      this.react(params.id!, params.message!, params.emoji!, false);
      return undefined;
    });

    r.add("POST", "/interactions/:id/:token/callback", (ctx) => this.interactionCallback(ctx), false);
    r.add("GET", "/webhooks/:app/:token/messages/@original", ({ params }) => ({ body: this.originalMessage(params).payload }), false);
    r.add(
      "PATCH",
      "/webhooks/:app/:token/messages/@original",
      ({ params, body, files }) => ({ body: this.editMessage(this.originalMessage(params), (body ?? {}) as Json, files) }),
      false,
    );
    r.add(
      "DELETE",
      "/webhooks/:app/:token/messages/@original",
      ({ params }) => {
        this.originalMessage(params).deleted = true;
        return undefined;
      },
      false,
    );
    r.add("POST", "/webhooks/:app/:token", (ctx) => this.followup(ctx), false);
    r.add("GET", "/webhooks/:app/:token/messages/:message", ({ params }) => ({ body: this.followupMessage(params).payload }), false);
    r.add(
      "PATCH",
      "/webhooks/:app/:token/messages/:message",
      ({ params, body, files }) => ({ body: this.editMessage(this.followupMessage(params), (body ?? {}) as Json, files) }),
      false,
    );
    r.add(
      "DELETE",
      "/webhooks/:app/:token/messages/:message",
      ({ params }) => {
        this.followupMessage(params).deleted = true;
        return undefined;
      },
      false,
    );
  }

  private requireGuild(guildId: string): GuildRecord {
    const guild = this.guilds.get(guildId);
    if (!guild) throw httpErrors.unknownGuild();
    return guild;
  }

  private requireChannel(channelId: string): ChannelRecord {
    const channel = this.channels.get(channelId);
    if (!channel) throw httpErrors.unknownChannel();
    return channel;
  }

  private restView(message: Json): Json {
    return this.allowMessageContent ? message : this.stripContent(message);
  }

  /** Discord returns newest first for every mode; `after` selects the messages right after the id. */
  private listMessages(channelId: string, query: Record<string, string>): Json[] {
    const limit = Math.max(1, Math.min(Number(query.limit ?? 50), 100));
    const all = this.messages(channelId);
    const id = (m: Json) => BigInt(String(m.id));
    let window: Json[];
    if (query.after) {
      window = all.filter((m) => id(m) > BigInt(query.after!)).slice(0, limit);
    } else if (query.before) {
      window = all.filter((m) => id(m) < BigInt(query.before!)).slice(-limit);
    } else if (query.around) {
      const pivot = all.findIndex((m) => id(m) >= BigInt(query.around!));
      const start = Math.max(0, pivot - Math.floor(limit / 2));
      window = all.slice(start, start + limit);
    } else {
      window = all.slice(-limit);
    }
    return window.reverse();
  }

  private openDm(recipientId: string): ChannelRecord {
    const user = this.users.get(recipientId);
    if (!user) throw httpErrors.unknownUser();
    const existing = this.dmChannels.get(recipientId);
    if (existing) return this.channel(existing);
    const channel = this.newChannel({ id: this.ids.next(), type: 1, recipientIds: [recipientId] });
    this.dmChannels.set(recipientId, channel.id);
    return channel;
  }

  private createThread(parent: ChannelRecord, body: Json, id: string, type: number): ChannelRecord {
    if (!parent.guildId || isThread(parent)) throw httpErrors.invalidForm({ channel: "cannot hold threads" });
    const name = str(body.name);
    if (!name || name.length > 100) throw httpErrors.invalidForm({ name: { _errors: [{ code: "BASE_TYPE_REQUIRED" }] } });
    const thread = this.newChannel({
      id,
      type,
      name,
      guildId: parent.guildId,
      parentId: parent.id,
      ownerId: this.botUser.id,
      autoArchiveDuration: Number(body.auto_archive_duration ?? 1440),
    });
    this.gateway.dispatch("THREAD_CREATE", { ...this.channelJson(thread), newly_created: true });
    return thread;
  }

  private react(channelId: string, messageId: string, emoji: string, add: boolean): void {
    const stored = this.storedMessage(channelId, messageId);
    const [name, emojiId] = emoji.includes(":") ? emoji.split(":") : [emoji, null];
    const reactions = ((stored.payload.reactions as Json[] | undefined) ?? []).filter((r) => (r.emoji as Json).name !== name);
    const current = ((stored.payload.reactions as Json[] | undefined) ?? []).find((r) => (r.emoji as Json).name === name);
    const count = Math.max(0, Number(current?.count ?? 0) + (add ? (current?.me ? 0 : 1) : current?.me ? -1 : 0));
    if (count > 0) reactions.push({ count, me: add || (Boolean(current?.me) && !add), emoji: { id: emojiId ?? null, name } });
    stored.payload.reactions = reactions;
    this.gateway.dispatch(add ? "MESSAGE_REACTION_ADD" : "MESSAGE_REACTION_REMOVE", {
      user_id: this.botUser.id,
      channel_id: channelId,
      message_id: messageId,
      guild_id: stored.payload.guild_id,
      emoji: { id: emojiId ?? null, name },
      burst: false,
      type: 0,
    });
  }

  private overwriteCommands(key: string, guildId: string | null, input: Json[]): Json[] {
    if (!Array.isArray(input)) throw httpErrors.invalidForm({ _errors: [{ code: "LIST_TYPE_CONVERT" }] });
    const existing = this.commands.get(key) ?? [];
    const seen = new Set<string>();
    const saved = input.map((command, index) => {
      const type = Number(command.type ?? 1);
      const name = String(command.name ?? "");
      const nameOk = type === 1 ? /^[-_\p{Ll}\p{N}]{1,32}$/u.test(name) : name.length >= 1 && name.length <= 32;
      const descriptionOk = type !== 1 || (typeof command.description === "string" && command.description.length >= 1 && command.description.length <= 100);
      if (!nameOk || !descriptionOk || seen.has(`${type}:${name}`)) {
        throw httpErrors.invalidForm({ [index]: { name: { _errors: [{ code: "APPLICATION_COMMAND_INVALID", message: `Invalid command ${name}` }] } } });
      }
      seen.add(`${type}:${name}`);
      const previous = existing.find((c) => c.name === name && Number(c.type ?? 1) === type);
      return {
        default_member_permissions: null,
        description: "",
        options: [],
        nsfw: false,
        contexts: null,
        integration_types: [0],
        name_localizations: null,
        description_localizations: null,
        ...command,
        type,
        id: previous?.id ?? this.ids.next(),
        application_id: this.applicationId,
        ...(guildId ? { guild_id: guildId } : {}),
        version: this.ids.next(),
      };
    });
    this.commands.set(key, saved);
    return saved;
  }

  private findCommand(key: string, id: string): Json {
    const command = (this.commands.get(key) ?? []).find((c) => c.id === id);
    if (!command) throw httpErrors.unknownCommand();
    return command;
  }

  private interactionCallback({ params, query, body, files }: RouteContext): { status: number; body?: unknown } | undefined {
    const state = this.interactions.get(params.id!);
    if (!state || state.token !== params.token || Date.now() - state.createdAt > this.deadlineMs) throw httpErrors.unknownInteraction();
    if (state.acknowledged) throw httpErrors.alreadyAcknowledged();
    const json = (body ?? {}) as Json;
    const type = Number(json.type);
    const data = json.data as Json | undefined;
    const allowed: Record<number, number[]> = {
      2: [4, 5, 9],
      3: [4, 5, 6, 7, 9],
      4: [8],
      5: state.componentMessageId ? [4, 5, 6, 7] : [4, 5],
    };
    if (!(allowed[state.type] ?? []).includes(type)) {
      throw httpErrors.invalidForm({ type: { _errors: [{ code: "INTERACTION_RESPONSE_TYPE_INVALID", message: `Type ${type} not valid here` }] } });
    }
    if (type === 4 || type === 7) this.validateMessageBody(data ?? {}, files, type === 4);
    state.acknowledged = true;
    const ephemeral = (Number(data?.flags ?? 0) & FLAG_EPHEMERAL) !== 0;
    this.interactionCallbacks.push({ interactionId: state.id, token: state.token, type, data, ephemeral });

    let message: Json | undefined;
    if (type === 4 || type === 5) {
      const channel = this.channel(state.channelId);
      const flags = type === 5 ? FLAG_LOADING | (ephemeral ? FLAG_EPHEMERAL : 0) : Number(data?.flags ?? 0);
      message = this.storeMessage(channel, this.botUser, { ...(type === 4 ? data : {}), flags }, {
        files,
        ephemeral,
        type: state.type === 2 ? 20 : 0,
        more: {
          webhook_id: this.applicationId,
          application_id: this.applicationId,
          interaction_metadata: {
            id: state.id,
            type: state.type,
            user: (state.payload.member as Json | undefined)?.user ?? state.payload.user,
            authorizing_integration_owners: state.payload.authorizing_integration_owners,
          },
        },
      });
      state.originalMessageId = String(message.id);
      if (!ephemeral) this.gateway.dispatch("MESSAGE_CREATE", message);
    } else if (type === 6 || type === 7) {
      state.originalMessageId = state.componentMessageId;
      const stored = state.componentMessageId ? this.messagesById.get(state.componentMessageId) : undefined;
      if (type === 7 && stored) message = this.editMessage(stored, data ?? {}, files);
    }
    if (query.with_response !== "true") return undefined;
    return {
      status: 200,
      body: {
        interaction: {
          id: state.id,
          type: state.type,
          activity_instance_id: null,
          response_message_id: message?.id ?? null,
          response_message_loading: type === 5,
          response_message_ephemeral: ephemeral,
        },
        resource: { type, ...(message ? { message } : {}) },
      },
    };
  }

  private originalMessage(params: Record<string, string>): StoredMessage {
    const state = this.interactionByToken(params.app!, params.token!);
    const stored = state.originalMessageId ? this.messagesById.get(state.originalMessageId) : undefined;
    if (!stored || stored.deleted) throw httpErrors.unknownMessage();
    return stored;
  }

  private followupMessage(params: Record<string, string>): StoredMessage {
    const state = this.interactionByToken(params.app!, params.token!);
    const stored = this.messagesById.get(params.message!);
    if (!stored || stored.deleted || stored.payload.channel_id !== state.channelId) throw httpErrors.unknownMessage();
    return stored;
  }

  private followup({ params, body, files }: RouteContext): { body: Json } {
    const state = this.interactionByToken(params.app!, params.token!);
    if (!state.acknowledged) throw httpErrors.unknownWebhook();
    const json = (body ?? {}) as Json;
    this.validateMessageBody(json, files, true);
    const ephemeral = (Number(json.flags ?? 0) & FLAG_EPHEMERAL) !== 0;
    const message = this.storeMessage(this.channel(state.channelId), this.botUser, json, {
      files,
      ephemeral,
      more: { webhook_id: this.applicationId, application_id: this.applicationId },
    });
    if (!ephemeral) this.gateway.dispatch("MESSAGE_CREATE", message);
    return { body: message };
  }
}

export async function startFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const fake = new FakeDiscord(options);
  await fake.listen();
  return fake;
}
