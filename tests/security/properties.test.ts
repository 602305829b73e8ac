import { readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { submitAnswer } from "../../src/core/answers/submit-answer.ts";
import { parseLocalDate, parseScheduleArgs } from "../../src/core/cohorts/parse-settings.ts";
import type { Cohort } from "../../src/core/cohorts/types.ts";
import type { CoachDeps } from "../../src/core/deps.ts";
import { isCoachingError } from "../../src/core/errors.ts";
import type { Answer, Prompt } from "../../src/core/prompts/types.ts";
import { parseCustomId } from "../../src/discord/custom-ids.ts";
import { numericArg } from "../../src/discord/handlers/components/answer.ts";
import { parseTrackFile } from "../../src/questions/loader.ts";
import { parseRatingState } from "../../src/slack/actions/drill-rate.ts";
import { parseScoreValue } from "../../src/slack/actions/review-score.ts";
import { parseMention } from "../../src/slack/refs.ts";
import { bank } from "../slack/harness.ts";
import { FixedClock, silentLog } from "../fakes/core.ts";

const RUNS = { numRuns: 10_000 };
const LONG = 300_000;

/** Words a member can act on: no stack, no "undefined", no JavaScript error names. */
function expectPlainWords(message: string): void {
  expect(message.length).toBeGreaterThan(10);
  expect(message).not.toMatch(/undefined|\[object|TypeError|RangeError|SyntaxError|is not a function|is not iterable|\n\s+at /);
}

/** Either a value, or a CoachingError in plain words; anything else (a crash) fails the property. */
function outcome<T>(run: () => T): { ok: true; value: T } | { ok: false } {
  try {
    return { ok: true, value: run() };
  } catch (error) {
    if (!isCoachingError(error)) throw error;
    expectPlainWords(error.message);
    return { ok: false };
  }
}

const storable = (text: string) => !text.includes("\u0000") && text.isWellFormed();

/** Strings that reach object lookups, the database and regular expressions badly. */
const hostileToken = fc.oneof(
  fc.constantFrom("constructor", "__proto__", "prototype", "toString", "hasOwnProperty", "valueOf", "\u0000", "\uD800", "\uDFFF", "mon-constructor", "weekdays", "mon,__proto__", "25:99", "09:00", "UTC", "Etc/../../x", "Area/\u0000"),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ maxLength: 20 }),
);

declare global {
  interface String {
    isWellFormed(): boolean;
  }
}

describe("command parsers, over generated input", () => {
  it("schedule arguments: a valid schedule or a plain-words refusal, never a crash", () => {
    fc.assert(
      fc.property(fc.array(hostileToken, { maxLength: 5 }), (tokens) => {
        const parsed = outcome(() => parseScheduleArgs(tokens));
        if (parsed.ok) {
          expect(storable(parsed.value.trackId)).toBe(true);
          if (parsed.value.postTime) expect(parsed.value.postTime).toMatch(/^([01]\d|2[0-3]):[0-5]\d$/);
          for (const day of parsed.value.weekdays ?? []) expect(day >= 1 && day <= 7).toBe(true);
        }
      }),
      RUNS,
    );
  }, LONG);

  it("dates and mentions: a value of the right shape or a refusal", () => {
    fc.assert(
      fc.property(hostileToken, (token) => {
        const date = outcome(() => parseLocalDate(token));
        if (date.ok) expect(date.value).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        const mention = parseMention(token);
        if (mention !== undefined) expect(mention).toMatch(/^[UW][A-Z0-9]+$/);
      }),
      RUNS,
    );
  }, LONG);
});

describe("click payload decoding, over generated input", () => {
  it("Slack score buttons, drill rating state and Discord custom ids decode to checked values or refuse in plain words", () => {
    const ratingJson = fc.oneof(fc.json(), fc.constantFrom('{"a":1,"q":"x","r":null}', '{"a":1,"q":"x","r":[]}', '{"__proto__":{"a":1}}', "null", '{"a":"1","q":1,"r":{}}'));
    fc.assert(
      fc.property(hostileToken, ratingJson, fc.string({ unit: "binary", maxLength: 60 }), (value, json, customId) => {
        const score = outcome(() => parseScoreValue(value));
        if (score.ok) {
          expect(Number.isSafeInteger(score.value.assignmentId)).toBe(true);
          expect([1, 2, 3, 4, 5]).toContain(score.value.score);
        }
        const state = outcome(() => parseRatingState(json));
        if (state.ok) {
          expect(typeof state.value.a).toBe("number");
          expect(state.value.r !== null && typeof state.value.r === "object" && !Array.isArray(state.value.r)).toBe(true);
        }
        const parsed = parseCustomId(`cc:${customId}`);
        for (const arg of parsed?.args ?? []) {
          const n = outcome(() => numericArg(arg));
          if (n.ok) expect(Number.isSafeInteger(n.value) && n.value >= 0).toBe(true);
        }
      }),
      RUNS,
    );
  }, LONG);
});

describe("answer intake, over generated input", () => {
  const cohort = { id: 1, platform: "slack", workspaceId: "T1", channelId: "C1", timeZone: "America/New_York", season: 1 } as unknown as Cohort;
  const prompt: Prompt = {
    id: 7,
    cohortId: 1,
    localDate: "2026-10-29",
    questionId: bank.tracks[0]!.questions[0]!.id,
    season: 1,
    postAt: new Date("2026-10-29T13:00:00Z"),
    answersCloseAt: new Date("2026-10-29T21:00:00Z"),
    reviewsCloseAt: new Date("2026-10-30T13:00:00Z"),
    messageRef: "slack:T1:C1:1.000001",
    threadRef: null,
  };
  let stored: Answer | undefined;
  // Only what intake touches; the database itself is exercised by the end-to-end suites.
  const repos = {
    prompts: {
      context: async () => ({ prompt, cohort, steps: new Map([["post", "done"]]), question: bank.tracks[0]!.questions[0] }),
      get: async () => prompt,
      findByRef: async () => prompt,
      steps: async () => new Map([["post", "done"]]),
      forCohort: async () => [prompt],
    },
    cohorts: { get: async () => cohort },
    members: { touch: async (_c: number, _u: string, name: string) => void expect(storable(name)).toBe(true) },
    answers: {
      upsert: async (promptId: number, userRef: string, body: string, sourceRef: string | null, now: Date) => {
        stored = { id: 1, promptId, userRef, body, sourceRef, createdAt: now, updatedAt: now, withdrawnAt: null };
        return { answer: stored, created: true, changed: true };
      },
      forUser: async () => (stored ? [stored] : []),
      streak: async () => 1,
    },
    points: { award: async () => true, awardMany: async () => true },
    questions: { get: async (id: string) => bank.tracks.flatMap((t) => t.questions).find((q) => q.id === id) },
  };
  const deps = { repos, messenger: undefined, clock: new FixedClock(new Date("2026-10-29T14:00:00Z")), log: silentLog } as unknown as CoachDeps;

  it("stores only text a database can hold, trimmed and within the limit, or refuses in plain words", async () => {
    const text = fc.oneof(
      fc.string({ unit: "binary", maxLength: 300 }),
      fc.string({ unit: "grapheme", maxLength: 300 }),
      fc.constantFrom("\u0000", "ok\u0000", "\uD83D", "a\uDE00b", "   ", "x".repeat(4_001), "constructor", "__proto__"),
    );
    const name = fc.oneof(fc.string({ unit: "binary", maxLength: 30 }), fc.constant("Ada\u0000\uD800"));
    await fc.assert(
      fc.asyncProperty(text, name, async (body, displayName) => {
        stored = undefined;
        try {
          const receipt = await submitAnswer(deps, { prompt: prompt.id, actor: { userRef: "slack:T1:U1", displayName, isPlatformAdmin: false }, text: body, sourceRef: null });
          expect(receipt.answer.body).toBe(body.trim());
          expect(storable(receipt.answer.body)).toBe(true);
          expect(receipt.answer.body.length).toBeGreaterThan(0);
          expect(receipt.answer.body.length).toBeLessThanOrEqual(4_000);
        } catch (error) {
          if (!isCoachingError(error)) throw error;
          expectPlainWords(error.message);
          expect(stored).toBeUndefined();
        }
      }),
      RUNS,
    );
  }, LONG);
});

describe("the question-file loader, over generated input", () => {
  const valid = readFileSync(path.resolve(import.meta.dirname, "../fixtures/questions/acme-ai-pm.yaml"), "utf8");

  it("turns any text into a track or a list of one-line problems naming the file, never a throw", () => {
    const mutated = fc.tuple(fc.nat({ max: valid.length }), fc.nat({ max: 40 }), fc.string({ unit: "binary", maxLength: 20 })).map(([at, cut, insert]) => valid.slice(0, at) + insert + valid.slice(at + cut));
    const source = fc.oneof(mutated, fc.string({ unit: "binary", maxLength: 200 }), fc.anything().map((value) => String(stringify(value) ?? "")));
    fc.assert(
      fc.property(source, (text) => {
        const result = parseTrackFile("track.yaml", text);
        if (result.track) {
          expect(result.problems).toEqual([]);
          expect(result.track.questions.every((q) => q.rubric && q.category)).toBe(true);
        } else {
          expect(result.problems.length).toBeGreaterThan(0);
          for (const problem of result.problems) {
            expect(problem.startsWith("track.yaml: ")).toBe(true);
            expect(problem).not.toMatch(/\n\s+at /);
          }
        }
      }),
      RUNS,
    );
  }, LONG);

  it("names an alias that points at no anchor, or too many aliases, instead of throwing", () => {
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]", ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(", ")}]`)].join("\n");
    for (const text of ["*\u0000", "questions: *missing", bomb]) {
      const result = parseTrackFile("track.yaml", text);
      expect(result.track).toBeUndefined();
      expect(result.problems).toHaveLength(1);
      expect(result.problems[0]).toMatch(/^track\.yaml: .*alias/i);
    }
  });
});
