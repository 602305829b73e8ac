import { describe, expect, it } from "vitest";
import { screenshotDir, useWebApp } from "./browser.ts";

const TRACK = "humana/ai-pm";
const ANSWER =
  "I would start with the user: the home-health clinician. I'd define the metric as falls per 1,000 member-days, measured with a randomized rollout by region, " +
  "and name the tradeoff between alert fatigue and recall. First I'd ship a pilot in one market, then scale.";

describe("practice room in a real browser", { timeout: 90_000 }, () => {
  const web = useWebApp();

  it("logs its address and serves the room on loopback only", async () => {
    expect(web.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${web.baseUrl}/`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("Practice room");
  });

  it("runs the solo loop: track, today's question with a countdown, answer, check, outline, self-rating, and the point on the chart", async () => {
    const page = await web.newPage();
    await page.goto(`${web.baseUrl}/`);
    await page.getByLabel("Track").selectOption(TRACK);
    await page.getByRole("button", { name: "Today's question" }).click();
    await expect.poll(() => page.locator("h1").textContent()).toBe("Today's question");
    const timer = page.getByRole("timer");
    const first = await timer.textContent();
    await expect.poll(() => timer.textContent(), { timeout: 10_000 }).not.toBe(first);
    await page.getByLabel("Your answer").fill(ANSWER);
    await web.shot(page, "practice-question");
    await page.screenshot({ path: `${screenshotDir}/readme-practice-room.png` });
    await page.getByRole("button", { name: "Check my answer" }).click();

    await expect.poll(() => page.locator("h1").textContent()).toBe("Your answer");
    await expect.poll(() => page.getByRole("heading", { name: "Instant check" }).count()).toBe(1);
    // The question is drawn per practitioner, so the check either lists cues or says why it counted none.
    expect(await page.locator("li.shown, li.missing, main p.message.error").count()).toBeGreaterThan(0);
    // Each cue shown quotes the sentence of the answer that shows it.
    const quotes = await page.locator("li.shown blockquote").allTextContents();
    expect(quotes).toHaveLength(await page.locator("li.shown").count());
    for (const q of quotes) expect(ANSWER).toContain(q.replace(/^"|"$/g, "").replace(/…$/, ""));
    expect(await page.getByRole("heading", { name: "A strong answer covers" }).count()).toBe(1);
    expect(await page.locator("ol > li").count()).toBeGreaterThan(0);

    // The follow-up pushback: reply, and the reply gets its own check.
    expect(await page.getByRole("heading", { name: "The interviewer pushes back" }).count()).toBe(1);
    await page.getByLabel("Your reply to the follow-up").fill("Under-coding hits both: I'd label falls from ED visits plus clinician notes, and measure on that composite.");
    await page.getByRole("button", { name: "Send my reply" }).click();
    await expect.poll(() => page.getByRole("heading", { name: "Check of your reply" }).count()).toBe(1);
    // Shown as the reply, and again as evidence wherever its sentence lights a cue of the drawn question.
    expect(await page.getByText("Under-coding hits both").count()).toBeGreaterThanOrEqual(1);

    const groups = page.locator("fieldset");
    const criteria = await groups.locator("legend").allTextContents();
    expect(criteria.length).toBeGreaterThan(1);
    for (const [i, criterion] of criteria.entries()) {
      await page.getByRole("group", { name: criterion }).getByLabel(String((i % 5) + 1), { exact: true }).check();
    }
    await web.shot(page, "practice-check");
    await page.getByRole("button", { name: "Save my ratings" }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toContain("Saved");

    await page.getByRole("link", { name: "History" }).first().click();
    await expect.poll(() => page.locator("h1").textContent()).toBe("Your history");
    // One chart per rated criterion, each with the one point just rated.
    expect(await page.locator("figure svg").count()).toBe(criteria.length);
    expect(await page.locator("figure svg circle.point").count()).toBe(criteria.length);
    for (const criterion of criteria) expect(await page.getByRole("img", { name: `${criterion}, self-rating over time` }).count()).toBeGreaterThan(0);
    await web.shot(page, "practice-history");

    // Coming back the same day shows the same question, marked as answered.
    await page.goto(`${web.baseUrl}/practice?track=${TRACK}`);
    expect(await page.getByRole("status").textContent()).toContain("You answered this today");
  });

  it("refuses an empty answer, an over-long one, an unknown track, a rating posted twice and a forged post, changing nothing", async () => {
    const page = await web.newPage();
    await page.goto(`${web.baseUrl}/practice?track=${TRACK}`);
    // The browser's own checks would stop these; the server must too.
    await page.locator("textarea").evaluate((el) => { el.removeAttribute("required"); el.removeAttribute("maxlength"); });
    await page.getByLabel("Your answer").fill("   ");
    await page.getByRole("button", { name: "Check my answer" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toContain("That answer is empty");

    await page.locator("textarea").evaluate((el) => el.removeAttribute("maxlength"));
    await page.getByLabel("Your answer").fill("x".repeat(9_000));
    await page.getByRole("button", { name: "Check my answer" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toContain("the limit is");
    expect(await page.getByLabel("Your answer").inputValue()).toHaveLength(9_000);

    await page.goto(`${web.baseUrl}/practice?track=nobody/nothing`);
    expect(await page.getByRole("alert").textContent()).toContain('There is no track "nobody/nothing"');

    // Nothing was recorded by any of the above.
    await page.goto(`${web.baseUrl}/history`);
    expect(await page.locator("svg").count()).toBe(0);

    // A post from elsewhere (no session token, foreign Origin) is refused.
    const forged = await fetch(`${web.baseUrl}/practice/answer`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "http://evil.example" },
      body: new URLSearchParams({ track: TRACK, answer: ANSWER }).toString(),
    });
    expect(forged.status).toBe(403);
    // Same Origin but no token bound to a session: refused too.
    const tokenless = await fetch(`${web.baseUrl}/practice/answer`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: web.baseUrl },
      body: new URLSearchParams({ track: TRACK, answer: ANSWER }).toString(),
    });
    expect(tokenless.status).toBe(403);
    expect(await tokenless.text()).toContain("This form has expired");

    // The rating form sent twice (back button, send again): the first rating stands.
    await page.goto(`${web.baseUrl}/practice?track=${TRACK}`);
    await page.getByLabel("Your answer").fill(ANSWER);
    await page.getByRole("button", { name: "Check my answer" }).click();
    await expect.poll(() => page.locator("fieldset").count()).toBeGreaterThan(0);
    const ratingUrl = page.url();
    for (const radio of await page.locator("fieldset").all()) await radio.getByLabel("4", { exact: true }).check();
    await page.getByRole("button", { name: "Save my ratings" }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toContain("Saved");
    await page.goBack();
    expect(page.url()).toBe(ratingUrl);
    if ((await page.locator("fieldset").count()) === 0) {
      // Chromium reloaded the page from the server, which already shows the ratings: nothing to resend.
      expect(await page.getByText("Your ratings").count()).toBe(1);
    } else {
      for (const radio of await page.locator("fieldset").all()) await radio.getByLabel("1", { exact: true }).check();
      await page.getByRole("button", { name: "Save my ratings" }).click();
      await expect.poll(() => page.getByRole("alert").textContent()).toContain("You already rated this answer");
    }
    await page.goto(`${web.baseUrl}/history`);
    const points = await page.locator("svg circle.point title").allTextContents();
    expect(points.length).toBeGreaterThan(0);
    expect(points.every((p) => p.endsWith(": 4"))).toBe(true);
  });

  it("serves a drill by spaced repetition and lists a weakly rated one as due today", async () => {
    const page = await web.newPage();
    await page.goto(`${web.baseUrl}/drills`);
    expect(await page.getByText("Nothing is due").count()).toBe(1);
    await page.getByLabel("Track").selectOption("cvs-health/ml-engineer");
    await page.getByRole("button", { name: "Start a drill" }).click();
    await expect.poll(() => page.locator("h1").textContent()).toBe("Drill");
    const company = await page.locator("p.meta").first().textContent();
    await page.getByLabel("Your answer").fill("SELECT member_id, count(*) FROM claims GROUP BY 1; I would handle NULLs with coalesce and check the metric against a holdout.");
    await page.getByRole("button", { name: "Check my answer" }).click();
    await expect.poll(() => page.getByRole("heading", { name: "Instant check" }).count()).toBe(1);
    for (const group of await page.locator("fieldset").all()) await group.getByLabel("1", { exact: true }).check();
    await page.getByRole("button", { name: "Save my ratings" }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toContain("Saved");

    await page.goto(`${web.baseUrl}/drills`);
    const due = await page.locator("main ul li").allTextContents();
    expect(due).toHaveLength(1);
    expect(due[0]).toContain(company!.split(" · ")[0]);
    await web.shot(page, "drills-due");
  });

  it("can be used with the keyboard alone: tab to the answer, type, send, and rate", async () => {
    const page = await web.newPage({ width: 390, height: 844 });
    // A first visit straight to the question page: the answer must go to the question shown.
    await page.goto(`${web.baseUrl}/practice?track=${TRACK}`);
    const asked = await page.locator(".prompt").first().textContent();
    let focused = "";
    for (let i = 0; i < 12 && focused !== "answer"; i++) {
      await page.keyboard.press("Tab");
      focused = await page.evaluate<string>("document.activeElement?.id ?? ''");
    }
    expect(focused).toBe("answer");
    await page.keyboard.type(ANSWER);
    await page.keyboard.press("Tab");
    expect(await page.evaluate<string>("document.activeElement?.textContent")).toBe("Check my answer");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator("h1").textContent()).toBe("Your answer");
    expect(await page.locator(".prompt").first().textContent()).toBe(asked);

    // Radio groups: Tab enters a group, arrow keys pick the score, Space selects.
    const groups = await page.locator("fieldset").count();
    await page.locator("fieldset input").first().focus();
    for (let g = 0; g < groups; g++) {
      await page.keyboard.press("Space");
      await page.keyboard.press("ArrowRight");
      await page.keyboard.press("ArrowRight");
      if (g < groups - 1) await page.keyboard.press("Tab");
    }
    await page.keyboard.press("Tab");
    expect(await page.evaluate<string>("document.activeElement?.textContent")).toBe("Save my ratings");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.getByRole("status").textContent()).toContain("Saved");
    expect(await page.getByText("3 of 5").count()).toBe(groups);
    await web.shot(page, "practice-phone");
  });
});
