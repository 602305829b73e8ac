import type { AiCriterionScore, AiFailureReason, AiReviewer, AiReviewOutcome, AiReviewRequest } from "../../src/core/ai/port.ts";

/** A score for each criterion before bias: by default the middle of the rubric. */
export type TruthFn = (request: AiReviewRequest, criterionId: string) => number;

/**
 * An in-process AI reviewer: scores every rubric criterion from `truth` plus an injected
 * `bias` (rounded and clamped to 1-5, as a model's whole-point scores are), and fails on
 * demand, so tests can drive calibration, retries, caps and drops without a server.
 */
export class FakeAiReviewer implements AiReviewer {
  readonly requests: AiReviewRequest[] = [];
  private readonly failures: AiFailureReason[] = [];
  /** While set, every call fails with this reason (an endpoint that is down). */
  down: AiFailureReason | undefined;

  constructor(
    readonly model = "fake-model",
    private readonly options: { bias?: number; truth?: TruthFn } = {},
  ) {}

  /** The next `times` calls fail with `reason`. */
  failNext(reason: AiFailureReason, times = 1): void {
    for (let i = 0; i < times; i++) this.failures.push(reason);
  }

  async review(request: AiReviewRequest): Promise<AiReviewOutcome> {
    this.requests.push(request);
    const reason = this.failures.shift() ?? this.down;
    if (reason) return { kind: "failed", reason, detail: `fake ${reason}` };
    const scores: AiCriterionScore[] = request.question.rubric.criteria.map((c) => {
      const raw = (this.options.truth?.(request, c.id) ?? 3) + (this.options.bias ?? 0);
      const score = Math.min(5, Math.max(1, Math.round(raw))) as AiCriterionScore["score"];
      return { criterionId: c.id, score, justification: `The answer says "${request.answerText.slice(0, 30)}", which is a ${score} on ${c.label.toLowerCase()}.` };
    });
    return { kind: "scored", review: { model: this.model, scores } };
  }
}
