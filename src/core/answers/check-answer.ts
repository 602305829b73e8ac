import type { AnswerCheck, SignalCheck } from "../messages.ts";
import type { Rubric } from "../questions/types.ts";

/**
 * The instant, private check: which of the rubric's observable cues the answer shows.
 * It is a nudge, not a score; peers do the scoring.
 */
export function checkAnswer(rubric: Rubric, text: string): AnswerCheck {
  const results: SignalCheck[] = rubric.criteria.flatMap((criterion) =>
    criterion.signals.map((signal) => ({
      criterionId: criterion.id,
      criterionLabel: criterion.label,
      label: signal.label,
      present: new RegExp(signal.pattern, "iu").test(text),
      missing: signal.missing,
    })),
  );
  return { shown: results.filter((r) => r.present), missing: results.filter((r) => !r.present) };
}
