import { createHmac } from "node:crypto";
import { performance } from "node:perf_hooks";
import { eventCallbackPayload, type Payload } from "./payloads.ts";

export interface SignedHeaders {
  "content-type": string;
  "x-slack-request-timestamp": string;
  "x-slack-signature": string;
  [header: string]: string;
}

export interface SignOptions {
  /** Unix seconds; defaults to now. Use an old value to exercise Bolt's 5-minute replay window. */
  timestamp?: number;
  contentType?: string;
}

export function slackSignature(signingSecret: string, timestamp: number, body: string): string {
  return `v0=${createHmac("sha256", signingSecret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
}

/** Headers Slack would send with `body` (the exact bytes that will be posted). */
export function signedRequest(signingSecret: string, body: string, options: SignOptions = {}): SignedHeaders {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  return {
    "content-type": options.contentType ?? "application/x-www-form-urlencoded",
    "x-slack-request-timestamp": String(timestamp),
    "x-slack-signature": slackSignature(signingSecret, timestamp, body),
  };
}

export type InboundKind = "command" | "event" | "action" | "view_submission";

export interface PostToBoltOptions {
  /** Sent as X-Slack-Retry-Num (with X-Slack-Retry-Reason: http_timeout). */
  retryNum?: number;
  timestamp?: number;
  /** true: sign with a wrong secret; "missing": send no signature headers at all. */
  forge?: boolean | "missing";
  timeoutMs?: number;
}

export interface BoltResponse {
  status: number;
  body: string;
  /** Milliseconds until the response status and headers arrived (the ack latency). */
  ms: number;
}

/**
 * Encodes `payload` the way Slack delivers `kind` and posts it, signed, to a Bolt HTTP endpoint
 * (e.g. http://127.0.0.1:PORT/slack/events).
 * - command: form fields (pass slashCommandPayload(...) or your own fields)
 * - event: JSON; a bare event (has `type` but no `event`) is wrapped in an event_callback
 * - action / view_submission: form field `payload` holding the JSON (blockActionsPayload / viewSubmissionPayload)
 */
export async function postToBolt(
  url: string,
  signingSecret: string,
  kind: InboundKind,
  payload: Payload,
  options: PostToBoltOptions = {},
): Promise<BoltResponse> {
  const { body, headers } = boltRequest(signingSecret, kind, payload, options);
  const started = performance.now();
  const response = await fetch(url, {
    method: "POST",
    headers,
    body,
    signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
  });
  const ms = performance.now() - started;
  return { status: response.status, body: await response.text(), ms };
}

/** The body and headers postToBolt would send, for callers that send it themselves (the ack bench's client thread). */
export function boltRequest(
  signingSecret: string,
  kind: InboundKind,
  payload: Payload,
  options: Omit<PostToBoltOptions, "timeoutMs"> = {},
): { body: string; headers: Record<string, string> } {
  const { body, contentType } = encode(kind, payload);
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  let headers: Record<string, string>;
  if (options.forge === "missing") {
    headers = { "content-type": contentType };
  } else {
    const secret = options.forge === true ? `${signingSecret}-forged` : signingSecret;
    headers = { ...signedRequest(secret, body, { timestamp, contentType }) };
  }
  if (options.retryNum !== undefined) {
    headers["x-slack-retry-num"] = String(options.retryNum);
    headers["x-slack-retry-reason"] = "http_timeout";
  }
  return { body, headers };
}

function encode(kind: InboundKind, payload: Payload): { body: string; contentType: string } {
  switch (kind) {
    case "command":
      return { body: formEncode(payload), contentType: "application/x-www-form-urlencoded" };
    case "event": {
      const envelope = "event" in payload ? payload : eventCallbackPayload(payload);
      return { body: JSON.stringify(envelope), contentType: "application/json" };
    }
    case "action":
    case "view_submission":
      return {
        body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
        contentType: "application/x-www-form-urlencoded",
      };
  }
}

function formEncode(fields: Payload): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined || value === null) continue;
    params.append(key, typeof value === "object" ? JSON.stringify(value) : String(value));
  }
  return params.toString();
}
