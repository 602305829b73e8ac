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

export interface AuthorFeedback {
  readonly promptId: number;
  readonly company: string;
  readonly questionPrompt: string;
  readonly criteria: readonly { readonly id: string; readonly label: string; readonly score: number; readonly uncertainty: number; readonly reviews: number }[];
  readonly comments: readonly string[];
  readonly outline: readonly string[];
}

export type CoachMessage =
  | { readonly kind: "prompt"; readonly promptId: number; readonly question: Question; readonly round: string; readonly answersCloseAt: Date; readonly timeZone: string }
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
  | { readonly kind: "feedback"; readonly feedback: AuthorFeedback };

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
}

export interface Messenger {
  /**
   * Sends one message. `idempotencyKey` is stable per logical message, so an adapter
   * can refuse a duplicate after a crash between sending and recording (Discord nonce,
   * Slack metadata lookup).
   */
  send(to: Destination, message: CoachMessage, idempotencyKey: string, options?: SendOptions): Promise<PostedMessage>;
}
