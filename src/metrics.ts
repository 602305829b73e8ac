import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { Platform } from "./core/cohorts/types.ts";

/**
 * Prometheus metrics for /metrics. One registry per process (not prom-client's global
 * one) so tests can build several apps in one process without "already registered".
 */
export class Metrics {
  readonly registry = new Registry();
  readonly ticks = new Counter({ name: "coach_ticks_total", help: "Minute ticks run", labelNames: ["outcome"], registers: [this.registry] });
  readonly tickSeconds = new Histogram({
    name: "coach_tick_duration_seconds",
    help: "Time one minute tick took",
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly steps = new Counter({ name: "coach_steps_total", help: "Prompt steps run or failed, by kind", labelNames: ["step", "outcome"], registers: [this.registry] });
  readonly platformCalls = new Counter({ name: "coach_platform_calls_total", help: "Web/REST API calls made to a chat platform", labelNames: ["platform"], registers: [this.registry] });
  readonly platformErrors = new Counter({
    name: "coach_platform_errors_total",
    help: "Platform API calls that failed (network, HTTP error or an error body)",
    labelNames: ["platform"],
    registers: [this.registry],
  });
  readonly platformRateLimited = new Counter({ name: "coach_platform_rate_limited_total", help: "Platform API calls answered 429", labelNames: ["platform"], registers: [this.registry] });
  readonly answers = new Counter({ name: "coach_answers_recorded_total", help: "Answers recorded or updated", registers: [this.registry] });
  readonly clicks = new Counter({ name: "coach_review_clicks_recorded_total", help: "Rubric score clicks recorded", registers: [this.registry] });

  constructor(options: { readonly processMetrics?: boolean } = {}) {
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /** What an adapter reports for each API call it makes. */
  platform(platform: Platform): PlatformCallMetrics {
    return {
      call: () => this.platformCalls.inc({ platform }),
      error: () => this.platformErrors.inc({ platform }),
      rateLimited: () => this.platformRateLimited.inc({ platform }),
    };
  }
}

export interface PlatformCallMetrics {
  call(): void;
  error(): void;
  rateLimited(): void;
}

export const noPlatformMetrics: PlatformCallMetrics = { call: () => {}, error: () => {}, rateLimited: () => {} };

interface Observable {
  tick: () => Promise<{ readonly ran: readonly { step: string }[]; readonly failed: readonly { step: string }[] }>;
  answer: (...args: never[]) => Promise<unknown>;
  score: (...args: never[]) => Promise<unknown>;
}

/**
 * Counts the engine's work at the composition root, so the core stays free of metrics:
 * each tick (and its steps), each recorded answer and each recorded rubric click.
 */
export function observeCoach<C extends Observable>(coach: C, metrics: Metrics): void {
  const { tick, answer, score } = coach;
  coach.tick = async () => {
    const stopTimer = metrics.tickSeconds.startTimer();
    try {
      const report = await tick();
      metrics.ticks.inc({ outcome: "ok" });
      for (const { step } of report.ran) metrics.steps.inc({ step, outcome: "run" });
      for (const { step } of report.failed) metrics.steps.inc({ step, outcome: "failed" });
      return report;
    } catch (error) {
      metrics.ticks.inc({ outcome: "failed" });
      throw error;
    } finally {
      stopTimer();
    }
  };
  coach.answer = (async (...args: Parameters<C["answer"]>) => {
    const receipt = await answer(...args);
    metrics.answers.inc();
    return receipt;
  }) as C["answer"];
  coach.score = (async (...args: Parameters<C["score"]>) => {
    const card = await score(...args);
    metrics.clicks.inc();
    return card;
  }) as C["score"];
}
