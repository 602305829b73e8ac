import type { CohortAddress } from "./cohorts/types.ts";
import type { Question } from "./questions/types.ts";

/**
 * What the engine says, in neutral terms. Slack renders these as Block Kit and
 * Discord as embeds and components; neither adds or drops information.
 */

export interface ReviewCriterionView {
  readonly id: string;
  readonly label: string;
  readonly levels: { readonly 1: string; readonly 3: string; readonly 5: string };
  readonly chosen: number | undefined;
  /**
   * The other reviewers' submitted scores for this criterion, shown only once this
   * reviewer has submitted, so nobody anchors on them while scoring.
   */
  readonly peers: { readonly mean: number; readonly count: number } | undefined;
}

export interface ReviewCard {
  readonly assignmentId: number;
  readonly promptId: number;
  readonly company: string;
  readonly questionPrompt: string;
  /** The answer without its author: reviewers score blind. */
  readonly answerText: string;
  /** The interviewer follow-up and the author's answer to it, scored together with the answer. */
  readonly followUp: { readonly question: string; readonly answer: string } | undefined;
  readonly criteria: readonly ReviewCriterionView[];
  readonly comment: string | null;
  readonly submitted: boolean;
  readonly reviewsCloseAt: Date;
  readonly timeZone: string;
}

export interface CueCheck {
  readonly criterionId: string;
  readonly criterionLabel: string;
  readonly label: string;
  readonly present: boolean;
  /** A negative cue: present means the answer shows a weakness. */
  readonly against: boolean;
  /** The answer's sentence that shows the cue, when present. */
  readonly evidence: string | undefined;
  readonly missing: string;
}

export interface AnswerCheck {
  /** False when the answer is about something else (off-topic, or another question's answer). */
  readonly addressesQuestion: boolean;
  /** True when most of the answer is a list of terms rather than sentences. */
  readonly readsAsList: boolean;
  /** Positive cues the answer shows, each with the sentence that shows it. */
  readonly shown: readonly CueCheck[];
  /** Positive cues it does not show: each carries a one-line nudge. */
  readonly missing: readonly CueCheck[];
  /** Negative cues it does show (they count against). */
  readonly against: readonly CueCheck[];
}

export interface TopAnswer {
  readonly rank: number;
  /** Undefined when the author asked not to be named. */
  readonly displayName: string | undefined;
  readonly userRef: string | undefined;
  readonly score: number;
}

/** The AI reviewer's view of one answer, kept apart from the peers' consensus. */
export interface AiFeedback {
  readonly model: string;
  readonly criteria: readonly { readonly id: string; readonly label: string; readonly score: number; readonly justification: string }[];
  /** No peer graded the answer: this is the AI's own view, corrected by nobody. */
  readonly uncorrected: boolean;
  /** How far the cohort's peers have calibrated the AI, in words both platforms show as is. */
  readonly calibration: string;
}

/** Peer grades needed on AI-scored answers before the AI's fitted bias is worth quoting. */
export const AI_CALIBRATION_MIN_GRADES = 10;

/** "calibrated against 42 peer grades: scores 0.4 harsher than peers", or "not yet calibrated ...". */
export function describeCalibration(peerGrades: number, bias: number | undefined): string {
  if (bias === undefined || peerGrades < AI_CALIBRATION_MIN_GRADES) {
    return `not yet calibrated (${peerGrades} peer grade${peerGrades === 1 ? "" : "s"} so far; it takes ${AI_CALIBRATION_MIN_GRADES})`;
  }
  const size = Math.abs(bias);
  const lean = size < 0.05 ? "scores in line with peers" : `scores ${size.toFixed(1)} ${bias > 0 ? "more leniently" : "harsher"} than peers`;
  return `calibrated against ${peerGrades} peer grades: ${lean}`;
}

/** The AI part of a feedback message as a title, one line per criterion and a note, shown apart from the peers'. */
export function aiFeedbackText(ai: AiFeedback): { title: string; lines: string[]; note: string } {
  return {
    title: ai.uncorrected ? `AI reviewer (${ai.model}): its uncorrected view, no peer graded this answer` : `AI reviewer (${ai.model}), apart from your peers`,
    lines: ai.criteria.map((c) => `${c.label}: ${c.score}/5. ${c.justification}`),
    note: `The AI is ${ai.calibration}. Its scores count like one more reviewer's, corrected for its bias; it earns no points.`,
  };
}

export interface AuthorFeedback {
  readonly promptId: number;
  readonly company: string;
  readonly questionPrompt: string;
  readonly criteria: readonly { readonly id: string; readonly label: string; readonly score: number; readonly uncertainty: number; readonly reviews: number }[];
  readonly comments: readonly string[];
  readonly outline: readonly string[];
  /** The AI reviewer's scores and reasons, when it reviewed the answer in time. */
  readonly ai?: AiFeedback;
}

export type CoachMessage =
  | {
      readonly kind: "prompt";
      readonly promptId: number;
      readonly question: Question;
      readonly round: string;
      readonly answersCloseAt: Date;
      readonly timeZone: string;
      /** The AI reviewer's model when it reviews this cohort's answers, so members know. */
      readonly aiReviewer?: string;
    }
  | { readonly kind: "answer-reminder"; readonly promptId: number; readonly answersCloseAt: Date; readonly timeZone: string; readonly answerCount: number }
  | { readonly kind: "reviews-open"; readonly promptId: number; readonly answerCount: number; readonly reviewerCount: number; readonly reviewsCloseAt: Date; readonly timeZone: string }
  | { readonly kind: "no-reviews"; readonly promptId: number; readonly answerCount: number }
  | { readonly kind: "review-request"; readonly card: ReviewCard }
  | { readonly kind: "reviewer-reminder"; readonly promptId: number; readonly pending: number; readonly reviewsCloseAt: Date; readonly timeZone: string }
  | {
      readonly kind: "results";
      readonly promptId: number;
      readonly answerCount: number;
      readonly memberCount: number;
      readonly reviewsSubmitted: number;
      readonly reviewsAssigned: number;
      readonly top: readonly TopAnswer[];
      readonly nextPostAt: Date | undefined;
      readonly timeZone: string;
    }
  | { readonly kind: "feedback"; readonly feedback: AuthorFeedback }
  /** After a drill's self-rating: the AI's scores and reasons next to the member's own, when they are ready. */
  | { readonly kind: "drill-ai-review"; readonly attemptId: number; readonly company: string; readonly questionPrompt: string; readonly comparison: DrillAiComparison }
  /** To a cohort's admins, at most once a day per reason: the AI reviewer stopped for today or keeps failing. */
  | { readonly kind: "ai-alert"; readonly reason: "cap" | "failure"; readonly model: string; readonly dailyCap: number };

/** The AI's view of a drill answer beside the member's self-rating, per criterion. */
export interface DrillAiComparison {
  readonly model: string;
  readonly criteria: readonly { readonly id: string; readonly label: string; readonly self: number | undefined; readonly ai: number; readonly justification: string }[];
}

/** One line per criterion, "Label: you 3, AI 4. Reason", shown as is on every surface. */
export const drillComparisonLines = (c: DrillAiComparison) =>
  c.criteria.map((x) => `${x.label}: you ${x.self ?? "-"}, AI ${x.ai}. ${x.justification}`);

/** The admins' alert in words both platforms show as is. */
export function aiAlertText(message: Extract<CoachMessage, { kind: "ai-alert" }>): string {
  return message.reason === "cap"
    ? `The AI reviewer (${message.model}) reached today's cap of ${message.dailyCap} reviews for this cohort (AI_DAILY_CAP_PER_COHORT). The rest wait until tomorrow (UTC); answers whose reviews close first get peer feedback only.`
    : `The AI reviewer (${message.model}) keeps failing: reviews were given up after repeated errors from the AI endpoint. Peer reviews are unaffected. Check AI_BASE_URL and the endpoint's logs, or turn it off with \`ai off\`.`;
}

export type Destination =
  | { readonly kind: "channel"; readonly cohort: CohortAddress }
  | { readonly kind: "thread"; readonly cohort: CohortAddress; readonly messageRef: string; readonly threadRef: string | null }
  | { readonly kind: "user"; readonly cohort: CohortAddress; readonly userRef: string };

export interface PostedMessage {
  readonly messageRef: string;
  /** Discord answers live in a thread channel of their own; Slack threads hang off the message. */
  readonly threadRef: string | null;
}

export interface SendOptions {
  /**
   * True when this send retakes a step whose earlier worker died after claiming it, so
   * that attempt may already have posted: only then is it worth searching the platform
   * for an earlier copy (Slack's history reads are scarce).
   */
  readonly mayHavePosted?: boolean;
  /**
   * Called right before each attempt to deliver, after any wait for the platform's pace
   * or a Retry-After: it rejects once the step this send belongs to was retaken by
   * another worker, and the adapter must then give up without sending.
   */
  readonly fence?: () => Promise<void>;
}

export interface Messenger {
  /**
   * Sends one message. `idempotencyKey` is stable per logical message, so an adapter
   * can refuse a duplicate after a crash between sending and recording (Discord nonce,
   * Slack metadata lookup).
   */
  send(to: Destination, message: CoachMessage, idempotencyKey: string, options?: SendOptions): Promise<PostedMessage>;
}
