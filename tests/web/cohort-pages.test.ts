import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { CoachMessage } from "../../src/core/messages.ts";
import { startHttpServer, type HttpServer } from "../../src/http/server.ts";
import { createLogger } from "../../src/logger.ts";
import { loadQuestionBank } from "../../src/questions/loader.ts";
import { createWebHandler } from "../../src/web/index.ts";
import { member, slackCohort } from "../fakes/core.ts";
import { testDatabases } from "../support/databases.ts";
import { useEngine } from "../support/engine.ts";
import { launchChromium, screenshotDir } from "./browser.ts";

const bank = loadQuestionBank(path.resolve(import.meta.dirname, "../../questions"));
const admin = member(1, true);
const DAYS = ["2026-11-02T15:00:00Z", "2026-11-03T15:00:00Z", "2026-11-04T15:00:00Z"];

// The browser half runs on the embedded database only; the pages' data comes from the same repositories tested on both.
describe("cohort pages in a real browser", { timeout: 90_000 }, () => {
  const engine = useEngine(testDatabases()[0]!, DAYS[0]!, bank);
  let server: HttpServer;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    // The handler holds the engine of this test, so it is made per test; the server is cheap.
    await server?.close();
    server = await startHttpServer({ port: 0, host: "127.0.0.1", routes: [], log: createLogger("silent") });
    server.mountFallback(createWebHandler({ coach: engine.coach, practiceRoom: false, log: createLogger("silent") }));
    base = `http://127.0.0.1:${server.port}`;
  });
  afterAll(() => server?.close());

  /** One posted day: members answer, every reviewer scores each author's answer at that author's level, results close. */
  async function playDay(at: string, levels: Record<number, number>) {
    const { coach, messenger, repos, clock } = engine;
    clock.set(at);
    expect(await coach.postNow(slackCohort, admin)).toBe("done");
    const promptId = (messenger.sent.findLast((s) => s.message.kind === "prompt")!.message as Extract<CoachMessage, { kind: "prompt" }>).promptId;
    for (const n of Object.keys(levels).map(Number)) await coach.answer({ prompt: promptId, actor: member(n), text: `secret answer text of member ${n}`, sourceRef: null });
    await coach.openReviews(slackCohort, admin);
    for (const assignment of await repos.reviews.forPrompt(promptId)) {
      const author = Number((await repos.answers.get(assignment.answerId))!.userRef.split("U")[1]);
      const card = (await coach.showReview(assignment.id, assignment.reviewerRef))!;
      for (const c of card.criteria) await coach.score({ assignmentId: assignment.id, reviewerRef: assignment.reviewerRef, criterionId: c.id, score: levels[author]! });
      await coach.submitReview({ assignmentId: assignment.id, reviewerRef: assignment.reviewerRef });
    }
    await coach.closeNow(slackCohort, admin);
  }

  const pathOf = (url: string) => {
    const u = new URL(url);
    return `${u.pathname}${u.search}`;
  };

  it("shows leaderboards, participation, criterion charts and question history through the link, hiding private names and every answer", async () => {
    const { coach } = engine;
    await coach.setup(slackCohort, admin, { trackId: "humana/ai-pm" });
    await coach.showInResults(slackCohort, member(2), false);
    await playDay(DAYS[0]!, { 1: 3, 2: 5, 3: 4, 4: 2 });
    await playDay(DAYS[1]!, { 1: 4, 2: 4, 3: 3 });
    await playDay(DAYS[2]!, { 1: 5, 3: 2 });

    const link = await coach.cohortLink(slackCohort, member(1));
    expect(link.url).toMatch(/^http:\/\/127\.0\.0\.1:3000\/c\/[A-Za-z0-9_-]{24}\?v=/);
    const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${base}${pathOf(link.url)}`);
    expect(await page.locator("h1").textContent()).toBe("Cohort page: humana/ai-pm");
    const names = await page.locator("table").first().locator("tbody td:nth-child(2)").allTextContents();
    expect(names).toContain("Member 1 (you)");
    expect(names).toContain("A member (private)");
    const text = (await page.locator("main").textContent())!;
    expect(text).not.toContain("Member 2");
    expect(text).not.toContain("secret answer text");
    expect(text).toContain("You are #");

    expect(await page.getByRole("img", { name: "Answers per posted day" }).locator("rect.bar").count()).toBe(3);
    const criterionCharts = page.getByRole("img", { name: /cohort average/ });
    expect(await criterionCharts.count()).toBeGreaterThan(1);
    expect(await criterionCharts.first().locator("circle.point").count()).toBe(3);
    expect(await page.locator("table[aria-labelledby=questions] tbody tr").count()).toBe(3);
    await page.screenshot({ path: path.join(screenshotDir, "cohort-page.png"), fullPage: true });
    await page.screenshot({ path: path.join(screenshotDir, "readme-cohort-page.png") });

    await page.getByRole("link", { name: "All time" }).click();
    await expect.poll(() => page.locator("#leaderboard").textContent()).toBe("Leaderboard: All time");
    expect(await page.getByRole("link", { name: "All time" }).getAttribute("aria-current")).toBe("page");

    // Admin rotation: the old link now refuses, the new one works.
    const rotated = await coach.rotateCohortLink(slackCohort, admin);
    await page.goto(`${base}${pathOf(link.url)}`);
    expect(await page.getByRole("alert").textContent()).toContain("This cohort link is not valid");
    expect(await page.locator("table").count()).toBe(0);
    const fresh = await page.goto(`${base}${pathOf(rotated.url)}`);
    expect(fresh?.status()).toBe(200);
    expect(await page.locator("h1").textContent()).toBe("Cohort page: humana/ai-pm");
    await context.close();
  });

  it("refuses without the link: no listing, a forged token, and a member who is not an admin cannot rotate", async () => {
    const { coach } = engine;
    await coach.setup(slackCohort, admin, { trackId: "humana/ai-pm" });
    const link = await coach.cohortLink(slackCohort, member(3));
    const token = new URL(link.url).pathname.split("/")[2]!;
    // One character off (the token is random: its last character may already be "x").
    const forged = `${token.slice(0, -1)}${token.endsWith("x") ? "y" : "x"}`;
    for (const p of ["/", "/c/", "/c", `/c/${forged}`, `/c/${"A".repeat(24)}`]) {
      const response = await fetch(`${base}${p}`);
      expect(response.status, p).toBe(404);
      const body = await response.text();
      expect(body).not.toContain("humana/ai-pm");
    }
    await expect(coach.rotateCohortLink(slackCohort, member(3))).rejects.toMatchObject({ code: "not-an-admin" });
    expect((await fetch(`${base}${pathOf(link.url)}`)).status).toBe(200);
    // Asking again hands out the same link until an admin rotates it.
    expect((await coach.cohortLink(slackCohort, member(3))).url).toBe(link.url);
  });
});
