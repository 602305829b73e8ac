import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { loadQuestionBank, parseTrackFile, QuestionBankError } from "../../src/questions/loader.ts";

const fixture = path.resolve(import.meta.dirname, "../fixtures/questions/acme-ai-pm.yaml");
const source = readFileSync(fixture, "utf8");
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function problemsFor(file: string, text: string): string[] {
  return parseTrackFile(file, text).problems;
}

function bankProblems(files: Record<string, string>): string[] {
  const dir = mkdtempSync(path.join(tmpdir(), "bank-"));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  try {
    loadQuestionBank(dir);
  } catch (error) {
    if (error instanceof QuestionBankError) return [...error.problems];
    throw error;
  }
  return [];
}

describe("question file validation", () => {
  it("accepts the example track", () => {
    const { track, problems } = parseTrackFile("acme.yaml", source);
    expect(problems).toEqual([]);
    expect(track?.questions.map((q) => q.id)).toEqual(["acme-pm-001", "acme-pm-002"]);
    expect(track?.questions[0]?.rubric.criteria.map((c) => c.id)).toEqual(["impact", "risk", "stakeholders"]);
  });

  it("names the file and path of a dangling rubric reference", () => {
    const broken = source.replace(/rubric: pm-case\n(?![\s\S]*rubric: pm-case)/, "rubric: stakeholder\n");
    expect(problemsFor("questions/humana-ai-pm.yaml", broken)).toContain(
      'questions/humana-ai-pm.yaml: questions[1].rubric: unknown rubric "stakeholder"; expected one of pm-case',
    );
  });

  it("names a duplicate id inside one file", () => {
    const broken = source.replace("id: acme-pm-002", "id: acme-pm-001");
    expect(problemsFor("q.yaml", broken)).toContain('q.yaml: questions[1].id: duplicate id "acme-pm-001"');
  });

  it("names a missing prompt", () => {
    const broken = source.replace(/ {4}prompt: Your no-show[^\n]*\n/, "");
    expect(problemsFor("q.yaml", broken).join("\n")).toMatch(/^q\.yaml: questions\[1\]\.prompt: /m);
  });

  it("names an empty prompt and an out-of-range difficulty", () => {
    const broken = source.replace(/prompt: Pick one[^\n]*/, 'prompt: "  "').replace("difficulty: 2", "difficulty: 4");
    const problems = problemsFor("q.yaml", broken);
    expect(problems).toContain("q.yaml: questions[0].prompt: must not be empty");
    expect(problems).toContain("q.yaml: questions[1].difficulty: expected 1, 2 or 3");
  });

  it("carries an optional job level through and names a malformed one", () => {
    const leveled = source.replace("difficulty: 2", 'difficulty: 2\n    level: "105-106"');
    const { track, problems } = parseTrackFile("q.yaml", leveled);
    expect(problems).toEqual([]);
    expect(track?.questions.map((q) => q.level)).toEqual([undefined, "105-106"]);

    expect(problemsFor("q.yaml", source.replace("difficulty: 2", 'difficulty: 2\n    level: "senior"'))).toEqual([
      'q.yaml: questions[1].level: expected a level such as "105" or a range such as "105-106"',
    ]);
    expect(problemsFor("q.yaml", source.replace("difficulty: 2", 'difficulty: 2\n    level: "107-105"'))).toEqual([
      "q.yaml: questions[1].level: a level range must go from lower to higher, e.g. 105-106",
    ]);
  });

  it("names a rubric with too many criteria for Discord's five button rows", () => {
    const criterion = source.slice(source.indexOf("      - id: stakeholders"), source.indexOf("questions:"));
    const broken = source.replace("questions:", `${criterion.replace("id: stakeholders", "id: extra-a")}${criterion.replace("id: stakeholders", "id: extra-b")}questions:`);
    expect(problemsFor("q.yaml", broken).join("\n")).toContain("q.yaml: rubrics[0].criteria: a rubric needs 3 or 4 criteria");
  });

  it("reports YAML syntax errors with the file name", () => {
    expect(problemsFor("q.yaml", "id: [unclosed")[0]).toMatch(/^q\.yaml: /);
  });

  it("rejects a cue phrase written as a regular expression", () => {
    const broken = source.replace('any: [monitor*, drift,', 'any: ["monitor|drift", drift,');
    expect(problemsFor("q.yaml", broken).join("\n")).toContain("rubrics[0].criteria[1].cues[0].any[0]: a phrase is plain words");
  });

  it("names a question cue or not-applicable criterion that its rubric does not have", () => {
    const broken = source.replace(
      "    rubric: pm-case\n",
      '    rubric: pm-case\n    not_applicable: [latency]\n    cues:\n      - { criterion: impact, label: a refill metric, any: [PDC], missing: name the refill metric }\n      - { criterion: reach, label: reach, any: [members], missing: say who }\n',
    );
    const problems = problemsFor("q.yaml", broken);
    expect(problems).toContain('q.yaml: questions[0].not_applicable[0]: "latency" is not a criterion of pm-case; expected one of impact, risk, stakeholders');
    expect(problems).toContain('q.yaml: questions[0].cues[1].criterion: "reach" is not a criterion of pm-case; expected one of impact, risk, stakeholders');
    expect(problems).toHaveLength(2);
  });

  it("lets a question use a shared rubric kind from questions/rubrics/", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "bank-"));
    dirs.push(dir);
    mkdirSync(path.join(dir, "rubrics"));
    const rubric = { ...(parse(source) as { rubrics: object[] }).rubrics[0], id: "shared-case" };
    writeFileSync(path.join(dir, "rubrics", "shared-case.yaml"), stringify(rubric));
    writeFileSync(path.join(dir, "acme.yaml"), source.replace("rubric: pm-case\n", "rubric: shared-case\n"));
    const question = loadQuestionBank(dir).tracks[0]!.questions[0]!;
    expect(question.rubric.id).toBe("shared-case");
    expect(question.rubric.criteria.map((c) => c.id)).toEqual(["impact", "risk", "stakeholders"]);
  });

  it("rejects a question id used in two files, naming both", () => {
    const other = source.replace("id: acme/ai-pm", "id: other/ai-pm");
    const problems = bankProblems({ "a.yaml": source, "b.yaml": other });
    expect(problems.join("\n")).toMatch(/b\.yaml: questions\[0\]\.id: duplicate id "acme-pm-001" \(also in .*a\.yaml\)/);
  });

  it("loads nothing when any file is broken", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "bank-"));
    dirs.push(dir);
    cpSync(fixture, path.join(dir, "good.yaml"));
    writeFileSync(path.join(dir, "bad.yaml"), source.replace("id: acme/ai-pm", "id: bad/ai-pm").replace(/acme-pm/g, "bad-pm").replace("difficulty: 1", "difficulty: 0"));
    expect(() => loadQuestionBank(dir)).toThrow(QuestionBankError);
  });
});
