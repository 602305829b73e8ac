import path from "node:path";
import { performance } from "node:perf_hooks";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createAiReviewer, OpenAiReviewer, type OpenAiReviewerOptions } from "../../src/ai/openai-reviewer.ts";
import { loadConfig } from "../../src/config.ts";
import type { AiReviewOutcome, AiReviewRequest } from "../../src/core/ai/port.ts";
import type { Question } from "../../src/core/questions/types.ts";
import { loadQuestionBank } from "../../src/questions/loader.ts";
import { fakeReply, startFakeOpenAi, type FakeOpenAi } from "../fakes/fake-openai.ts";

const bank = loadQuestionBank(path.resolve(import.meta.dirname, "../../questions"));
const questions = bank.tracks.flatMap((track) => track.questions);
/** A product-case question that marks `risk` not applicable: the AI must not be asked about it. */
const question = questions.find((q) => q.id === "cerner-pm-011")!;
const APPLICABLE = ["user-problem", "impact", "validation"];
const API_KEY = "sk-test-0123456789abcdefSECRET";

const request: AiReviewRequest = {
  question,
  answerText: "Adoption meant nurses documenting an intervention within the shift: 92% of flags, up from 40%. Falls with injury went from 3.1 to 2.6 per 1,000 patient-days.",
  followUp: { prompt: question.followUps[0]!, answerText: "No: the trial was underpowered, so I would extend it to two more units." },
};

class ManualClock {
  at = Date.parse("2026-03-02T09:00:00Z");
  now = () => new Date(this.at);
  advance(ms: number) {
    this.at += ms;
  }
}

class RecordingLog {
  readonly lines: { level: string; context: object; message: string }[] = [];
  warn = (context: object, message: string) => void this.lines.push({ level: "warn", context, message });
  error = (context: object, message: string) => void this.lines.push({ level: "error", context, message });
  get text() {
    return JSON.stringify(this.lines);
  }
}

let fake: FakeOpenAi;
let clock: ManualClock;
let log: RecordingLog;

beforeAll(async () => {
  fake = await startFakeOpenAi();
});
afterAll(() => fake.close());
afterEach(() => fake.reset());

function reviewer(overrides: Partial<OpenAiReviewerOptions> = {}) {
  clock = new ManualClock();
  log = new RecordingLog();
  return new OpenAiReviewer({ baseUrl: fake.baseUrl, model: "coach-model", apiKey: API_KEY, timeoutMs: 10_000, callsPerMinute: 100, clock, log, ...overrides });
}

const scoresOf = (outcome: AiReviewOutcome) => (outcome.kind === "scored" ? Object.fromEntries(outcome.review.scores.map((s) => [s.criterionId, s.score])) : outcome);

describe("OpenAiReviewer against an OpenAI-compatible endpoint", () => {
  it("returns a score and a justification for every applicable criterion, in rubric order", async () => {
    fake.script(fakeReply.scores({ impact: 5, validation: 2 }, 'It cites "92% of flags, up from 40%".'));
    const outcome = await reviewer().review(request);
    expect(outcome).toEqual({
      kind: "scored",
      review: {
        model: "coach-model",
        scores: [
          { criterionId: "user-problem", score: 3, justification: 'It cites "92% of flags, up from 40%".' },
          { criterionId: "impact", score: 5, justification: 'It cites "92% of flags, up from 40%".' },
          { criterionId: "validation", score: 2, justification: 'It cites "92% of flags, up from 40%".' },
        ],
      },
    });
    expect(log.lines).toEqual([]);
  });

  it("sends the question, the applicable criteria with their 1/3/5 anchors, the answer and the follow-up, and nothing about the member", async () => {
    await reviewer().review(request);
    const [sent] = fake.requests;
    expect(Object.keys(sent!.body).sort()).toEqual(["messages", "model", "response_format"]);
    expect(sent!.body.model).toBe("coach-model");
    expect(sent!.body.messages!.map((m) => m.role)).toEqual(["system", "user"]);
    expect(sent!.body.messages![0]!.content).toMatch(/interview coach/i);
    expect(sent!.body.messages![0]!.content).toMatch(/one sentence/i);
    const rubric = question.rubric.criteria.filter((c) => APPLICABLE.includes(c.id));
    expect(sent!.input).toEqual({
      question: question.prompt.trim(),
      criteria: rubric.map((c) => ({ id: c.id, label: c.label, anchors: { "1": c.levels[1], "3": c.levels[3], "5": c.levels[5] } })),
      answer: request.answerText,
      followUp: { question: request.followUp!.prompt, answer: request.followUp!.answerText },
    });
    expect(JSON.stringify(sent!.body)).not.toContain('"risk"');
    // OpenAI's `user` / `safety_identifier` / `metadata` fields would identify the member: none is sent.
    expect(sent!.body).not.toHaveProperty("user");
    expect(sent!.body).not.toHaveProperty("safety_identifier");
    expect(sent!.body).not.toHaveProperty("metadata");
  });

  it("asks for structured output whose criterion ids are exactly the applicable ones", async () => {
    await reviewer().review(request);
    const format = fake.requests[0]!.body.response_format as { type: string; json_schema: { strict: boolean; schema: { properties: { scores: { items: { properties: { criterionId: { enum: string[] } } } } } } } };
    expect(format.type).toBe("json_schema");
    expect(format.json_schema.strict).toBe(true);
    expect(format.json_schema.schema.properties.scores.items.properties.criterionId.enum).toEqual(APPLICABLE);
  });

  it("falls back to plain JSON, once and for good, when the endpoint refuses response_format", async () => {
    fake.rejectStructuredOutput = true;
    const ai = reviewer();
    expect(scoresOf(await ai.review(request))).toEqual({ "user-problem": 3, impact: 3, validation: 3 });
    expect(scoresOf(await ai.review(request))).toEqual({ "user-problem": 3, impact: 3, validation: 3 });
    expect(fake.requests.map((r) => r.structured)).toEqual([true, false, false]);
    expect(log.lines.map((l) => l.message)).toEqual([expect.stringMatching(/does not accept response_format/)]);
  });

  it("accepts plain JSON wrapped in one code fence, as local models tend to send it", async () => {
    fake.script(fakeReply.content('```json\n{"scores":[{"criterionId":"user-problem","score":4,"justification":"a"},{"criterionId":"impact","score":4,"justification":"b"},{"criterionId":"validation","score":1,"justification":"c"}]}\n```'));
    expect(scoresOf(await reviewer().review(request))).toEqual({ "user-problem": 4, impact: 4, validation: 1 });
  });

  it("retries malformed output once and scores the second reply", async () => {
    fake.script(fakeReply.malformed(), fakeReply.scores({ impact: 4 }));
    const outcome = await reviewer().review(request);
    expect(scoresOf(outcome)).toEqual({ "user-problem": 3, impact: 4, validation: 3 });
    expect(fake.requests).toHaveLength(2);
    expect(log.lines).toEqual([{ level: "warn", context: expect.objectContaining({ attempt: 1, problem: "not JSON" }), message: expect.stringMatching(/unparseable; retrying once/) }]);
  });

  it("drops output malformed twice with a log line, and returns no scores", async () => {
    fake.script(fakeReply.malformed("I'd say 4/5 for impact."), fakeReply.malformed("Impact: 4"));
    const outcome = await reviewer().review(request);
    expect(outcome).toEqual({ kind: "failed", reason: "unparseable", detail: "not JSON" });
    expect(fake.requests).toHaveLength(2);
    expect(log.lines.at(-1)).toEqual({ level: "warn", context: expect.objectContaining({ model: "coach-model", questionId: question.id, attempt: 2 }), message: expect.stringMatching(/unparseable twice; dropped/) });
    // The reply quotes the member's answer, so it stays out of the log.
    expect(log.text).not.toContain("Impact: 4");
  });

  it.each([
    ["a score outside 1-5", [["user-problem", 6], ["impact", 3], ["validation", 3]], /user-problem|score/],
    ["a fractional score", [["user-problem", 3.5], ["impact", 3], ["validation", 3]], /score/],
    ["a missing criterion", [["user-problem", 3], ["impact", 3]], /missing criteria: validation/],
    ["the not-applicable criterion", [["user-problem", 3], ["impact", 3], ["validation", 3], ["risk", 2]], /"risk" was not asked for/],
    ["a criterion scored twice", [["user-problem", 3], ["impact", 3], ["validation", 3], ["impact", 5]], /"impact" scored twice/],
  ] as const)("treats %s as unparseable", async (_name, entries, problem) => {
    const content = JSON.stringify({ scores: entries.map(([criterionId, score]) => ({ criterionId, score, justification: "It says so." })) });
    fake.script(fakeReply.content(content), fakeReply.content(content));
    const outcome = await reviewer().review(request);
    expect(outcome).toMatchObject({ kind: "failed", reason: "unparseable" });
    expect(outcome.kind === "failed" && outcome.detail).toMatch(problem);
  });

  it("gives up with a timeout within the configured time when the endpoint hangs", async () => {
    fake.script(fakeReply.hang());
    const started = performance.now();
    const outcome = await reviewer({ timeoutMs: 300 }).review(request);
    const elapsed = performance.now() - started;
    expect(outcome).toEqual({ kind: "failed", reason: "timeout", detail: "no reply within 300 ms" });
    expect(elapsed).toBeGreaterThanOrEqual(250);
    // Far below the hang (which lasts until the fake closes); generous for a busy machine.
    expect(elapsed).toBeLessThan(15_000);
    expect(fake.requests).toHaveLength(1);
  });

  it("maps a 429 with Retry-After to rate_limited and makes no call until the pause is over", async () => {
    const ai = reviewer();
    fake.script(fakeReply.rateLimited(30));
    expect(await ai.review(request)).toEqual({ kind: "failed", reason: "rate_limited", detail: "HTTP 429; retry after 30 s" });
    clock.advance(29_000);
    expect(await ai.review(request)).toMatchObject({ kind: "failed", reason: "rate_limited", detail: expect.stringMatching(/asked for a pause/) });
    expect(fake.requests).toHaveLength(1);
    clock.advance(1_000);
    expect((await ai.review(request)).kind).toBe("scored");
    expect(fake.requests).toHaveLength(2);
  });

  it("maps a 500 to server_error without retrying", async () => {
    fake.script(fakeReply.serverError(500));
    expect(await reviewer().review(request)).toEqual({ kind: "failed", reason: "server_error", detail: "HTTP 500" });
    expect(fake.requests).toHaveLength(1);
  });

  it("maps other refusals to rejected", async () => {
    fake.script(fakeReply.status(404, "The model `coach-model` does not exist"));
    expect(await reviewer().review(request)).toEqual({ kind: "failed", reason: "rejected", detail: "HTTP 404: 404 The model `coach-model` does not exist" });
  });

  it("reports an endpoint nobody listens on as unreachable", async () => {
    const closed = await startFakeOpenAi();
    await closed.close();
    const outcome = await reviewer({ baseUrl: closed.baseUrl }).review(request);
    expect(outcome).toMatchObject({ kind: "failed", reason: "unreachable" });
  });

  it("makes at most AI_CALLS_PER_MINUTE calls in any minute", async () => {
    const ai = reviewer({ callsPerMinute: 2 });
    expect((await ai.review(request)).kind).toBe("scored");
    clock.advance(20_000);
    expect((await ai.review(request)).kind).toBe("scored");
    clock.advance(20_000);
    expect(await ai.review(request)).toEqual({ kind: "failed", reason: "rate_limited", detail: "AI_CALLS_PER_MINUTE budget spent; next slot in 20 s" });
    expect(fake.requests).toHaveLength(2);
    clock.advance(20_000);
    expect((await ai.review(request)).kind).toBe("scored");
    expect(fake.requests).toHaveLength(3);
  });

  it("counts the retry of malformed output against the budget", async () => {
    const ai = reviewer({ callsPerMinute: 1 });
    fake.script(fakeReply.malformed());
    expect(await ai.review(request)).toMatchObject({ kind: "failed", reason: "rate_limited" });
    expect(fake.requests).toHaveLength(1);
  });

  it("asks nothing when the question leaves no criterion to score", async () => {
    const allSkipped: Question = { ...question, notApplicable: question.rubric.criteria.map((c) => c.id) };
    expect(await reviewer().review({ ...request, question: allSkipped })).toMatchObject({ kind: "failed", reason: "rejected" });
    expect(fake.requests).toHaveLength(0);
  });
});

describe("the AI API key", () => {
  it("is sent as a bearer token", async () => {
    await reviewer().review(request);
    expect(fake.requests[0]!.headers.authorization).toBe(`Bearer ${API_KEY}`);
  });

  it("is not sent at all when none is configured (a local server)", async () => {
    await reviewer({ apiKey: undefined }).review(request);
    expect(fake.requests[0]!.headers).not.toHaveProperty("authorization");
  });

  it("never reaches a log line or an outcome, even when the endpoint echoes it back", async () => {
    const shared = new RecordingLog();
    const ai = reviewer({ log: shared });
    fake.script(
      fakeReply.status(401, `Incorrect API key provided: ${API_KEY}.`),
      fakeReply.status(400, `bad request for key ${API_KEY}`),
      fakeReply.malformed(),
      fakeReply.malformed(),
      fakeReply.hang(),
    );
    const outcomes = [];
    for (let i = 0; i < 3; i++) outcomes.push(await ai.review(request));
    outcomes.push(await reviewer({ timeoutMs: 200, log: shared }).review(request));
    expect(outcomes.map((o) => o.kind === "failed" && o.reason)).toEqual(["rejected", "rejected", "unparseable", "timeout"]);
    expect(outcomes[0]).toMatchObject({ detail: expect.stringMatching(/check AI_API_KEY/) });
    expect(JSON.stringify(outcomes)).not.toContain(API_KEY);
    expect(shared.lines.length).toBeGreaterThan(0);
    expect(shared.text).not.toContain(API_KEY);
  });
});

describe("the OpenAI SDK's own environment variables", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it("neither redirect the call, nor add a key or organisation, nor log to the console", async () => {
    vi.stubEnv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1");
    vi.stubEnv("OPENAI_API_KEY", "sk-from-the-environment");
    vi.stubEnv("OPENAI_ORG_ID", "org-elsewhere");
    vi.stubEnv("OPENAI_PROJECT_ID", "proj-elsewhere");
    vi.stubEnv("OPENAI_LOG", "debug");
    const console_ = (["log", "debug", "info", "warn", "error"] as const).map((method) => vi.spyOn(console, method).mockImplementation(() => {}));
    expect((await reviewer({ apiKey: undefined }).review(request)).kind).toBe("scored");
    const headers = fake.requests[0]!.headers;
    expect(headers).not.toHaveProperty("authorization");
    expect(headers).not.toHaveProperty("openai-organization");
    expect(headers).not.toHaveProperty("openai-project");
    for (const spy of console_) expect(spy).not.toHaveBeenCalled();
  });
});

describe("createAiReviewer", () => {
  const deps = () => ({ clock: new ManualClock(), logger: new RecordingLog() });

  it("builds nothing when the AI is off (no AI_ variables)", () => {
    expect(createAiReviewer(loadConfig({}).ai, deps())).toBeUndefined();
  });

  it("builds a reviewer for the configured model that talks to AI_BASE_URL", async () => {
    const config = loadConfig({ AI_BASE_URL: fake.baseUrl, AI_MODEL: "llama3.1", AI_TIMEOUT_MS: "5000" });
    const ai = createAiReviewer(config.ai, deps())!;
    expect(ai.model).toBe("llama3.1");
    expect((await ai.review(request)).kind).toBe("scored");
    expect(fake.requests.map((r) => r.body.model)).toEqual(["llama3.1"]);
  });

  it("warns when the key would cross the network over plain http", () => {
    const d = deps();
    createAiReviewer(loadConfig({ AI_BASE_URL: "http://10.0.0.5:11434/v1", AI_MODEL: "m", AI_API_KEY: API_KEY }).ai, d);
    expect(d.logger.lines.map((l) => l.message)).toEqual([expect.stringMatching(/unencrypted/)]);
    expect(d.logger.text).not.toContain(API_KEY);
    const quiet = deps();
    createAiReviewer(loadConfig({ AI_BASE_URL: "http://127.0.0.1:11434/v1", AI_MODEL: "m", AI_API_KEY: API_KEY }).ai, quiet);
    expect(quiet.logger.lines).toEqual([]);
  });
});
