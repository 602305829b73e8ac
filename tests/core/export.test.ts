import path from "node:path";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import type { CoachMessage } from "../../src/core/messages.ts";
import { loadQuestionBank } from "../../src/questions/loader.ts";
import { exportCohort } from "../../src/core/members/export.ts";
import { createCoach, member, slackCohort } from "../fakes/core.ts";
import { testDatabases } from "../support/databases.ts";
import { useEngine } from "../support/engine.ts";

const bank = loadQuestionBank(path.resolve(import.meta.dirname, "../../questions"));
const admin = member(1, true);
const texts: Record<number, string> = {
  2: '=HYPERLINK("http://evil.example","click")',
  3: "+1 then -2, a plain answer otherwise",
  4: "@SUM(A1:A9)\r\nwith a second line, \"quotes\" and a comma",
};

describe.each(testDatabases())("cohort export on $name", (target) => {
  const engine = useEngine(target, "2026-10-28T16:00:00Z", bank);

  /** A day of three answers, one of them private, each reviewed and scored, then closed; returns the prompt. */
  async function scoredDay() {
    const { coach, messenger, repos } = engine;
    await coach.setup(slackCohort, admin, { trackId: "oscar-health/ai-pm" });
    await coach.postNow(slackCohort, admin);
    const prompt = messenger.sent.findLast((s) => s.message.kind === "prompt")!.message as Extract<CoachMessage, { kind: "prompt" }>;
    for (const n of [2, 3, 4]) await coach.answer({ prompt: prompt.promptId, actor: member(n), text: texts[n]!, sourceRef: null });
    await coach.showInResults(slackCohort, member(4), false);
    await coach.openReviews(slackCohort, admin);
    for (const assignment of await repos.reviews.forPrompt(prompt.promptId)) {
      const card = (await coach.showReview(assignment.id, assignment.reviewerRef))!;
      for (const c of card.criteria) await coach.score({ assignmentId: assignment.id, reviewerRef: assignment.reviewerRef, criterionId: c.id, score: 4 });
      await coach.submitReview({ assignmentId: assignment.id, reviewerRef: assignment.reviewerRef });
    }
    await coach.closeNow(slackCohort, admin);
    return prompt;
  }

  it("writes one row per answer with question, name unless private, corrected scores, overall and reviews, plus a points sheet; spreadsheet-safe", async () => {
    const prompt = await scoredDay();
    const { files } = await engine.coach.export(slackCohort, admin);
    expect(files.map((f) => f.filename)).toEqual(["cohort-oscar-health-ai-pm-slack-c1-2026-10-28-answers.csv", "cohort-oscar-health-ai-pm-slack-c1-2026-10-28-points.csv"]);
    for (const file of files) {
      expect(file.content.startsWith("\uFEFF")).toBe(true);
      expect(file.content).not.toMatch(/[^\r]\n/);
      expect(file.content.endsWith("\r\n")).toBe(true);
    }
    const [header, ...rows] = parse(files[0]!.content, { bom: true }) as string[][];
    const criteria = prompt.question.rubric.criteria;
    expect(header).toEqual(["Date", "Question", "Member", "Answer", "Follow-up answer", ...criteria.map((c) => `${c.label} (corrected)`), "Overall score", "Reviews received"]);
    expect(rows).toHaveLength(3);
    const byMember = new Map(rows.map((r) => [r[2], r]));
    expect([...byMember.keys()].sort()).toEqual(["(private)", "Member 2", "Member 3"]);
    for (const row of rows) {
      expect(row[0]).toBe("2026-10-28");
      expect(row[1]).toBe(prompt.question.prompt);
      expect(row[4]).toBe("");
      for (let i = 0; i < criteria.length; i++) expect(Number(row[5 + i])).toBeGreaterThan(0);
      expect(Number(row[5 + criteria.length])).toBeGreaterThan(0);
      expect(Number(row[6 + criteria.length])).toBeGreaterThan(0);
    }
    // A formula character at the start is defused with a leading quote; the text is otherwise intact.
    expect(byMember.get("Member 2")![3]).toBe(`'${texts[2]}`);
    expect(byMember.get("Member 3")![3]).toBe(`'${texts[3]}`);
    expect(byMember.get("(private)")![3]).toBe(`'${texts[4]}`);
    expect(files[0]!.content).not.toContain("Member 4");

    const [pointsHeader, ...points] = parse(files[1]!.content, { bom: true }) as string[][];
    expect(pointsHeader).toEqual(["Date", "Member", "Points", "For", "Season"]);
    expect(points.length).toBeGreaterThan(0);
    expect(points.every((p) => Number.isFinite(Number(p[2])))).toBe(true);
    expect(points.some((p) => p[1] === "(private)")).toBe(true);
    expect(files[1]!.content).not.toContain("Member 4");
  });

  it("reads the history a page at a time and writes the same files whatever the page size", async () => {
    await scoredDay();
    const { files } = await engine.coach.export(slackCohort, admin);
    const { deps } = createCoach(engine.repos, engine.clock);
    const paged = await exportCohort(deps, slackCohort, admin, { answers: 1, ledger: 2 });
    expect(paged.files).toEqual(files);
    const [, ...rows] = parse(files[0]!.content, { bom: true }) as string[][];
    expect(rows).toHaveLength(3);
    const [, ...points] = parse(files[1]!.content, { bom: true }) as string[][];
    expect(points.length).toBeGreaterThan(4);
  });

  it("refuses the export to a member who is not an admin", async () => {
    await engine.coach.setup(slackCohort, admin, { trackId: "oscar-health/ai-pm" });
    await expect(engine.coach.export(slackCohort, member(2))).rejects.toMatchObject({ name: "CoachingError" });
  });
});
