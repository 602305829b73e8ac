import { describe, expect, it } from "vitest";
import { Metrics, observeCoach } from "../src/metrics.ts";

const valueOf = async (metrics: Metrics, name: string, labels: Record<string, string> = {}) => {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === name)!;
  const values = metric.values as { value: number; labels: Record<string, string | number>; metricName?: string }[];
  return values.find((v) => (v.metricName ?? name) === (name.endsWith("_seconds") ? `${name}_count` : name) && Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value ?? 0;
};

describe("/metrics counters", () => {
  it("counts ticks with their duration, steps run and failed by kind, answers and clicks recorded", async () => {
    const metrics = new Metrics();
    let failTick = false;
    const coach = {
      tick: async () => {
        if (failTick) throw new Error("database gone");
        return { ran: [{ step: "post" }, { step: "post" }, { step: "close" }], failed: [{ step: "open-reviews" }] };
      },
      answer: async (_input: { text: string }) => ({ created: true }),
      score: async (_input: { score: number }) => ({ submitted: false }),
    };
    observeCoach(coach, metrics);
    await coach.tick();
    failTick = true;
    await expect(coach.tick()).rejects.toThrow("database gone");
    expect(await coach.answer({ text: "an answer" })).toEqual({ created: true });
    await coach.score({ score: 4 });
    await coach.score({ score: 5 });

    expect(await valueOf(metrics, "coach_ticks_total", { outcome: "ok" })).toBe(1);
    expect(await valueOf(metrics, "coach_ticks_total", { outcome: "failed" })).toBe(1);
    expect(await valueOf(metrics, "coach_tick_duration_seconds")).toBe(2);
    expect(await valueOf(metrics, "coach_steps_total", { step: "post", outcome: "run" })).toBe(2);
    expect(await valueOf(metrics, "coach_steps_total", { step: "close", outcome: "run" })).toBe(1);
    expect(await valueOf(metrics, "coach_steps_total", { step: "open-reviews", outcome: "failed" })).toBe(1);
    expect(await valueOf(metrics, "coach_answers_recorded_total")).toBe(1);
    expect(await valueOf(metrics, "coach_review_clicks_recorded_total")).toBe(2);
    expect(await metrics.registry.metrics()).toContain('coach_steps_total{step="post",outcome="run"} 2');
  });

  it("counts platform calls, errors and 429s per platform", async () => {
    const metrics = new Metrics();
    const slack = metrics.platform("slack");
    slack.call();
    slack.call();
    slack.error();
    slack.rateLimited();
    metrics.platform("discord").call();
    expect(await valueOf(metrics, "coach_platform_calls_total", { platform: "slack" })).toBe(2);
    expect(await valueOf(metrics, "coach_platform_calls_total", { platform: "discord" })).toBe(1);
    expect(await valueOf(metrics, "coach_platform_errors_total", { platform: "slack" })).toBe(1);
    expect(await valueOf(metrics, "coach_platform_rate_limited_total", { platform: "slack" })).toBe(1);
  });
});
