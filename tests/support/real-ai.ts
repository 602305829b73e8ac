import { createAiReviewer } from "../../src/ai/openai-reviewer.ts";
import type { AiConfig } from "../../src/config.ts";
import { aiLeaseMs, type AiSettings } from "../../src/core/ai/review-queue.ts";
import type { Clock } from "../../src/core/clock.ts";
import { silentLog } from "../fakes/core.ts";
import type { FakeOpenAi } from "../fakes/fake-openai.ts";

/**
 * The AI settings main.ts builds, with the real OpenAI-compatible client pointed at the
 * loopback fake: what reaches the engine is what a parsed HTTP reply became.
 */
export function realAi(server: FakeOpenAi, clock: Clock, options: { model?: string; timeoutMs?: number; dailyCapPerCohort?: number } = {}): AiSettings {
  // Generous by default: a busy machine must not turn a scripted score into a timeout.
  const timeoutMs = options.timeoutMs ?? 60_000;
  const config: AiConfig = {
    baseUrl: server.baseUrl,
    model: options.model ?? "fake-model",
    apiKey: undefined,
    timeoutMs,
    callsPerMinute: 10_000,
    dailyCapPerCohort: options.dailyCapPerCohort ?? 50,
  };
  const reviewer = createAiReviewer(config, { clock, logger: silentLog })!;
  return { reviewer, dailyCapPerCohort: config.dailyCapPerCohort, leaseMs: aiLeaseMs(timeoutMs) };
}
