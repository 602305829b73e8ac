import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import {
  FAKE_APP_ID,
  FAKE_BOT_ID,
  FAKE_BOT_USER_ID,
  FAKE_TEAM_ID,
  blockActionsPayload,
  eventCallbackPayload,
  slackTs,
  slashCommandPayload,
  type BlockActionInput,
  type Payload,
} from "./payloads.ts";

export type Args = Record<string, unknown>;

export interface RecordedCall {
  method: string;
  /** Decoded body + query. Form values stay strings ("10", "true"); JSON-bearing fields are parsed. */
  args: Args;
  /** Bearer token from the Authorization header, else the `token` body field. */
  token: string | undefined;
  at: number;
  /** HTTP status the fake answered with (429 for an injected rate limit). */
  status: number;
  response: Args;
}

export interface UnknownCall {
  method: string;
  args: Args;
  token: string | undefined;
  at: number;
}

export interface FailSpec {
  /** 429 answers with Retry-After; any other non-200 answers that status; 200 answers ok:false. */
  status?: number;
  /** Seconds, sent as Retry-After (only with 429). */
  retryAfter?: number;
  /** Slack error code for the ok:false body; defaults to "ratelimited" for 429, else "internal_error". */
  error?: string;
  /** Fails only a call with these arguments (one message's chat.update); other calls pass it by. */
  when?: (args: Args) => boolean;
}

export interface FakeUser {
  id: string;
  name: string;
  realName?: string;
  isAdmin?: boolean;
  isOwner?: boolean;
  isBot?: boolean;
  tz?: string;
}

export interface FakeChannel {
  id: string;
  name: string;
  /** User ids; include the bot user id (fake.botUserId) for a channel the bot is in. */
  members: string[];
  isPrivate?: boolean;
  isIm?: boolean;
  /** For an IM: the other party. */
  user?: string;
}

export interface StoredMessage {
  type: "message";
  ts: string;
  text: string;
  user?: string;
  bot_id?: string;
  app_id?: string;
  team?: string;
  blocks?: unknown;
  attachments?: unknown;
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  thread_ts?: string;
  reply_count?: number;
  latest_reply?: string;
  reactions?: { name: string; users: string[]; count: number }[];
  [field: string]: unknown;
}

export interface UploadedFile {
  id: string;
  filename: string;
  length: number | undefined;
  title?: string;
  bytes: Buffer | undefined;
  completed: boolean;
  channelId?: string;
  initialComment?: string;
  threadTs?: string;
  /** The uploaded bytes as UTF-8 (for CSV assertions); throws if nothing was uploaded yet. */
  text(): string;
}

export interface StoredView {
  id: string;
  hash: string;
  external_id?: string;
  [field: string]: unknown;
}

export interface ResponseUrlPost {
  id: string;
  body: unknown;
  at: number;
}

export interface SocketEnvelope {
  type: string;
  payload: Payload;
  envelope_id?: string;
  accepts_response_payload?: boolean;
  retry_attempt?: number;
  retry_reason?: string;
}

export interface SocketAck {
  envelopeId: string;
  payload: Args;
  at: number;
}

export interface FakeSlackOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  teamId?: string;
  appId?: string;
  botUserId?: string;
  botId?: string;
  /**
   * false (default): a channel id nobody registered springs into existence with the bot as a member.
   * true: unregistered channels answer channel_not_found.
   */
  strictChannels?: boolean;
  /** Server pings keep SocketModeClient's 30 s server-ping watchdog quiet in long tests. */
  socketPingIntervalMs?: number;
  /** Default timeout for waitFor / socket acks. */
  defaultTimeoutMs?: number;
  /** Slack's rate limits, enforced with 429 and Retry-After; none unless given. */
  rateLimits?: SlackRateLimits;
}

/**
 * Slack's published limits, each a sliding window. A refused call is answered 429
 * `ratelimited` with Retry-After in whole seconds (as Slack does) and recorded with
 * status 429, so benches can count them.
 */
export interface SlackRateLimits {
  /** chat.postMessage per channel per second (Slack: about 1). */
  readonly postsPerChannelPerSecond?: number;
  /** chat.postMessage across the workspace per second. */
  readonly postsPerWorkspacePerSecond?: number;
  /**
   * conversations.history and conversations.replies together, per workspace per minute:
   * about 50 (Tier 3) for an app a workspace builds for itself, 1 for a commercially
   * distributed app outside the Slack Marketplace (since 2025).
   */
  readonly historyPerMinute?: number;
  /** Most messages one history or replies call returns (15 with the 2025 limit). */
  readonly historyMaxMessages?: number;
}

export interface FakeSlack {
  /** For clientOptions.slackApiUrl, e.g. http://127.0.0.1:PORT/api/ */
  readonly url: string;
  readonly origin: string;
  readonly port: number;
  readonly teamId: string;
  readonly appId: string;
  readonly botUserId: string;
  readonly botId: string;
  /** Live arrays: they grow as calls arrive. */
  readonly calls: RecordedCall[];
  readonly unknownCalls: UnknownCall[];
  readonly responses: ResponseUrlPost[];
  readonly socketAcks: SocketAck[];
  readonly files: UploadedFile[];
  readonly users: {
    addUser(user: FakeUser): FakeUser;
    get(id: string): FakeUser | undefined;
    all(): FakeUser[];
  };
  readonly channels: {
    addChannel(channel: FakeChannel): FakeChannel;
    get(id: string): FakeChannel | undefined;
    all(): FakeChannel[];
  };
  callsTo(method: string): RecordedCall[];
  /** First call (already recorded or future) to `method` matching `predicate`. */
  waitFor(method: string, predicate?: (call: RecordedCall) => boolean, timeoutMs?: number): Promise<RecordedCall>;
  /** Makes the next call to `method` fail once per invocation (queued). */
  failNext(method: string, spec?: FailSpec): void;
  /** From now on every `every`-th call to `method` fails with `spec` (a steady share of failures); `every` 0 stops it. */
  failEvery(method: string, every: number, spec?: FailSpec): void;
  /** Messages in a channel, oldest first, including thread replies, with metadata. */
  messages(channelId: string): StoredMessage[];
  /** Puts a message (e.g. a user's post) into a channel's history as if Slack had it already. */
  seedMessage(channelId: string, message: Partial<StoredMessage> & { text: string }): StoredMessage;
  views(): StoredView[];
  /** A response_url served by the fake; POSTs to it land in `responses`. */
  responseUrl(): string;
  /** Resolves once a Socket Mode client is connected (hello sent). */
  waitForSocket(timeoutMs?: number): Promise<void>;
  socketConnectionCount(): number;
  /** Sends an envelope to the newest connection; resolves with the ack's payload. */
  sendSocketEvent(envelope: SocketEnvelope, timeoutMs?: number): Promise<Args>;
  socketSlashCommand(overrides?: Payload): Promise<Args>;
  socketEventsApi(event: Payload, overrides?: Payload): Promise<Args>;
  socketBlockAction(input: BlockActionInput, overrides?: Payload): Promise<Args>;
  /** Sends Slack's `disconnect` message (as before a pod recycle) to every connection. */
  disconnectSockets(reason?: string): void;
  /** Clears recorded calls, unknown calls, responses, acks and pending failures; keeps users, channels, messages. */
  reset(): void;
  close(): Promise<void>;
}

class SlackApiError extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

/** Fields WebClient JSON-encodes into a form field; decoded so tests can assert on structure. */
const JSON_FIELDS = ["blocks", "view", "metadata", "attachments", "files", "unfurls", "user_auth_blocks"];

interface Waiter {
  method: string;
  predicate: (call: RecordedCall) => boolean;
  resolve: (call: RecordedCall) => void;
}

interface PendingAck {
  resolve: (payload: Args) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

type Handler = (args: Args, token: string) => Args;

export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const teamId = options.teamId ?? FAKE_TEAM_ID;
  const appId = options.appId ?? FAKE_APP_ID;
  const botUserId = options.botUserId ?? FAKE_BOT_USER_ID;
  const botId = options.botId ?? FAKE_BOT_ID;
  const defaultTimeoutMs = options.defaultTimeoutMs ?? 30_000;

  const calls: RecordedCall[] = [];
  const unknownCalls: UnknownCall[] = [];
  const responses: ResponseUrlPost[] = [];
  const socketAcks: SocketAck[] = [];
  const files: UploadedFile[] = [];
  const failures = new Map<string, FailSpec[]>();
  const takeFailure = (method: string, args: Args): FailSpec | undefined => {
    const queue = failures.get(method) ?? [];
    const index = queue.findIndex((spec) => !spec.when || spec.when(args));
    return index < 0 ? undefined : queue.splice(index, 1)[0];
  };
  const periodicFailures = new Map<string, { every: number; spec: FailSpec; seen: number }>();
  const waiters = new Set<Waiter>();
  const userMap = new Map<string, FakeUser>();
  const channelMap = new Map<string, FakeChannel>();
  const history = new Map<string, StoredMessage[]>();
  const viewMap = new Map<string, StoredView>();
  const pendingAcks = new Map<string, PendingAck>();
  const sockets: WebSocket[] = [];
  const socketWaiters = new Set<() => void>();
  let idSeq = 0;
  const newId = (prefix: string) => `${prefix}${(++idSeq).toString().padStart(8, "0")}`;

  userMap.set(botUserId, { id: botUserId, name: "cohort-coach", realName: "Cohort Coach", isBot: true });

  const server = createServer((req, res) => {
    handleHttp(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: "fake_internal_error", detail: String(error) });
      else res.destroy();
    });
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on("upgrade", (req, socket, head) => {
    if (pathOf(req) !== "/socket") {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => onSocket(ws));
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;

  // ---- registries and stores ----

  function channelObject(channel: FakeChannel): Args {
    return {
      id: channel.id,
      name: channel.isIm ? undefined : channel.name,
      is_channel: !channel.isIm && !channel.isPrivate,
      is_group: Boolean(channel.isPrivate),
      is_im: Boolean(channel.isIm),
      is_mpim: false,
      is_private: Boolean(channel.isPrivate || channel.isIm),
      is_archived: false,
      is_general: channel.name === "general",
      is_member: channel.members.includes(botUserId),
      user: channel.user,
      num_members: channel.isIm ? undefined : channel.members.length,
      created: 1_700_000_000,
      context_team_id: teamId,
    };
  }

  function dmFor(userId: string): FakeChannel {
    const id = `D${userId.slice(1)}`;
    let dm = channelMap.get(id);
    if (!dm) {
      dm = { id, name: id, members: [botUserId, userId], isIm: true, user: userId };
      channelMap.set(id, dm);
    }
    return dm;
  }

  /** Posting to a user id goes to the DM with that user, as on Slack. */
  function resolveChannel(idArg: unknown): FakeChannel {
    const id = typeof idArg === "string" ? idArg : "";
    if (!id) throw new SlackApiError("channel_not_found");
    if (/^[UW]/.test(id)) return dmFor(id);
    const known = channelMap.get(id);
    if (known) return known;
    if (options.strictChannels || id.startsWith("D")) throw new SlackApiError("channel_not_found");
    const created: FakeChannel = { id, name: id.toLowerCase(), members: [botUserId] };
    channelMap.set(id, created);
    return created;
  }

  function requireMember(channel: FakeChannel): void {
    if (!channel.members.includes(botUserId)) throw new SlackApiError("not_in_channel");
  }

  function historyOf(channelId: string): StoredMessage[] {
    let list = history.get(channelId);
    if (!list) {
      list = [];
      history.set(channelId, list);
    }
    return list;
  }

  function findMessage(channelId: string, ts: unknown): StoredMessage | undefined {
    return history.get(channelId)?.find((m) => m.ts === ts);
  }

  function storeMessage(channelId: string, message: StoredMessage): StoredMessage {
    historyOf(channelId).push(message);
    if (message.thread_ts && message.thread_ts !== message.ts) {
      const parent = findMessage(channelId, message.thread_ts);
      if (parent) {
        parent.thread_ts = parent.ts;
        parent.reply_count = (parent.reply_count ?? 0) + 1;
        parent.latest_reply = message.ts;
      }
    }
    return message;
  }

  function hasContent(args: Args): boolean {
    return Boolean(args["text"]) || args["blocks"] !== undefined || args["attachments"] !== undefined;
  }

  /** Slack returns metadata from history/replies only when asked; keep that so the adapter must ask too. */
  function present(message: StoredMessage, includeMetadata: boolean): StoredMessage {
    if (includeMetadata || message.metadata === undefined) return { ...message };
    const copy = { ...message };
    delete copy.metadata;
    return copy;
  }

  function page(list: StoredMessage[], args: Args): Args {
    const limit = Math.max(1, Math.min(Number(args["limit"] ?? 100) || 100, 1000, options.rateLimits?.historyMaxMessages ?? 1000));
    const offset = Number(args["cursor"] ?? 0) || 0;
    const slice = list.slice(offset, offset + limit);
    const more = offset + limit < list.length;
    return {
      messages: slice,
      has_more: more,
      response_metadata: { next_cursor: more ? String(offset + limit) : "" },
    };
  }

  function inRange(ts: string, args: Args): boolean {
    const inclusive = truthy(args["inclusive"]);
    const value = Number(ts);
    const oldest = args["oldest"] === undefined ? undefined : Number(args["oldest"]);
    const latest = args["latest"] === undefined ? undefined : Number(args["latest"]);
    if (oldest !== undefined && (inclusive ? value < oldest : value <= oldest)) return false;
    if (latest !== undefined && (inclusive ? value > latest : value >= latest)) return false;
    return true;
  }

  function userObject(user: FakeUser): Args {
    const realName = user.realName ?? user.name;
    return {
      id: user.id,
      team_id: teamId,
      name: user.name,
      deleted: false,
      real_name: realName,
      tz: user.tz ?? "Etc/UTC",
      tz_offset: 0,
      is_admin: Boolean(user.isAdmin),
      is_owner: Boolean(user.isOwner),
      is_primary_owner: false,
      is_restricted: false,
      is_ultra_restricted: false,
      is_bot: Boolean(user.isBot),
      is_app_user: false,
      profile: { real_name: realName, display_name: user.name, bot_id: user.id === botUserId ? botId : undefined },
    };
  }

  function viewObject(id: string, view: Args, previous?: StoredView): StoredView {
    return {
      ...view,
      id,
      team_id: teamId,
      app_id: appId,
      bot_id: botId,
      state: { values: {} },
      hash: `${Date.now()}.${randomUUID().slice(0, 8)}`,
      root_view_id: previous?.["root_view_id"] ?? id,
      previous_view_id: null,
      private_metadata: typeof view["private_metadata"] === "string" ? view["private_metadata"] : "",
      callback_id: typeof view["callback_id"] === "string" ? view["callback_id"] : "",
      external_id: typeof view["external_id"] === "string" ? view["external_id"] : (previous?.external_id ?? ""),
    };
  }

  // ---- Web API methods ----

  const handlers: Record<string, Handler> = {
    "auth.test": (_args, token) => {
      if (!token.startsWith("xoxb-") && !token.startsWith("xoxp-")) throw new SlackApiError("not_allowed_token_type");
      return {
        url: "https://fake.slack.com/",
        team: "Fake Workspace",
        user: "cohort-coach",
        team_id: teamId,
        user_id: botUserId,
        bot_id: botId,
        is_enterprise_install: false,
      };
    },

    "chat.postMessage": (args) => {
      const channel = resolveChannel(args["channel"]);
      if (!channel.isIm) requireMember(channel);
      if (!hasContent(args)) throw new SlackApiError("no_text");
      const threadTs = str(args["thread_ts"]);
      if (threadTs && !findMessage(channel.id, threadTs)) throw new SlackApiError("thread_not_found");
      const message = storeMessage(channel.id, {
        type: "message",
        ts: slackTs(),
        text: str(args["text"]) ?? "",
        user: botUserId,
        bot_id: botId,
        app_id: appId,
        team: teamId,
        ...(args["blocks"] !== undefined ? { blocks: args["blocks"] } : {}),
        ...(args["attachments"] !== undefined ? { attachments: args["attachments"] } : {}),
        ...(isMetadata(args["metadata"]) ? { metadata: args["metadata"] } : {}),
        ...(threadTs ? { thread_ts: threadTs } : {}),
      });
      return { channel: channel.id, ts: message.ts, message: { ...message } };
    },

    "chat.postEphemeral": (args) => {
      const channel = resolveChannel(args["channel"]);
      const user = str(args["user"]);
      if (!user) throw new SlackApiError("user_not_found");
      if (!channel.isIm && !channel.members.includes(user)) throw new SlackApiError("user_not_in_channel");
      if (!hasContent(args)) throw new SlackApiError("no_text");
      return { message_ts: slackTs() };
    },

    "chat.update": (args) => {
      const channel = resolveChannel(args["channel"]);
      const message = findMessage(channel.id, args["ts"]);
      if (!message) throw new SlackApiError("message_not_found");
      if (message.bot_id !== botId) throw new SlackApiError("cant_update_message");
      if (args["text"] !== undefined) message.text = str(args["text"]) ?? "";
      if (args["blocks"] !== undefined) message.blocks = args["blocks"];
      if (args["attachments"] !== undefined) message.attachments = args["attachments"];
      if (isMetadata(args["metadata"])) message.metadata = args["metadata"];
      message.edited = { user: botUserId, ts: slackTs() };
      return { channel: channel.id, ts: message.ts, text: message.text, message: { ...message } };
    },

    "chat.delete": (args) => {
      const channel = resolveChannel(args["channel"]);
      const list = historyOf(channel.id);
      const index = list.findIndex((m) => m.ts === args["ts"]);
      if (index < 0) throw new SlackApiError("message_not_found");
      if (list[index]?.bot_id !== botId) throw new SlackApiError("cant_delete_message");
      list.splice(index, 1);
      return { channel: channel.id, ts: str(args["ts"]) };
    },

    "chat.getPermalink": (args) => {
      const channel = resolveChannel(args["channel"]);
      const ts = str(args["message_ts"]);
      if (!ts) throw new SlackApiError("message_not_found");
      return { channel: channel.id, permalink: `https://fake.slack.com/archives/${channel.id}/p${ts.replace(".", "")}` };
    },

    // Messages the fake never saw (a user's post the test did not seed) accept reactions without tracking.
    "reactions.add": (args) => {
      const channel = resolveChannel(args["channel"]);
      const name = str(args["name"]);
      if (!name) throw new SlackApiError("invalid_name");
      const message = findMessage(channel.id, args["timestamp"]);
      if (message) {
        message.reactions ??= [];
        let reaction = message.reactions.find((r) => r.name === name);
        if (!reaction) {
          reaction = { name, users: [], count: 0 };
          message.reactions.push(reaction);
        }
        if (reaction.users.includes(botUserId)) throw new SlackApiError("already_reacted");
        reaction.users.push(botUserId);
        reaction.count += 1;
      }
      return {};
    },

    "users.info": (args) => {
      const user = userMap.get(str(args["user"]) ?? "");
      if (!user) throw new SlackApiError("user_not_found");
      return { user: userObject(user) };
    },

    "conversations.info": (args) => ({ channel: channelObject(resolveChannel(args["channel"])) }),

    "conversations.join": (args) => {
      const channel = resolveChannel(args["channel"]);
      if (channel.isIm) throw new SlackApiError("method_not_supported_for_channel_type");
      const already = channel.members.includes(botUserId);
      if (!already) channel.members.push(botUserId);
      return {
        channel: channelObject(channel),
        ...(already ? { warning: "already_in_channel", response_metadata: { warnings: ["already_in_channel"] } } : {}),
      };
    },

    "conversations.history": (args) => {
      const channel = resolveChannel(args["channel"]);
      if (!channel.isIm) requireMember(channel);
      const includeMetadata = truthy(args["include_all_metadata"]);
      const topLevel = historyOf(channel.id)
        .filter((m) => !m.thread_ts || m.thread_ts === m.ts)
        .filter((m) => inRange(m.ts, args))
        .reverse()
        .map((m) => present(m, includeMetadata));
      return page(topLevel, args);
    },

    "conversations.replies": (args) => {
      const channel = resolveChannel(args["channel"]);
      const parent = findMessage(channel.id, args["ts"]);
      if (!parent) throw new SlackApiError("thread_not_found");
      const includeMetadata = truthy(args["include_all_metadata"]);
      const thread = historyOf(channel.id)
        .filter((m) => m === parent || m.thread_ts === parent.ts)
        .filter((m) => m === parent || inRange(m.ts, args))
        .map((m) => present(m, includeMetadata));
      return page(thread, args);
    },

    "conversations.open": (args) => {
      const users = (str(args["users"]) ?? "").split(",").map((u) => u.trim()).filter(Boolean);
      const existingId = str(args["channel"]);
      let channel: FakeChannel;
      if (existingId) channel = resolveChannel(existingId);
      else if (users.length === 1 && users[0]) channel = dmFor(users[0]);
      else if (users.length > 1) {
        const id = `G${users.sort().join("").replace(/[^A-Z0-9]/g, "").slice(0, 10)}`;
        channel = channelMap.get(id) ?? { id, name: `mpdm-${users.join("--")}`, members: [botUserId, ...users], isPrivate: true };
        channelMap.set(id, channel);
      } else throw new SlackApiError("users_list_not_supplied");
      return { channel: truthy(args["return_im"]) ? channelObject(channel) : { id: channel.id } };
    },

    "views.open": (args) => {
      if (!str(args["trigger_id"])) throw new SlackApiError("invalid_trigger_id");
      if (!isObject(args["view"])) throw new SlackApiError("invalid_arguments");
      const view = viewObject(newId("V"), args["view"]);
      viewMap.set(view.id, view);
      return { view };
    },

    "views.push": (args) => handlers["views.open"]!(args, ""),

    "views.update": (args) => {
      if (!isObject(args["view"])) throw new SlackApiError("invalid_arguments");
      const externalId = str(args["external_id"]);
      const previous = externalId
        ? [...viewMap.values()].find((v) => v.external_id === externalId)
        : viewMap.get(str(args["view_id"]) ?? "");
      if (!previous) throw new SlackApiError("not_found");
      const hash = str(args["hash"]);
      if (hash && hash !== previous.hash) throw new SlackApiError("hash_conflict");
      const view = viewObject(previous.id, args["view"], previous);
      viewMap.set(view.id, view);
      return { view };
    },

    "views.publish": (args) => {
      if (!str(args["user_id"]) || !isObject(args["view"])) throw new SlackApiError("invalid_arguments");
      const view = viewObject(newId("V"), args["view"]);
      viewMap.set(view.id, view);
      return { view };
    },

    "files.getUploadURLExternal": (args) => {
      const filename = str(args["filename"]);
      const length = args["length"] === undefined ? undefined : Number(args["length"]);
      if (!filename || length === undefined || Number.isNaN(length)) throw new SlackApiError("invalid_arguments");
      const id = newId("F");
      files.push({
        id,
        filename,
        length,
        title: undefined,
        bytes: undefined,
        completed: false,
        text(this: UploadedFile) {
          if (!this.bytes) throw new Error(`fake Slack: file ${this.id} (${this.filename}) was never uploaded`);
          return this.bytes.toString("utf8");
        },
      });
      return { upload_url: `${origin}/upload/${id}`, file_id: id };
    },

    "files.completeUploadExternal": (args) => {
      const list = args["files"];
      if (!Array.isArray(list) || list.length === 0) throw new SlackApiError("invalid_arguments");
      const channelId = str(args["channel_id"]) ?? str(args["channels"]);
      if (channelId) {
        const channel = resolveChannel(channelId);
        if (!channel.isIm) requireMember(channel);
      }
      const done = list.map((entry: unknown) => {
        const id = isObject(entry) ? str(entry["id"]) : undefined;
        const file = files.find((f) => f.id === id);
        if (!file || !file.bytes) throw new SlackApiError("file_not_found");
        file.completed = true;
        file.title = isObject(entry) ? (str(entry["title"]) ?? file.filename) : file.filename;
        file.channelId = channelId;
        file.initialComment = str(args["initial_comment"]);
        file.threadTs = str(args["thread_ts"]);
        return { id: file.id, name: file.filename, title: file.title, size: file.bytes.length, mimetype: "text/plain" };
      });
      return { files: done };
    },

    "apps.connections.open": (_args, token) => {
      if (!token.startsWith("xapp-")) throw new SlackApiError("not_allowed_token_type");
      return { url: `ws://127.0.0.1:${port}/socket?ticket=${randomUUID()}&app_id=${appId}` };
    },
  };

  // ---- HTTP ----

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = pathOf(req);
    const raw = await readBody(req);
    if (path.startsWith("/api/")) return handleApi(path.slice("/api/".length), req, raw, res);
    if (path.startsWith("/upload/") && req.method === "POST") return handleUpload(path.slice("/upload/".length), req, raw, res);
    if (path.startsWith("/response/") && req.method === "POST") {
      responses.push({ id: path.slice("/response/".length), body: parseLoose(raw.toString("utf8")), at: Date.now() });
      sendJson(res, 200, { ok: true });
      return;
    }
    res.writeHead(404, { "content-type": "text/plain" }).end("fake Slack: no such route");
  }

  async function handleApi(method: string, req: IncomingMessage, raw: Buffer, res: ServerResponse): Promise<void> {
    const args = await decodeArgs(req, raw);
    const token = bearer(req) ?? str(args["token"]);
    delete args["token"];
    const at = Date.now();
    const handler = handlers[method];
    if (!handler) {
      unknownCalls.push({ method, args, token, at });
      sendJson(res, 200, { ok: false, error: "unknown_method" });
      return;
    }
    const limited = rateLimited(method, args, at);
    const failure = limited ?? takeFailure(method, args) ?? periodicFailure(method);
    if (failure) {
      const status = failure.status ?? (failure.retryAfter !== undefined ? 429 : 200);
      const response = { ok: false, error: failure.error ?? (status === 429 ? "ratelimited" : "internal_error") };
      record({ method, args, token, at, status, response });
      const headers: Record<string, string> = status === 429 ? { "retry-after": String(failure.retryAfter ?? 1) } : {};
      sendJson(res, status, response, headers);
      return;
    }
    let response: Args;
    try {
      if (!token) throw new SlackApiError("not_authed");
      response = { ok: true, ...handler(args, token) };
    } catch (error) {
      if (!(error instanceof SlackApiError)) throw error;
      response = { ok: false, error: error.code };
    }
    record({ method, args, token, at, status: 200, response });
    sendJson(res, 200, response);
  }

  function periodicFailure(method: string): FailSpec | undefined {
    const periodic = periodicFailures.get(method);
    if (!periodic) return undefined;
    periodic.seen++;
    return periodic.seen % periodic.every === 0 ? periodic.spec : undefined;
  }

  async function handleUpload(fileId: string, req: IncomingMessage, raw: Buffer, res: ServerResponse): Promise<void> {
    const file = files.find((f) => f.id === fileId);
    if (!file) {
      res.writeHead(404, { "content-type": "text/plain" }).end("file not found");
      return;
    }
    // filesUploadV2 posts multipart/form-data with the bytes in a part; raw bodies are accepted too.
    const contentType = req.headers["content-type"] ?? "";
    if (contentType.startsWith("multipart/form-data")) {
      const form = await new Response(new Uint8Array(raw), { headers: { "content-type": contentType } }).formData();
      file.bytes = Buffer.alloc(0);
      for (const value of form.values()) {
        if (typeof value === "string") continue;
        file.bytes = Buffer.from(await value.arrayBuffer());
        break;
      }
    } else {
      file.bytes = raw;
    }
    res.writeHead(200, { "content-type": "text/plain" }).end(`OK - ${file.bytes.length}`);
  }

  /** Accepted calls per limit key, oldest first, within the key's window. */
  const windows = new Map<string, number[]>();
  function admit(key: string, limit: number | undefined, windowMs: number, at: number): number | undefined {
    if (limit === undefined) return undefined;
    const log = (windows.get(key) ?? []).filter((t) => t > at - windowMs);
    windows.set(key, log);
    if (log.length >= limit) return Math.max(1, Math.ceil((log[0]! + windowMs - at) / 1000));
    return undefined;
  }
  function rateLimited(method: string, args: Args, at: number): FailSpec | undefined {
    const limits = options.rateLimits;
    if (!limits) return undefined;
    const checks: [string, number | undefined, number][] =
      method === "chat.postMessage"
        ? [
            [`post:channel:${str(args["channel"])}`, limits.postsPerChannelPerSecond, 1_000],
            ["post:workspace", limits.postsPerWorkspacePerSecond, 1_000],
          ]
        : method === "conversations.history" || method === "conversations.replies"
          ? [["history:workspace", limits.historyPerMinute, 60_000]]
          : [];
    const waits = checks.map(([key, limit, windowMs]) => admit(key, limit, windowMs, at)).filter((w) => w !== undefined);
    if (waits.length > 0) return { status: 429, retryAfter: Math.max(...waits) };
    for (const [key, limit] of checks) if (limit !== undefined) windows.get(key)!.push(at);
    return undefined;
  }

  function record(call: RecordedCall): void {
    calls.push(call);
    for (const waiter of [...waiters]) {
      if (waiter.method === call.method && waiter.predicate(call)) {
        waiters.delete(waiter);
        waiter.resolve(call);
      }
    }
  }

  // ---- Socket Mode ----

  function onSocket(ws: WebSocket): void {
    sockets.push(ws);
    const ping = setInterval(() => ws.ping(), options.socketPingIntervalMs ?? 10_000);
    ws.on("close", () => {
      clearInterval(ping);
      sockets.splice(sockets.indexOf(ws), 1);
    });
    ws.on("message", (data, isBinary) => {
      if (isBinary) return;
      const message = parseLoose(data.toString());
      if (!isObject(message)) return;
      const envelopeId = str(message["envelope_id"]);
      if (!envelopeId) return;
      const payload = isObject(message["payload"]) ? message["payload"] : {};
      socketAcks.push({ envelopeId, payload, at: Date.now() });
      const pending = pendingAcks.get(envelopeId);
      if (pending) {
        pendingAcks.delete(envelopeId);
        clearTimeout(pending.timer);
        pending.resolve(payload);
      }
    });
    ws.send(
      JSON.stringify({
        type: "hello",
        num_connections: sockets.length,
        debug_info: { host: "fake-slack", build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: appId },
      }),
    );
    for (const wake of [...socketWaiters]) wake();
  }

  function openSocket(): WebSocket | undefined {
    return [...sockets].reverse().find((ws) => ws.readyState === ws.OPEN);
  }

  function waitForSocket(timeoutMs = defaultTimeoutMs): Promise<void> {
    if (openSocket()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const wake = () => {
        socketWaiters.delete(wake);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        socketWaiters.delete(wake);
        reject(new Error(`fake Slack: no Socket Mode connection within ${timeoutMs} ms`));
      }, timeoutMs);
      socketWaiters.add(wake);
    });
  }

  async function sendSocketEvent(envelope: SocketEnvelope, timeoutMs = defaultTimeoutMs): Promise<Args> {
    await waitForSocket(timeoutMs);
    const ws = openSocket();
    if (!ws) throw new Error("fake Slack: Socket Mode connection closed before sending");
    const envelopeId = envelope.envelope_id ?? randomUUID();
    const acked = new Promise<Args>((resolve, reject) => {
      const timer = setTimeout(() => {
        pendingAcks.delete(envelopeId);
        reject(new Error(`fake Slack: envelope ${envelopeId} (${envelope.type}) not acked within ${timeoutMs} ms`));
      }, timeoutMs);
      pendingAcks.set(envelopeId, { resolve, reject, timer });
    });
    ws.send(JSON.stringify({ accepts_response_payload: false, ...envelope, envelope_id: envelopeId }));
    return acked;
  }

  let closed = false;

  const fake: FakeSlack = {
    url: `${origin}/api/`,
    origin,
    port,
    teamId,
    appId,
    botUserId,
    botId,
    calls,
    unknownCalls,
    responses,
    socketAcks,
    files,
    users: {
      addUser(user) {
        userMap.set(user.id, user);
        return user;
      },
      get: (id) => userMap.get(id),
      all: () => [...userMap.values()],
    },
    channels: {
      addChannel(channel) {
        channelMap.set(channel.id, channel);
        return channel;
      },
      get: (id) => channelMap.get(id),
      all: () => [...channelMap.values()],
    },
    callsTo: (method) => calls.filter((call) => call.method === method),
    waitFor(method, predicate = () => true, timeoutMs = defaultTimeoutMs) {
      const found = calls.find((call) => call.method === method && predicate(call));
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter: Waiter = {
          method,
          predicate,
          resolve: (call) => {
            clearTimeout(timer);
            resolve(call);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          const seen = calls.map((c) => c.method).join(", ") || "none";
          const unknown = unknownCalls.map((c) => c.method).join(", ") || "none";
          reject(new Error(`fake Slack: no matching ${method} within ${timeoutMs} ms (calls: ${seen}; unknown: ${unknown})`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    failNext(method, spec = { status: 429, retryAfter: 1 }) {
      const queue = failures.get(method) ?? [];
      queue.push(spec);
      failures.set(method, queue);
    },
    failEvery(method, every, spec = { status: 429, retryAfter: 1 }) {
      if (every > 0) periodicFailures.set(method, { every, spec, seen: 0 });
      else periodicFailures.delete(method);
    },
    messages: (channelId) => historyOf(channelId).map((m) => ({ ...m })),
    seedMessage(channelId, message) {
      resolveChannel(channelId);
      return storeMessage(channelId, { type: "message", ts: slackTs(), user: "U0ALICE", ...message });
    },
    views: () => [...viewMap.values()],
    responseUrl: () => `${origin}/response/${randomUUID()}`,
    waitForSocket,
    socketConnectionCount: () => sockets.filter((ws) => ws.readyState === ws.OPEN).length,
    sendSocketEvent,
    socketSlashCommand: (overrides = {}) =>
      sendSocketEvent({
        type: "slash_commands",
        payload: slashCommandPayload({ team_id: teamId, api_app_id: appId, response_url: fake.responseUrl(), ...overrides }),
        accepts_response_payload: true,
      }),
    socketEventsApi: (event, overrides = {}) =>
      sendSocketEvent({
        type: "events_api",
        payload: eventCallbackPayload(event, { team_id: teamId, api_app_id: appId, ...overrides }),
        accepts_response_payload: false,
        retry_attempt: 0,
        retry_reason: "",
      }),
    socketBlockAction: (input, overrides = {}) =>
      sendSocketEvent({
        type: "interactive",
        payload: blockActionsPayload({ responseUrl: fake.responseUrl(), ...input }, overrides),
        accepts_response_payload: false,
      }),
    disconnectSockets(reason = "refresh_requested") {
      for (const ws of sockets) ws.send(JSON.stringify({ type: "disconnect", reason, debug_info: { host: "fake-slack" } }));
    },
    reset() {
      calls.length = 0;
      unknownCalls.length = 0;
      responses.length = 0;
      socketAcks.length = 0;
      failures.clear();
      periodicFailures.clear();
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const pending of pendingAcks.values()) {
        clearTimeout(pending.timer);
        pending.reject(new Error("fake Slack closed"));
      }
      pendingAcks.clear();
      // A close handshake rather than terminate(): a client that is still mid-disconnect (Bolt's stop() does
      // not wait for it) would otherwise log a 1006 WebSocket error.
      await Promise.all(
        [...sockets].map(
          (ws) =>
            new Promise<void>((resolve) => {
              if (ws.readyState === ws.CLOSED) return resolve();
              const timer = setTimeout(() => {
                ws.terminate();
                resolve();
              }, 500);
              ws.once("close", () => {
                clearTimeout(timer);
                resolve();
              });
              ws.close(1001, "fake Slack closing");
            }),
        ),
      );
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
  return fake;
}

// ---- helpers ----

function pathOf(req: IncomingMessage): string {
  return new URL(req.url ?? "/", "http://127.0.0.1").pathname;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

async function decodeArgs(req: IncomingMessage, raw: Buffer): Promise<Args> {
  const args: Args = Object.fromEntries(new URL(req.url ?? "/", "http://127.0.0.1").searchParams);
  const contentType = req.headers["content-type"] ?? "";
  if (contentType.startsWith("application/json")) {
    const parsed = parseLoose(raw.toString("utf8"));
    if (isObject(parsed)) Object.assign(args, parsed);
  } else if (contentType.startsWith("multipart/form-data")) {
    const form = await new Response(new Uint8Array(raw), { headers: { "content-type": contentType } }).formData();
    for (const [key, value] of form.entries()) {
      args[key] = typeof value === "string" ? value : Buffer.from(await value.arrayBuffer());
    }
  } else if (raw.length > 0) {
    Object.assign(args, Object.fromEntries(new URLSearchParams(raw.toString("utf8"))));
  }
  for (const field of JSON_FIELDS) {
    const value = args[field];
    if (typeof value === "string") args[field] = parseLoose(value);
  }
  return args;
}

function bearer(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  return header?.startsWith("Bearer ") ? header.slice("Bearer ".length) : undefined;
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers }).end(JSON.stringify(body));
}

function parseLoose(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function str(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

function truthy(value: unknown): boolean {
  return value === true || value === "true" || value === "1" || value === 1;
}

function isObject(value: unknown): value is Args {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isMetadata(value: unknown): value is StoredMessage["metadata"] & object {
  return isObject(value) && typeof value["event_type"] === "string";
}
