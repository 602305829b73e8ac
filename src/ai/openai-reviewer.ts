import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError } from "openai";
import type { AiConfig } from "../config.ts";
import type { AiFailureReason, AiReviewer, AiReviewOutcome, AiReviewRequest } from "../core/ai/port.ts";
import type { Clock } from "../core/clock.ts";
import type { CoreLog } from "../core/deps.ts";
import { CallBudget } from "./call-budget.ts";
import { criteriaToScore, parseReview, reviewInput, reviewJsonSchema, reviewMessages } from "./review-prompt.ts";

export interface OpenAiReviewerOptions {
  readonly baseUrl: string;
  readonly model: string;
  /** Sent as `Authorization: Bearer ...`; without one no Authorization header is sent (local servers). */
  readonly apiKey?: string | undefined;
  /** Per call; a review makes at most two calls (one retry of unparseable output), plus one when falling back from structured output. */
  readonly timeoutMs: number;
  readonly callsPerMinute: number;
  readonly clock: Clock;
  readonly log: CoreLog;
}

type Failure = { readonly kind: "failed"; readonly reason: AiFailureReason; readonly detail: string };
type CallResult = { readonly kind: "reply"; readonly content: string | null | undefined } | Failure;

const failed = (reason: AiFailureReason, detail: string): Failure => ({ kind: "failed", reason, detail });

/**
 * An AiReviewer on any OpenAI-compatible chat-completions endpoint (OpenAI, Ollama,
 * llama.cpp, vLLM...). It asks for structured output first and, if the endpoint refuses
 * `response_format`, switches to plain JSON for the rest of its life.
 */
export class OpenAiReviewer implements AiReviewer {
  readonly model: string;
  private readonly client: OpenAI;
  private readonly budget: CallBudget;
  private readonly log: CoreLog;
  private readonly apiKey: string | undefined;
  private readonly timeoutMs: number;
  private structuredOutput = true;

  constructor(options: OpenAiReviewerOptions) {
    this.model = options.model;
    this.apiKey = options.apiKey || undefined;
    this.timeoutMs = options.timeoutMs;
    this.log = options.log;
    this.budget = new CallBudget(options.callsPerMinute, options.clock);
    this.client = new OpenAI({
      baseURL: options.baseUrl,
      // The SDK refuses to start without a key; a keyless local server gets a placeholder
      // that the null Authorization header below keeps from being sent.
      apiKey: this.apiKey ?? "no-key",
      ...(this.apiKey ? {} : { defaultHeaders: { Authorization: null } }),
      // Explicit nulls, so OPENAI_ORG_ID / OPENAI_PROJECT_ID in the environment add nothing to the request.
      organization: null,
      project: null,
      timeout: options.timeoutMs,
      // Retries are ours: one for unparseable output, none for errors (the budget decides when to call again).
      maxRetries: 0,
      // The SDK would log to the console (and OPENAI_LOG=debug prints requests): all logging goes through ours.
      logLevel: "off",
    });
  }

  async review(request: AiReviewRequest): Promise<AiReviewOutcome> {
    try {
      return await this.reviewOrFail(request);
    } catch (error) {
      // A bug of ours, not an endpoint failure; the port promises never to throw.
      const detail = this.redact(error instanceof Error ? error.message : String(error));
      this.log.error({ model: this.model, questionId: request.question.id, detail }, "AI review failed unexpectedly");
      return failed("unreachable", `unexpected error: ${detail}`);
    }
  }

  private async reviewOrFail(request: AiReviewRequest): Promise<AiReviewOutcome> {
    const criteria = criteriaToScore(request);
    if (criteria.length === 0) return failed("rejected", "the question has no applicable rubric criteria to score");
    const ids = criteria.map((criterion) => criterion.id);
    const messages = reviewMessages(reviewInput(request, criteria));
    const context = { model: this.model, questionId: request.question.id };
    let problem = "";
    for (const attempt of [1, 2]) {
      const result = await this.call(messages, ids);
      if (result.kind === "failed") {
        this.log.warn({ ...context, attempt, reason: result.reason, detail: result.detail }, "AI review failed");
        return result;
      }
      const parsed = parseReview(result.content, ids);
      if (parsed.ok) return { kind: "scored", review: { model: this.model, scores: parsed.scores } };
      problem = parsed.problem;
      // The reply itself is not logged: it quotes the member's answer.
      this.log.warn(
        { ...context, attempt, problem, replyChars: result.content?.length ?? 0 },
        attempt === 1 ? "AI review output unparseable; retrying once" : "AI review output unparseable twice; dropped",
      );
    }
    return failed("unparseable", problem);
  }

  private async call(messages: ReturnType<typeof reviewMessages>, ids: readonly string[]): Promise<CallResult> {
    const slot = this.budget.take();
    if (!slot.ok) {
      const seconds = Math.ceil(slot.waitMs / 1000);
      return slot.why === "paused"
        ? failed("rate_limited", `the endpoint asked for a pause (429); next call in ${seconds} s`)
        : failed("rate_limited", `AI_CALLS_PER_MINUTE budget spent; next slot in ${seconds} s`);
    }
    const structured = this.structuredOutput;
    try {
      const completion = await this.client.chat.completions.create({
        model: this.model,
        messages,
        ...(structured
          ? { response_format: { type: "json_schema", json_schema: { name: "rubric_scores", strict: true, schema: reviewJsonSchema(ids) } } }
          : {}),
      });
      return { kind: "reply", content: completion.choices[0]?.message.content };
    } catch (error) {
      if (structured && rejectsResponseFormat(error)) {
        this.structuredOutput = false;
        this.log.warn({ model: this.model }, "the AI endpoint does not accept response_format json_schema; asking for plain JSON from now on");
        return this.call(messages, ids);
      }
      return this.failure(error);
    }
  }

  private failure(error: unknown): Failure {
    if (error instanceof APIConnectionTimeoutError) return failed("timeout", `no reply within ${this.timeoutMs} ms`);
    if (error instanceof APIConnectionError) {
      const cause = error.cause instanceof Error ? ` (${error.cause.message})` : "";
      return failed("unreachable", `could not reach the endpoint: ${this.redact(error.message + cause)}`);
    }
    if (error instanceof APIError) {
      const status = error.status ?? 0;
      if (status === 429) {
        const waitMs = retryAfterMs(error.headers);
        if (waitMs !== undefined) this.budget.pauseFor(waitMs);
        return failed("rate_limited", `HTTP 429${waitMs === undefined ? "" : `; retry after ${Math.ceil(waitMs / 1000)} s`}`);
      }
      if (status >= 500) return failed("server_error", `HTTP ${status}`);
      // A provider's 401 message may echo part of the key: say nothing of it.
      if (status === 401 || status === 403) return failed("rejected", `HTTP ${status}: the endpoint refused the credentials (check AI_API_KEY)`);
      return failed("rejected", `HTTP ${status}: ${this.redact(error.message).slice(0, 200)}`);
    }
    throw error;
  }

  private redact(text: string): string {
    return this.apiKey ? text.replaceAll(this.apiKey, "[redacted]") : text;
  }
}

/** llama.cpp, vLLM and older Ollama answer a json_schema request they cannot honour with a 400 (or 422) naming it. */
function rejectsResponseFormat(error: unknown): boolean {
  return error instanceof APIError && (error.status === 400 || error.status === 422) && /response_format|json_schema/i.test(error.message);
}

function retryAfterMs(headers: Headers | undefined): number | undefined {
  const ms = Number(headers?.get("retry-after-ms") ?? Number.NaN);
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers?.get("retry-after");
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(value);
  // An HTTP date is compared with the wall clock on purpose: it is the server's clock, not ours.
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/i;

/**
 * The composition root's one call: undefined when AI is off, and then nothing is built and
 * no request can leave the process.
 */
export function createAiReviewer(config: AiConfig | undefined, deps: { readonly clock: Clock; readonly logger: CoreLog }): AiReviewer | undefined {
  if (!config) return undefined;
  const url = new URL(config.baseUrl);
  if (config.apiKey && url.protocol === "http:" && !LOOPBACK.test(url.hostname)) {
    deps.logger.warn({ host: url.host }, "AI_API_KEY will travel unencrypted: AI_BASE_URL is plain http:// to another machine");
  }
  return new OpenAiReviewer({
    baseUrl: config.baseUrl,
    model: config.model,
    apiKey: config.apiKey,
    timeoutMs: config.timeoutMs,
    callsPerMinute: config.callsPerMinute,
    clock: deps.clock,
    log: deps.logger,
  });
}
