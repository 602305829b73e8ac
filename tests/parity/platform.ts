import type { Coach } from "../../src/core/coach.ts";
import type { CohortAddress } from "../../src/core/cohorts/types.ts";
import type { Repositories } from "../../src/core/ports.ts";
import type { LeaderboardPeriod } from "../../src/core/points/leaderboard.ts";
import type { FixedClock } from "../fakes/core.ts";
import type { AnswerWay, ReviewStep } from "./script.ts";

/** A leaderboard as a member read it, names resolved to member indexes. */
export interface RenderedBoard {
  readonly label: string;
  readonly top: readonly { rank: number; member: number; points: number }[];
  readonly quality: readonly { rank: number; member: number; score: string; answers: number }[];
  readonly me: { rank: number; points: number } | null;
}

/** The results post in a question's thread. */
export interface RenderedResults {
  readonly answered: number;
  readonly members: number;
  readonly submitted: number;
  readonly assigned: number;
  readonly top: readonly { rank: number; member: number; score: string }[];
}

/** An author's private feedback message. */
export interface RenderedFeedback {
  readonly criteria: readonly { label: string; score: string; uncertainty: string; reviews: number }[];
  readonly comments: readonly string[];
}

export interface ReviewView {
  /** Position among the reviewer's assignments for the prompt, in the order the platform shows them. */
  readonly index: number;
  readonly author: number;
  readonly criteria: number;
}

/**
 * One cohort on one platform, driven only through that platform's UI (commands,
 * thread replies, buttons, modals) plus the clock and the scheduler's tick.
 */
export interface CohortRun {
  readonly platform: "slack" | "discord";
  readonly coach: Coach;
  readonly repos: Repositories;
  readonly clock: FixedClock;
  readonly address: CohortAddress;
  /** The engine's user ref of member `index`. */
  ref(member: number): string;
  setup(): Promise<void>;
  optIn(member: number): Promise<void>;
  answer(promptId: number, member: number, text: string, way: AnswerWay): Promise<void>;
  edit(promptId: number, member: number, text: string): Promise<void>;
  withdraw(promptId: number, member: number): Promise<void>;
  /** Works through the reviewer's assignments in order; `decide` says what to click on each. */
  review(promptId: number, reviewer: number, decide: (view: ReviewView) => ReviewStep | undefined): Promise<void>;
  leaderboard(viewer: number, period: LeaderboardPeriod): Promise<RenderedBoard>;
  results(promptId: number): Promise<RenderedResults>;
  feedback(promptId: number, member: number): Promise<RenderedFeedback | undefined>;
  unknownCalls(): readonly unknown[];
  close(): Promise<void>;
}
