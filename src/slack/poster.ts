import { webApi } from "@slack/bolt";
import type { Logger } from "../logger.ts";
import type { PostPace } from "./pace.ts";

/**
 * chat.postMessage with its pace and retries in our hands instead of WebClient's. The
 * client is built with rejectRateLimitedCalls and no retries of its own, so every HTTP
 * attempt starts here, and `beforeAttempt` (a step's fence) runs right before each one,
 * after every wait. WebClient would wait out a Retry-After and send again without asking,
 * which let a post that waited past its step's lease land after another replica had
 * retaken the step and posted it.
 *
 * A 429 is Slack saying when to come back, not a fault: every post pauses for its
 * Retry-After, the workspace pace slows down, and the post tries again without using up
 * a retry or waiting a backoff. (Counting 429s as faults, as WebClient does, let a
 * fan-out above the workspace's real limit back off in step, each round sending the
 * survivors of the last at once: the unlucky ones waited 1, 4, 15 and 58 s and could
 * run out of retries.) A failed request (no answer, or a 5xx) is retried with the
 * policy's backoff.
 */
export class SlackPoster {
  private resumeAt = 0;

  constructor(
    private readonly client: webApi.WebClient,
    private readonly policy: webApi.RetryOptions,
    private readonly pace: PostPace,
    private readonly log: Logger,
  ) {}

  post(args: webApi.ChatPostMessageArguments, beforeAttempt?: () => Promise<void>): Promise<webApi.ChatPostMessageResponse> {
    return this.pace.run(args.channel, async (send) => {
      for (let failures = 0, refusals = 0; ; ) {
        const attempt = async () => {
          for (let paused = this.resumeAt - Date.now(); paused > 0; paused = this.resumeAt - Date.now()) await sleep(paused);
          await beforeAttempt?.();
          return this.client.chat.postMessage(args);
        };
        try {
          return await send(attempt, failures + refusals > 0);
        } catch (error) {
          const code = (error as { code?: unknown } | undefined)?.code;
          if (code === webApi.ErrorCode.RateLimitedError && ++refusals <= MAX_RATE_LIMITED) {
            const { retryAfter } = error as webApi.WebAPIRateLimitedError;
            this.resumeAt = Math.max(this.resumeAt, Date.now() + retryAfter * 1000);
            const postsPerSecond = this.pace.rateLimited();
            // Once per cut, so an organizer whose workspace allows less than SLACK_POSTS_PER_SECOND can see it and set it lower.
            if (postsPerSecond !== undefined) this.log.warn({ retryAfter, postsPerSecond }, `Slack answered a post with 429: posting at ${postsPerSecond} a second for now`);
            continue;
          }
          // Slack answered, and said no: retrying cannot help.
          if ((code !== webApi.ErrorCode.RequestError && code !== webApi.ErrorCode.HTTPError) || failures >= (this.policy.retries ?? DEFAULT_RETRIES)) throw error;
          await sleep(backoffMs(failures++, this.policy));
        }
      }
    });
  }
}

/** node-retry's default, which WebClient's policies build on. */
const DEFAULT_RETRIES = 10;

/**
 * Refusals one post waits out before it fails (its step is then retried by a later tick).
 * The rate halves on each, so only a workspace refusing everything gets this far.
 */
const MAX_RATE_LIMITED = 20;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** node-retry's wait before retry number `retries + 1`, over WebClient's policy. */
function backoffMs(retries: number, policy: webApi.RetryOptions): number {
  const random = policy.randomize ? 1 + Math.random() : 1;
  return Math.min(Math.round(random * Math.max(policy.minTimeout ?? 1000, 1) * (policy.factor ?? 2) ** retries), policy.maxTimeout ?? Infinity);
}
