import { sql } from "drizzle-orm";
import { boolean, doublePrecision, index, integer, jsonb, pgTable, primaryKey, real, serial, text, timestamp, unique } from "drizzle-orm/pg-core";

/**
 * Question content is stored whole (prompt, outline and the rubric it was scored with)
 * so a prompt posted months ago still renders and its scores still resolve after the
 * YAML file changed or dropped the question.
 */
export const tracks = pgTable("tracks", {
  id: text("id").primaryKey(),
  company: text("company").notNull(),
  role: text("role").notNull(),
  content: jsonb("content").notNull(),
  contentHash: text("content_hash").notNull(),
  retiredAt: timestamp("retired_at", { withTimezone: true }),
  syncedAt: timestamp("synced_at", { withTimezone: true }).notNull().default(sql`now()`),
});

export const questions = pgTable("questions", {
  id: text("id").primaryKey(),
  trackId: text("track_id").notNull(),
  category: text("category").notNull(),
  difficulty: integer("difficulty").notNull(),
  content: jsonb("content").notNull(),
  contentHash: text("content_hash").notNull(),
  retiredAt: timestamp("retired_at", { withTimezone: true }),
  syncedAt: timestamp("synced_at", { withTimezone: true }).notNull().default(sql`now()`),
});

export const cohorts = pgTable(
  "cohorts",
  {
    id: serial("id").primaryKey(),
    platform: text("platform").notNull(),
    workspaceId: text("workspace_id").notNull(),
    channelId: text("channel_id").notNull(),
    trackId: text("track_id").notNull(),
    postTime: text("post_time").notNull(),
    timeZone: text("time_zone").notNull(),
    /** ISO weekdays, 1 = Monday. */
    weekdays: integer("weekdays").array().notNull(),
    answerCloseTime: text("answer_close_time").notNull(),
    reviewCloseTime: text("review_close_time").notNull(),
    reviewersPerAnswer: integer("reviewers_per_answer").notNull(),
    remindersEnabled: boolean("reminders_enabled").notNull().default(true),
    paused: boolean("paused").notNull().default(false),
    season: integer("season").notNull().default(1),
    /** The secret in the cohort pages' link; null until first asked for, replaced on rotation. */
    pageToken: text("page_token").unique(),
    createdBy: text("created_by").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    /**
     * When the tick must next look at this cohort for a post (null while paused), kept
     * by every schedule change and by the tick itself, so an idle tick reads one index.
     */
    nextPostAt: timestamp("next_post_at", { withTimezone: true }),
    /** An admin's choice to have the bot's AI reviewer score this cohort's answers (when the bot has one). */
    aiEnabled: boolean("ai_enabled").notNull().default(false),
  },
  (t) => [unique("cohorts_channel_unique").on(t.platform, t.workspaceId, t.channelId), index("cohorts_next_post_at_idx").on(t.nextPostAt)],
);

export const cohortAdmins = pgTable(
  "cohort_admins",
  {
    cohortId: integer("cohort_id").notNull().references(() => cohorts.id, { onDelete: "cascade" }),
    userRef: text("user_ref").notNull(),
  },
  (t) => [primaryKey({ columns: [t.cohortId, t.userRef] })],
);

export const skipDates = pgTable(
  "skip_dates",
  {
    cohortId: integer("cohort_id").notNull().references(() => cohorts.id, { onDelete: "cascade" }),
    localDate: text("local_date").notNull(),
  },
  (t) => [primaryKey({ columns: [t.cohortId, t.localDate] })],
);

export const members = pgTable(
  "members",
  {
    cohortId: integer("cohort_id").notNull().references(() => cohorts.id, { onDelete: "cascade" }),
    userRef: text("user_ref").notNull(),
    displayName: text("display_name").notNull(),
    reviewOptIn: boolean("review_opt_in").notNull().default(false),
    /** Whether the member may be named among the top answers in the channel. */
    showInResults: boolean("show_in_results").notNull().default(true),
    joinedAt: timestamp("joined_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.cohortId, t.userRef] })],
);

export const prompts = pgTable(
  "prompts",
  {
    id: serial("id").primaryKey(),
    cohortId: integer("cohort_id").notNull().references(() => cohorts.id, { onDelete: "cascade" }),
    localDate: text("local_date").notNull(),
    questionId: text("question_id").notNull(),
    season: integer("season").notNull(),
    postAt: timestamp("post_at", { withTimezone: true }).notNull(),
    answersCloseAt: timestamp("answers_close_at", { withTimezone: true }).notNull(),
    reviewsCloseAt: timestamp("reviews_close_at", { withTimezone: true }).notNull(),
    /** Set once posted: the platform's reference to the message and, where separate, its thread. */
    messageRef: text("message_ref"),
    threadRef: text("thread_ref"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    /** When the tick must next look at this prompt's steps; null once it is closed. */
    nextStepAt: timestamp("next_step_at", { withTimezone: true }),
  },
  (t) => [
    unique("prompts_cohort_date_unique").on(t.cohortId, t.localDate),
    index("prompts_message_ref_idx").on(t.messageRef),
    index("prompts_thread_ref_idx").on(t.threadRef),
    index("prompts_next_step_at_idx").on(t.nextStepAt),
  ],
);

/** One row per step of a prompt: inserting it is the claim that makes the step run once. */
export const promptSteps = pgTable(
  "prompt_steps",
  {
    promptId: integer("prompt_id").notNull().references(() => prompts.id, { onDelete: "cascade" }),
    step: text("step").notNull(),
    status: text("status").notNull(),
    leaseUntil: timestamp("lease_until", { withTimezone: true }).notNull(),
    attempts: integer("attempts").notNull().default(1),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    /**
     * Set, and written, before the first message of the step goes out: only a retake of
     * such a step has to look for an earlier copy. A claim stores false; the default is
     * true so that steps running when this column was added count as possibly sent.
     */
    mayHavePosted: boolean("may_have_posted").notNull().default(true),
  },
  (t) => [primaryKey({ columns: [t.promptId, t.step] })],
);

export const answers = pgTable(
  "answers",
  {
    id: serial("id").primaryKey(),
    promptId: integer("prompt_id").notNull().references(() => prompts.id, { onDelete: "cascade" }),
    userRef: text("user_ref").notNull(),
    body: text("body").notNull(),
    sourceRef: text("source_ref"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
    withdrawnAt: timestamp("withdrawn_at", { withTimezone: true }),
  },
  (t) => [unique("answers_prompt_user_unique").on(t.promptId, t.userRef), index("answers_source_ref_idx").on(t.sourceRef), index("answers_user_ref_idx").on(t.userRef)],
);

/**
 * The interviewer follow-up offered after an answer: one per answer, keyed by it, so the
 * insert that records the offer happens once however often the answer is delivered.
 * `question` is the follow-up as asked, kept even if the question file changes later.
 */
export const followUps = pgTable("follow_ups", {
  answerId: integer("answer_id")
    .primaryKey()
    .references(() => answers.id, { onDelete: "cascade" }),
  question: text("question").notNull(),
  body: text("body"),
  offeredAt: timestamp("offered_at", { withTimezone: true }).notNull(),
  answeredAt: timestamp("answered_at", { withTimezone: true }),
});

export const reviewAssignments = pgTable(
  "review_assignments",
  {
    id: serial("id").primaryKey(),
    promptId: integer("prompt_id").notNull().references(() => prompts.id, { onDelete: "cascade" }),
    answerId: integer("answer_id").notNull().references(() => answers.id, { onDelete: "cascade" }),
    reviewerRef: text("reviewer_ref").notNull(),
    comment: text("comment"),
    submittedAt: timestamp("submitted_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    unique("review_assignments_answer_reviewer_unique").on(t.answerId, t.reviewerRef),
    index("review_assignments_reviewer_idx").on(t.reviewerRef),
    // A close reads one prompt's assignments, and a refit pages through a cohort's prompts in id order.
    index("review_assignments_prompt_idx").on(t.promptId, t.id),
  ],
);

export const reviewScores = pgTable(
  "review_scores",
  {
    assignmentId: integer("assignment_id").notNull().references(() => reviewAssignments.id, { onDelete: "cascade" }),
    criterionId: text("criterion_id").notNull(),
    score: integer("score").notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
    /** When the reviewer clicked, by the platform's clock: orders clicks that reach different replicas. */
    actionAt: timestamp("action_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.assignmentId, t.criterionId] })],
);

export const answerResults = pgTable(
  "answer_results",
  {
    answerId: integer("answer_id").notNull().references(() => answers.id, { onDelete: "cascade" }),
    criterionId: text("criterion_id").notNull(),
    score: real("score").notNull(),
    uncertainty: real("uncertainty").notNull(),
    plainMean: real("plain_mean").notNull(),
    gradeCount: integer("grade_count").notNull(),
  },
  (t) => [primaryKey({ columns: [t.answerId, t.criterionId] })],
);

/**
 * A reviewer's fitted bias model parameters per cohort and criterion, with the weighted sums
 * over their grades that the next close updates (see core/scores/bias-model.ts). Double
 * precision, so a close reproduces exactly what the previous one computed.
 */
export const reviewerParams = pgTable(
  "reviewer_params",
  {
    cohortId: integer("cohort_id").notNull().references(() => cohorts.id, { onDelete: "cascade" }),
    criterionId: text("criterion_id").notNull(),
    reviewerRef: text("reviewer_ref").notNull(),
    bias: doublePrecision("bias").notNull(),
    scale: doublePrecision("scale").notNull(),
    reliability: doublePrecision("reliability").notNull(),
    count: integer("count").notNull(),
    weight: doublePrecision("weight").notNull(),
    wx: doublePrecision("wx").notNull(),
    wxx: doublePrecision("wxx").notNull(),
    wv: doublePrecision("wv").notNull(),
    wy: doublePrecision("wy").notNull(),
    wxy: doublePrecision("wxy").notNull(),
    wyy: doublePrecision("wyy").notNull(),
    top: doublePrecision("top").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.cohortId, t.criterionId, t.reviewerRef] })],
);

/**
 * Per cohort, criterion and author: sums over the author's scored answers that give the
 * scoring model the author's usual level (see AuthorStats). Written with reviewer_params.
 */
export const authorParams = pgTable(
  "author_params",
  {
    cohortId: integer("cohort_id").notNull().references(() => cohorts.id, { onDelete: "cascade" }),
    criterionId: text("criterion_id").notNull(),
    authorRef: text("author_ref").notNull(),
    count: integer("count").notNull(),
    weight: doublePrecision("weight").notNull(),
    wz: doublePrecision("wz").notNull(),
    wzz: doublePrecision("wzz").notNull(),
    wv: doublePrecision("wv").notNull(),
    grades: integer("grades").notNull().default(0),
    top: doublePrecision("top").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.cohortId, t.criterionId, t.authorRef] })],
);

/** Which closes a cohort's reviewer_params and author_params include; rewritten only by compare-and-set. */
export const scoringStates = pgTable("scoring_states", {
  cohortId: integer("cohort_id")
    .primaryKey()
    .references(() => cohorts.id, { onDelete: "cascade" }),
  foldedThroughPromptId: integer("folded_through_prompt_id").notNull(),
  closes: integer("closes").notNull(),
  closesAtRefit: integer("closes_at_refit").notNull(),
});

/** Append-only: corrections are new rows that reverse old ones, never updates. */
export const pointsLedger = pgTable(
  "points_ledger",
  {
    id: serial("id").primaryKey(),
    cohortId: integer("cohort_id").notNull().references(() => cohorts.id, { onDelete: "cascade" }),
    userRef: text("user_ref").notNull(),
    season: integer("season").notNull(),
    kind: text("kind").notNull(),
    source: text("source").notNull(),
    points: integer("points").notNull(),
    localDate: text("local_date").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    // Also how an entry's generation is found: one lookup per reversal (generationOf in repositories/points.ts).
    unique("points_ledger_kind_source_unique").on(t.kind, t.source),
    index("points_ledger_cohort_user_idx").on(t.cohortId, t.userRef),
    // Leaderboards sum one cohort's rows by date range or season from these alone (index-only scans).
    index("points_ledger_cohort_date_idx").on(t.cohortId, t.localDate, t.userRef, t.points),
    index("points_ledger_cohort_season_idx").on(t.cohortId, t.season, t.userRef, t.points),
  ],
);

/**
 * Each member's ledger sum per board bucket (week: its Monday's date; month: "YYYY-MM";
 * season: its number; all: ""), so a board reads one cohort's hundred-odd rows instead of
 * summing its whole ledger. Kept by statement triggers on points_ledger (migration
 * 0008_board_summary_triggers) in the same transaction as the ledger write: every path that
 * writes the ledger, the benches' bulk seeding included, keeps it right. Rows that fall
 * to zero stay until the ledger rows behind them are deleted (forget-me, cohort removal).
 */
export const pointsTotals = pgTable(
  "points_totals",
  {
    cohortId: integer("cohort_id").notNull().references(() => cohorts.id, { onDelete: "cascade" }),
    period: text("period").notNull(),
    bucket: text("bucket").notNull(),
    userRef: text("user_ref").notNull(),
    points: integer("points").notNull(),
  },
  (t) => [primaryKey({ columns: [t.cohortId, t.period, t.bucket, t.userRef] })],
);

/**
 * Per cohort member, the count and sum of their non-withdrawn answers' mean corrected
 * scores: what the quality ranking shrinks and ranks. Kept by triggers on answers and
 * answer_results: an answer's first results add its mean (migration 0010), overwritten results
 * add how far its mean moved (0016), both as commuting adds in key order; anything else
 * (withdrawals, deletions, a criterion added or dropped) recomputes the members it touched
 * (0008), each member's row locked before the recount so two closes committing together cannot
 * each write a sum that misses the other's answer.
 */
export const memberQuality = pgTable(
  "member_quality",
  {
    cohortId: integer("cohort_id").notNull().references(() => cohorts.id, { onDelete: "cascade" }),
    userRef: text("user_ref").notNull(),
    answers: integer("answers").notNull(),
    total: doublePrecision("total").notNull(),
  },
  (t) => [primaryKey({ columns: [t.cohortId, t.userRef] })],
);

export const drillCards = pgTable(
  "drill_cards",
  {
    userRef: text("user_ref").notNull(),
    questionId: text("question_id").notNull(),
    card: jsonb("card").notNull(),
    dueAt: timestamp("due_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.userRef, t.questionId] })],
);

export const drillAttempts = pgTable(
  "drill_attempts",
  {
    id: serial("id").primaryKey(),
    userRef: text("user_ref").notNull(),
    questionId: text("question_id").notNull(),
    body: text("body"),
    /** The answer to the interviewer follow-up offered after `body` (the question is picked from the attempt id). */
    followUpBody: text("follow_up_body"),
    ratings: jsonb("ratings"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    ratedAt: timestamp("rated_at", { withTimezone: true }),
    /** Set when a start may be retried (a form posted twice, today's practice question): one attempt per key. */
    requestKey: text("request_key").unique(),
  },
  (t) => [index("drill_attempts_user_idx").on(t.userRef)],
);

/**
 * One AI review per answer (or drill attempt) per model: the unique keys make enqueueing
 * idempotent, and `status` with `lease_until` lets replicas claim rows like prompt steps.
 * `scores` holds [{ criterionId, score, justification }] once scored. Status moves
 * pending -> running -> scored | failed | dropped, or to expired when the prompt closed first.
 */
export const aiReviews = pgTable(
  "ai_reviews",
  {
    id: serial("id").primaryKey(),
    answerId: integer("answer_id").references(() => answers.id, { onDelete: "cascade" }),
    promptId: integer("prompt_id").references(() => prompts.id, { onDelete: "cascade" }),
    drillAttemptId: integer("drill_attempt_id").references(() => drillAttempts.id, { onDelete: "cascade" }),
    /** Whose daily budget the call counts against: `cohort:<id>` or `user:<ref>` for solo practice. */
    budget: text("budget").notNull(),
    model: text("model").notNull(),
    status: text("status").notNull(),
    attempts: integer("attempts").notNull().default(0),
    leaseUntil: timestamp("lease_until", { withTimezone: true }),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull(),
    scores: jsonb("scores"),
    failure: text("failure"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    scoredAt: timestamp("scored_at", { withTimezone: true }),
  },
  (t) => [
    unique("ai_reviews_answer_model_unique").on(t.answerId, t.model),
    unique("ai_reviews_drill_model_unique").on(t.drillAttemptId, t.model),
    index("ai_reviews_prompt_idx").on(t.promptId),
    // The drain reads only rows still to do, by when they are next due.
    index("ai_reviews_due_idx")
      .on(t.nextAttemptAt)
      .where(sql`status in ('pending', 'running')`),
  ],
);

/** AI calls per budget per day (UTC), persisted so a restart does not reset the cap; and whether the admins were told today. */
export const aiUsage = pgTable(
  "ai_usage",
  {
    budget: text("budget").notNull(),
    day: text("day").notNull(),
    calls: integer("calls").notNull().default(0),
    capAlertedAt: timestamp("cap_alerted_at", { withTimezone: true }),
    failureAlertedAt: timestamp("failure_alerted_at", { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.budget, t.day] })],
);
