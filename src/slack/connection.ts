import type { webApi } from "@slack/bolt";
import type { PlatformCallMetrics } from "../metrics.ts";
import type { ConnectionProblem } from "../platform-connection.ts";

/** Error codes that mean the token itself is no good, whichever call sees them. */
const badTokenCodes = new Set([
  "invalid_auth",
  "not_authed",
  "token_revoked",
  "token_expired",
  "account_inactive",
  "not_allowed_token_type",
  "team_disabled",
  "user_removed_from_team",
]);

export const isBadTokenCode = (code: string): boolean => badTokenCodes.has(code);

type Token = "SLACK_BOT_TOKEN" | "SLACK_APP_TOKEN";

const tokenFix: Record<Token, string> = {
  SLACK_BOT_TOKEN:
    "Copy the Bot User OAuth Token (xoxb-...) from the app's OAuth & Permissions page (reinstall the app if it was removed), set SLACK_BOT_TOKEN and restart",
  SLACK_APP_TOKEN:
    "Create an app-level token with the connections:write scope under Basic Information > App-Level Tokens, enable Socket Mode, set SLACK_APP_TOKEN and restart",
};

export function badToken(token: Token, code: string): ConnectionProblem {
  return { cause: `Slack rejected ${token} (${code})`, fix: tokenFix[token], final: true };
}

/**
 * Turns a failed Web API call into one operator-facing sentence. The Web API client's
 * errors carry a `code` naming their kind; anything else is reported as it is.
 */
export function describeSlackFailure(error: unknown, token: Token, apiUrl: string): ConnectionProblem {
  const failure = error as { code?: string; data?: { error?: string }; original?: { message?: string; cause?: { code?: string } }; statusCode?: number };
  switch (failure.code) {
    case "slack_webapi_platform_error":
    case "slack_socket_mode_initialization_error": {
      const code = failure.data?.error ?? "unknown error";
      if (isBadTokenCode(code)) return badToken(token, code);
      return { cause: `Slack refused the ${token === "SLACK_BOT_TOKEN" ? "token check" : "Socket Mode connection"} (${code})`, fix: "Check the app's configuration at api.slack.com/apps; retrying" };
    }
    case "slack_webapi_request_error": {
      const detail = failure.original?.cause?.code ?? failure.original?.message ?? "no response";
      return { cause: `Cannot reach Slack at ${apiUrl} (${detail})`, fix: "Check the network, any proxy, and SLACK_API_URL if set; retrying every 30 s" };
    }
    case "slack_webapi_http_error":
      return { cause: `Slack answered HTTP ${failure.statusCode ?? "error"} at ${apiUrl}`, fix: "Slack may be having an outage (status.slack.com); retrying" };
    default: {
      // Socket Mode refuses an app token with an error naming the Slack code in its message.
      const message = error instanceof Error ? error.message : String(error);
      const code = [...badTokenCodes].find((c) => message.includes(c));
      if (code) return badToken(token, code);
      return { cause: `Slack connection failed (${message})`, fix: "Retrying; see the Troubleshooting section of the README" };
    }
  }
}

/**
 * The Web API client's fetch, counting calls, errors and 429s, and noticing when Slack
 * says a token is bad (revoked after start-up, say) so /readyz and the log can say so.
 */
export function instrumentedFetch(metrics: PlatformCallMetrics, onBadToken: (token: Token, code: string) => void): webApi.FetchFunction {
  return async (url, init) => {
    metrics.call();
    let response: Response;
    try {
      response = await fetch(url, init as RequestInit);
    } catch (error) {
      metrics.error();
      throw error;
    }
    if (response.status === 429) metrics.rateLimited();
    if (!response.ok) metrics.error();
    else if (response.headers.get("content-type")?.includes("json")) {
      void response
        .clone()
        .json()
        .then((raw) => {
          const body = raw as { ok?: boolean; error?: string };
          if (body.ok !== false) return;
          metrics.error();
          if (body.error && isBadTokenCode(body.error)) onBadToken(String(url).endsWith("apps.connections.open") ? "SLACK_APP_TOKEN" : "SLACK_BOT_TOKEN", body.error);
        })
        .catch(() => {});
    }
    return response;
  };
}
