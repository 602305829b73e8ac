import { randomUUID } from "node:crypto";

/** Identities shared by the fake Web API and the inbound payload builders, so they agree by default. */
export const FAKE_TEAM_ID = "T0FAKE";
export const FAKE_APP_ID = "A0FAKE";
export const FAKE_BOT_USER_ID = "U0BOT";
export const FAKE_BOT_ID = "B0BOT";

/**
 * Default response_url when a test gives none: the discard port on loopback, so a stray `respond()`
 * fails fast locally instead of reaching hooks.slack.com. Use `fake.responseUrl()` to capture responses.
 */
export const UNSET_RESPONSE_URL = "http://127.0.0.1:9/response-url-not-set";

export type Payload = Record<string, unknown>;

let sequence = 0;
const nextId = (prefix: string): string => `${prefix}${Date.now().toString(36)}${(sequence++).toString(36)}`.toUpperCase();

export function triggerId(): string {
  return `${Date.now()}.${Math.floor(Math.random() * 1e9)}.${randomUUID().replaceAll("-", "")}`;
}

/** Fields of a slash command as Slack posts them (all strings, form-encoded over HTTP). */
export function slashCommandPayload(overrides: Payload = {}): Payload {
  return {
    token: "verification-token-unused",
    team_id: FAKE_TEAM_ID,
    team_domain: "fake",
    channel_id: "C0GENERAL",
    channel_name: "general",
    user_id: "U0ALICE",
    user_name: "alice",
    command: "/coach",
    text: "",
    api_app_id: FAKE_APP_ID,
    is_enterprise_install: "false",
    response_url: UNSET_RESPONSE_URL,
    trigger_id: triggerId(),
    ...overrides,
  };
}

/** An Events API `event_callback` wrapping `event`. */
export function eventCallbackPayload(event: Payload, overrides: Payload = {}): Payload {
  return {
    token: "verification-token-unused",
    team_id: FAKE_TEAM_ID,
    api_app_id: FAKE_APP_ID,
    event: { event_ts: slackTs(), ...event },
    type: "event_callback",
    event_id: nextId("Ev"),
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [
      { enterprise_id: null, team_id: FAKE_TEAM_ID, user_id: FAKE_BOT_USER_ID, is_bot: true, is_enterprise_install: false },
    ],
    is_ext_shared_channel: false,
    ...overrides,
  };
}

export interface BlockActionInput {
  actionId: string;
  value?: string;
  blockId?: string;
  userId?: string;
  channelId?: string;
  /** The message the button sits on; Bolt exposes it as body.message. */
  message?: Payload;
  responseUrl?: string;
}

export function blockActionsPayload(input: BlockActionInput, overrides: Payload = {}): Payload {
  const userId = input.userId ?? "U0ALICE";
  const channelId = input.channelId ?? "C0GENERAL";
  return {
    type: "block_actions",
    user: { id: userId, username: userId.toLowerCase(), name: userId.toLowerCase(), team_id: FAKE_TEAM_ID },
    api_app_id: FAKE_APP_ID,
    token: "verification-token-unused",
    container: { type: "message", message_ts: input.message?.["ts"] ?? slackTs(), channel_id: channelId, is_ephemeral: false },
    trigger_id: triggerId(),
    team: { id: FAKE_TEAM_ID, domain: "fake" },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: channelId, name: "channel" },
    message: input.message ?? { type: "message", ts: slackTs(), text: "", user: FAKE_BOT_USER_ID, bot_id: FAKE_BOT_ID },
    response_url: input.responseUrl ?? UNSET_RESPONSE_URL,
    actions: [
      {
        type: "button",
        action_id: input.actionId,
        block_id: input.blockId ?? "block",
        value: input.value ?? "",
        text: { type: "plain_text", text: input.actionId, emoji: true },
        action_ts: slackTs(),
      },
    ],
    ...overrides,
  };
}

export interface ViewSubmissionInput {
  callbackId: string;
  /** state.values as Slack sends it: { [blockId]: { [actionId]: { type, value } } } */
  values?: Record<string, Record<string, Payload>>;
  privateMetadata?: string;
  userId?: string;
  viewId?: string;
}

export function viewSubmissionPayload(input: ViewSubmissionInput, overrides: Payload = {}): Payload {
  const userId = input.userId ?? "U0ALICE";
  return {
    type: "view_submission",
    team: { id: FAKE_TEAM_ID, domain: "fake" },
    user: { id: userId, username: userId.toLowerCase(), name: userId.toLowerCase(), team_id: FAKE_TEAM_ID },
    api_app_id: FAKE_APP_ID,
    token: "verification-token-unused",
    trigger_id: triggerId(),
    view: {
      id: input.viewId ?? nextId("V"),
      team_id: FAKE_TEAM_ID,
      type: "modal",
      callback_id: input.callbackId,
      private_metadata: input.privateMetadata ?? "",
      state: { values: input.values ?? {} },
      hash: nextId("h"),
      app_id: FAKE_APP_ID,
      bot_id: FAKE_BOT_ID,
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
    ...overrides,
  };
}

let lastTsMicros = 0;
/** A Slack-style message timestamp ("seconds.micros"), strictly increasing within this process. */
export function slackTs(): string {
  lastTsMicros = Math.max(Date.now() * 1000, lastTsMicros + 1);
  return `${Math.floor(lastTsMicros / 1e6)}.${String(lastTsMicros % 1e6).padStart(6, "0")}`;
}
