import type { LeaderboardPeriod } from "../core/points/leaderboard.ts";

/**
 * Every button and modal id the bot issues. Ids carry only numeric ids and choices,
 * never identity: the engine checks the clicking user against its own records.
 */
export const customIds = {
  answer: (promptId: number) => `cc:answer:${promptId}`,
  answerModal: (promptId: number) => `cc:answer-modal:${promptId}`,
  review: (promptId: number) => `cc:review:${promptId}`,
  score: (assignmentId: number, criterionId: string, score: number) => `cc:score:${assignmentId}:${criterionId}:${score}`,
  submit: (assignmentId: number) => `cc:submit:${assignmentId}`,
  comment: (assignmentId: number) => `cc:comment:${assignmentId}`,
  commentModal: (assignmentId: number) => `cc:comment-modal:${assignmentId}`,
  feedback: (promptId: number) => `cc:feedback:${promptId}`,
  share: (period: LeaderboardPeriod) => `cc:share:${period}`,
  forget: (choice: "confirm" | "cancel") => `cc:forget:${choice}`,
  drillAnswer: (attemptId: number) => `cc:drill-answer:${attemptId}`,
  drillModal: (attemptId: number) => `cc:drill-modal:${attemptId}`,
  /** `ratings` is one digit per criterion (0 = not rated yet): the ephemeral message keeps its own state. */
  drillRate: (attemptId: number, ratings: string, index: number, score: number) => `cc:drill-rate:${attemptId}:${ratings}:${index}:${score}`,
  drillSave: (attemptId: number, ratings: string) => `cc:drill-save:${attemptId}:${ratings}`,
  followUp: (answerId: number) => `cc:follow-up:${answerId}`,
  followUpModal: (answerId: number) => `cc:follow-up-modal:${answerId}`,
  drillFollowUp: (attemptId: number) => `cc:drill-follow-up:${attemptId}`,
  drillFollowUpModal: (attemptId: number) => `cc:drill-follow-up-modal:${attemptId}`,
  drillSkip: (attemptId: number) => `cc:drill-skip:${attemptId}`,
} as const;

export type CustomIdKind = keyof typeof customIds;

export interface ParsedCustomId {
  readonly kind: string;
  readonly args: readonly string[];
}

export function parseCustomId(customId: string): ParsedCustomId | undefined {
  const [prefix, kind, ...args] = customId.split(":");
  if (prefix !== "cc" || !kind) return undefined;
  return { kind, args };
}

/** A positive integer argument, or undefined for anything a forged payload might carry. */
export function intArg(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,12}$/.test(value)) return undefined;
  return Number(value);
}
