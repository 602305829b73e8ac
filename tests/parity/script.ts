import { DateTime } from "luxon";

/**
 * The fixed script both platforms follow: one cohort of six members for the five
 * posting days of one week. Everything here is plain data or a pure function of its
 * arguments, so the Slack run and the Discord run cannot see different inputs.
 */

export const MEMBERS = 6;
export const MEMBER_INDEXES = Array.from({ length: MEMBERS }, (_, i) => i);
export const TRACK = "humana/ai-pm";
export const ZONE = "America/New_York";
/** Friday 30 Oct 2026, 12:00 in New York (still daylight time): the admin sets the cohort up. */
export const SETUP_AT = "2026-10-30T16:00:00Z";
/** The members who run `review on`, so they review even on days they skip. */
export const OPTED_IN: readonly number[] = [5];

/** How a member answers: a reply in the question's thread, or the platform's private form (Slack: Answer privately; Discord: the Answer button's modal). */
export type AnswerWay = "thread" | "form";

export interface AnswerStep {
  readonly member: number;
  readonly slack: AnswerWay;
  readonly discord: AnswerWay;
}

export interface DayScript {
  /** Local date in ZONE (Mon-Fri of the week after New York leaves daylight time). */
  readonly date: string;
  /** Who answers, in this order (so both databases number the answers alike). */
  readonly answers: readonly AnswerStep[];
  /** Members who then edit their thread reply (the thread way on both platforms). */
  readonly edits: readonly number[];
  /** Members who then delete their thread reply, withdrawing the answer. */
  readonly withdrawals: readonly number[];
}

const all = (slack: AnswerWay, discord: AnswerWay, members: readonly number[]): AnswerStep[] => members.map((member) => ({ member, slack, discord }));

export const WEEK: readonly DayScript[] = [
  // Monday: everyone answers in the thread; member 2 edits theirs.
  { date: "2026-11-02", answers: all("thread", "thread", [0, 1, 2, 3, 4, 5]), edits: [2], withdrawals: [] },
  // Tuesday: 3 and 5 skip (5 still reviews: opted in); Discord uses the Answer modal.
  { date: "2026-11-03", answers: all("thread", "form", [4, 0, 2, 1]), edits: [], withdrawals: [] },
  // Wednesday: 2 skips; 4 answers and then deletes the reply; on Slack 1 and 5 answer privately.
  {
    date: "2026-11-04",
    answers: [
      { member: 0, slack: "thread", discord: "thread" },
      { member: 1, slack: "form", discord: "thread" },
      { member: 3, slack: "thread", discord: "thread" },
      { member: 4, slack: "thread", discord: "thread" },
      { member: 5, slack: "form", discord: "thread" },
    ],
    edits: [],
    withdrawals: [4],
  },
  // Thursday: 1 and 4 skip; Discord uses the Answer modal.
  { date: "2026-11-05", answers: all("thread", "form", [3, 5, 0, 2]), edits: [], withdrawals: [] },
  // Friday: 5 skips (reviews anyway); 2 answers privately on Slack; 3 edits.
  {
    date: "2026-11-06",
    answers: [
      { member: 1, slack: "thread", discord: "thread" },
      { member: 0, slack: "thread", discord: "thread" },
      { member: 2, slack: "form", discord: "thread" },
      { member: 3, slack: "thread", discord: "thread" },
      { member: 4, slack: "thread", discord: "thread" },
    ],
    edits: [3],
    withdrawals: [],
  },
];

/** Monday after the week: Friday's reviews close at its posting time. */
export const NEXT_POSTING_DAY = "2026-11-09";

export const localInstant = (date: string, hhmm: string): Date => DateTime.fromISO(`${date}T${hhmm}`, { zone: ZONE }).toJSDate();

export function answerText(day: number, member: number, edited = false): string {
  const target = 10 + ((member * 3 + day) % 7);
  return [
    `Learner ${member + 1}, day ${day + 1}${edited ? " (revised)" : ""}:`,
    `baseline ${20 + member}% of members miss a refill;`,
    `target ${target}% fewer within ${30 * ((member % 3) + 1)} days for ${member + 2}0k members,`,
    member % 2 === 0 ? "roll back if complaints rise; pharmacy and compliance sign off." : "measure weekly with the care team.",
  ].join(" ");
}

/** What each author's answers are worth on every criterion (before the day's variation). */
const QUALITY = [4, 3, 4, 2, 3, 3] as const;
/** Reviewer bias: member 1 is harsh, member 2 lenient, member 4 a little harsh. */
export const BIAS = [0, -2, 1, 0, -1, 0] as const;
export const HARSH = 1;
export const LENIENT = 2;

/** The 1-5 a reviewer clicks for one criterion of one author's answer on one day. */
export function scoreOf(reviewer: number, author: number, criterion: number, day: number): number {
  const variation = ((author * 2 + criterion + day) % 3) - 1;
  return Math.min(5, Math.max(1, QUALITY[author]! + variation + BIAS[reviewer]!));
}

export interface ReviewStep {
  readonly scores: readonly number[];
  readonly comment?: string;
  /** False leaves the review scored but unsubmitted, and the reviewer stops there. */
  readonly submit: boolean;
}

/**
 * What a reviewer does with their `index`-th assignment of the day (assignments in the
 * order the platform shows them), or undefined to stop reviewing for the day.
 */
export function reviewStep(day: number, reviewer: number, index: number, author: number, criteria: number): ReviewStep | undefined {
  // Tuesday: member 4 ignores their reviews.
  if (day === 1 && reviewer === 4) return undefined;
  // Wednesday: member 0 submits one review and leaves the rest.
  if (day === 2 && reviewer === 0 && index >= 1) return undefined;
  const scores = Array.from({ length: criteria }, (_, c) => scoreOf(reviewer, author, c, day));
  // Thursday: member 2 scores their first review but never submits it.
  if (day === 3 && reviewer === 2) return index === 0 ? { scores, submit: false } : undefined;
  const comment = day === 0 && reviewer === 0 && index === 0 ? "Lead with the baseline number." : day === 3 && reviewer === 3 && index === 1 ? "Say who signs off." : undefined;
  return { scores, submit: true, ...(comment ? { comment } : {}) };
}
