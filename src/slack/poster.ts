import { webApi } from "@slack/bolt";

/**
 * chat.postMessage with its retries in our hands instead of WebClient's. The client is
 * built with rejectRateLimitedCalls and no retries of its own, so every HTTP attempt
 * starts here, and `beforeAttempt` (a step's fence) runs right before each one, after
 * every wait. WebClient would wait out a Retry-After and send again without asking, which
 * let a post that waited past its step's lease land after another replica had retaken
 * the step and posted it. The waits are WebClient's: a 429 pauses every post for its
 * Retry-After, and each retry also waits the policy's backoff, which spreads the retries
 * of a burst that met a lower limit than the pace assumed.
 */
export class SlackPoster {
  private resumeAt = 0;

  constructor(
    private readonly client: webApi.WebClient,
    private readonly policy: webApi.RetryOptions,
  ) {}

  async post(args: webApi.ChatPostMessageArguments, beforeAttempt?: () => Promise<void>): Promise<webApi.ChatPostMessageResponse> {
    for (let retries = 0; ; retries++) {
      for (let paused = this.resumeAt - Date.now(); paused > 0; paused = this.resumeAt - Date.now()) await sleep(paused);
      await beforeAttempt?.();
      try {
        return await this.client.chat.postMessage(args);
      } catch (error) {
        const code = (error as { code?: unknown } | undefined)?.code;
        const limited = code === webApi.ErrorCode.RateLimitedError;
        // Slack answered, and said no: retrying cannot help.
        if ((!limited && code !== webApi.ErrorCode.RequestError && code !== webApi.ErrorCode.HTTPError) || retries >= (this.policy.retries ?? DEFAULT_RETRIES)) throw error;
        if (limited) this.resumeAt = Math.max(this.resumeAt, Date.now() + (error as webApi.WebAPIRateLimitedError).retryAfter * 1000);
        await sleep(backoffMs(retries, this.policy));
      }
    }
  }
}

/** node-retry's default, which WebClient's policies build on. */
const DEFAULT_RETRIES = 10;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** node-retry's wait before retry number `retries + 1`, over WebClient's policy. */
function backoffMs(retries: number, policy: webApi.RetryOptions): number {
  const random = policy.randomize ? 1 + Math.random() : 1;
  return Math.min(Math.round(random * Math.max(policy.minTimeout ?? 1000, 1) * (policy.factor ?? 2) ** retries), policy.maxTimeout ?? Infinity);
}
