import path from "node:path";
import { DateTime } from "luxon";
import { beforeEach, describe, expect, it } from "vitest";
import { parseScheduleArgs, parseTimeZone } from "../../../src/core/cohorts/parse-settings.ts";
import type { CoachMessage } from "../../../src/core/messages.ts";
import { loadConfig } from "../../../src/config.ts";
import { promptPost } from "../../../src/discord/ui/prompt.ts";
import { loadQuestionBank } from "../../../src/questions/loader.ts";
import { renderMessage } from "../../../src/slack/blocks/messages.ts";
import { member, slackCohort } from "../../fakes/core.ts";
import { testDatabases } from "../../support/databases.ts";
import { useEngine } from "../../support/engine.ts";

const currentNames = ["Asia/Kolkata", "Europe/Kyiv", "Asia/Ho_Chi_Minh", "America/Nuuk"];

describe("time zone names", () => {
  it.each(currentNames)("accepts the current name %s and gives back exactly what was typed", (zone) => {
    expect(parseTimeZone(zone)).toBe(zone);
    expect(parseScheduleArgs(["humana/ai-pm", zone, "09:30"]).timeZone).toBe(zone);
    expect(loadConfig({ DEFAULT_TIME_ZONE: zone }).defaults.timeZone).toBe(zone);
  });

  it("still accepts the old names and UTC, and refuses offsets, abbreviations and nonsense in plain words", () => {
    expect(parseTimeZone("Asia/Calcutta")).toBe("Asia/Calcutta");
    expect(parseTimeZone("asia/kolkata")).toBe("Asia/Kolkata");
    expect(parseTimeZone("utc")).toBe("UTC");
    for (const bad of ["+05:30", "IST", "Mars/Olympus_Mons"]) expect(() => parseTimeZone(bad)).toThrow(/is not a time zone/);
    expect(() => loadConfig({ DEFAULT_TIME_ZONE: "Mars/Olympus_Mons" })).toThrow(/DEFAULT_TIME_ZONE/);
  });
});

const bank = loadQuestionBank(path.resolve(import.meta.dirname, "../../../questions"));
const admin = member(1, true);
const promptOf = (sent: readonly { message: CoachMessage }[]) => sent.findLast((s) => s.message.kind === "prompt")!.message as Extract<CoachMessage, { kind: "prompt" }>;

describe.each(testDatabases().slice(0, 1))("deadlines on $name", (target) => {
  // 20:30 in Kolkata: half an hour before the usual answer close.
  const engine = useEngine(target, "2026-10-28T15:00:00Z", bank);
  beforeEach(async () => {
    await engine.coach.setup(slackCohort, admin, { trackId: "oscar-health/ai-pm", timeZone: "Asia/Kolkata" });
  });

  it("post-now late in the day closes answers at the cohort's usual time the next day, not in the night", async () => {
    const cohort = (await engine.coach.cohort(slackCohort))!;
    expect(cohort.timeZone).toBe("Asia/Kolkata");
    const todayClose = DateTime.fromISO(`2026-10-28T${cohort.answerCloseTime}`, { zone: "Asia/Kolkata" });
    engine.clock.set(todayClose.minus({ minutes: 30 }).toJSDate());
    expect(await engine.coach.postNow(slackCohort, admin)).toBe("done");
    const prompt = promptOf(engine.messenger.sent);
    const closes = DateTime.fromJSDate(prompt.answersCloseAt, { zone: "Asia/Kolkata" });
    expect(closes.toFormat("yyyy-MM-dd HH:mm")).toBe(`2026-10-29 ${cohort.answerCloseTime}`);
  });

  it("post-now with hours left keeps today's usual window", async () => {
    const cohort = (await engine.coach.cohort(slackCohort))!;
    engine.clock.set(DateTime.fromISO(`2026-10-28T${cohort.answerCloseTime}`, { zone: "Asia/Kolkata" }).minus({ hours: 5 }).toJSDate());
    expect(await engine.coach.postNow(slackCohort, admin)).toBe("done");
    const closes = DateTime.fromJSDate(promptOf(engine.messenger.sent).answersCloseAt, { zone: "Asia/Kolkata" });
    expect(closes.toFormat("yyyy-MM-dd HH:mm")).toBe(`2026-10-28 ${cohort.answerCloseTime}`);
  });

  it("shows the deadline in each reader's own zone: Slack <!date^...> with a named fallback, Discord <t:...>", async () => {
    await engine.coach.postNow(slackCohort, admin);
    const prompt = promptOf(engine.messenger.sent);
    const unix = Math.floor(prompt.answersCloseAt.getTime() / 1000);
    const slack = JSON.stringify(renderMessage(prompt).blocks);
    expect(slack).toContain(`<!date^${unix}^{date_short_pretty} {time}|`);
    expect(slack).toContain("(Asia/Kolkata)>");
    const discord = JSON.stringify(promptPost(prompt).embeds);
    expect(discord).toContain(`<t:${unix}:f> (<t:${unix}:R>)`);
  });
});
