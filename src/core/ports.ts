import type { Cohort, CohortAddress, Member, ScheduleSettings } from "./cohorts/types.ts";
import type { Answer, CriterionResult, Prompt, PromptStep, ReviewAssignment } from "./prompts/types.ts";
import type { Question, QuestionBank, Track } from "./questions/types.ts";
import type { AiCriterionScore } from "./ai/port.ts";
import type { AuthorStats, ReviewerStats } from "./scores/bias-model.ts";

/**
 * Everything the engine needs from storage. Implemented with Drizzle in src/db/;
 * every write here is idempotent (unique keys and upserts), so retried platform
 * deliveries and concurrent clicks converge on one row.
 */

export interface BankSyncReport {
  readonly added: number;
  readonly changed: number;
  readonly unchanged: number;
  readonly retired: number;
}

export interface QuestionRepository {
  /**
   * Makes the stored bank match `bank`: questions and tracks upserted by id, those no
   * longer in any file retired (kept so old prompts still resolve, never picked again).
   */
  sync(bank: QuestionBank, now: Date): Promise<BankSyncReport>;
  /** Any question ever synced, retired or not. */
  get(id: string): Promise<Question | undefined>;
  /** The stored questions with these ids, by id, in one query. */
  getMany(ids: readonly string[]): Promise<ReadonlyMap<string, Question>>;
  activeQuestions(trackId: string): Promise<readonly Question[]>;
  activeTracks(): Promise<readonly Track[]>;
  /** One active track with its active questions. */
  activeTrack(id: string): Promise<Track | undefined>;
}

export interface CohortSettingsPatch {
  readonly trackId?: string;
  readonly postTime?: string;
  readonly timeZone?: string;
  readonly weekdays?: readonly number[];
  readonly paused?: boolean;
  readonly remindersEnabled?: boolean;
  readonly aiEnabled?: boolean;
}

/** Moves a cohort's next post check from the instant the tick read to the next one. */
export interface NextPostMove {
  readonly cohortId: number;
  readonly from: Date | null;
  readonly to: Date | null;
}

export interface CohortRepository {
  /** Creates the channel's cohort, or updates its schedule when it already exists. */
  upsert(address: CohortAddress, settings: ScheduleSettings, createdBy: string, now: Date): Promise<{ cohort: Cohort; created: boolean }>;
  find(address: CohortAddress): Promise<Cohort | undefined>;
  get(id: number): Promise<Cohort | undefined>;
  all(): Promise<readonly Cohort[]>;
  update(id: number, patch: CohortSettingsPatch): Promise<Cohort>;
  addSkipDate(id: number, localDate: string): Promise<void>;
  addAdmin(id: number, userRef: string): Promise<void>;
  removeAdmin(id: number, userRef: string): Promise<void>;
  /** Returns the new season number. */
  startSeason(id: number): Promise<number>;
  /** When the tick must next look at the cohort for a post; null never (paused). */
  setNextPostAt(id: number, at: Date | null): Promise<void>;
  /** In one statement; a move whose `from` no longer matches (the schedule changed meanwhile) is dropped. */
  advanceNextPost(moves: readonly NextPostMove[]): Promise<void>;
  /** The cohort pages' secret, storing `candidate` only when the cohort has none yet. */
  ensurePageToken(id: number, candidate: string): Promise<string>;
  /** Replaces the secret: every earlier link stops working. */
  setPageToken(id: number, token: string): Promise<void>;
  findByPageToken(token: string): Promise<Cohort | undefined>;
}

export interface MemberRepository {
  /** Records that a user took part; keeps their settings if already known. */
  touch(cohortId: number, userRef: string, displayName: string, now: Date): Promise<Member>;
  /** Removes the user from every cohort's member list (admins stay until removed). */
  forget(userRef: string): Promise<void>;
  get(cohortId: number, userRef: string): Promise<Member | undefined>;
  list(cohortId: number): Promise<readonly Member[]>;
  setReviewOptIn(cohortId: number, userRef: string, optIn: boolean): Promise<void>;
  setShowInResults(cohortId: number, userRef: string, show: boolean): Promise<void>;
}

export type StepStatus = "running" | "done" | "skipped";

export interface StepClaim {
  readonly promptId: number;
  readonly step: PromptStep;
}

/** What a tick has to do: cohorts whose post check is due, and prompts with a step due. */
export interface DueWork {
  /** With the check instant as read, which guards moving it on. */
  readonly posts: readonly { readonly cohort: Cohort; readonly checkAt: Date | null }[];
  readonly steps: readonly { readonly cohort: Cohort; readonly prompt: Prompt }[];
}

/** A prompt with what answering it needs, read by one statement. */
export interface PromptContext {
  readonly prompt: Prompt;
  readonly cohort: Cohort;
  readonly steps: ReadonlyMap<PromptStep, StepStatus>;
  readonly question: Question | undefined;
}

/** A step that ran to the end; a post step carries where it posted. */
export interface DoneStep {
  readonly promptId: number;
  readonly step: PromptStep;
  readonly posted?: { readonly messageRef: string; readonly threadRef: string | null };
}

export interface PromptRepository {
  /** By id, or by the platform reference of its post or thread. */
  context(idOrRef: number | string): Promise<PromptContext | undefined>;
  /** Inserts the day's prompt unless it exists; either way returns the stored one. */
  ensure(prompt: Omit<Prompt, "id" | "messageRef" | "threadRef">, now: Date): Promise<Prompt>;
  /** `ensure` for many cohorts' days in one statement (plus one to read back rows that already existed). */
  ensureMany(prompts: readonly Omit<Prompt, "id" | "messageRef" | "threadRef">[], now: Date): Promise<readonly Prompt[]>;
  /** Every prompt of each cohort, oldest first, in one statement. */
  forCohorts(cohortIds: readonly number[]): Promise<ReadonlyMap<number, readonly Prompt[]>>;
  get(id: number): Promise<Prompt | undefined>;
  findByRef(ref: string): Promise<Prompt | undefined>;
  forCohort(cohortId: number): Promise<readonly Prompt[]>;
  /** Prompts whose close step has not finished. */
  unfinished(): Promise<readonly Prompt[]>;
  /**
   * Claims a step for this worker. True for exactly one caller until the lease
   * runs out; a claim whose worker died (lease passed, not finished) can be retaken.
   * "retaken" when an earlier worker may have sent a message of the step (it had marked
   * it, markMayHavePosted), so the messenger looks for that copy; "fresh" when none can have.
   */
  claimStep(promptId: number, step: PromptStep, now: Date, leaseMs: number): Promise<"fresh" | "retaken" | false>;
  /** Records, in one statement, that these claimed steps are about to send their first message. */
  markMayHavePosted(claims: readonly StepClaim[]): Promise<void>;
  /**
   * Extends claims to `now + leaseMs`, in one statement, where each is still the one this
   * worker holds: running, and its lease still ends at `heldUntil`, the instant this
   * worker's claim or last renewal set (a retake always sets a later one). Returns the
   * prompts renewed; a claim another worker retook, or that finished, is left out.
   */
  renewSteps(claims: readonly StepClaim[], heldUntil: Date, now: Date, leaseMs: number): Promise<ReadonlySet<number>>;
  finishStep(promptId: number, step: PromptStep, status: "done" | "skipped", now: Date): Promise<void>;
  /** Finishes steps that ran, storing each post's references with it, in one statement for any number. */
  recordDone(done: readonly DoneStep[], now: Date): Promise<void>;
  steps(promptId: number): Promise<ReadonlyMap<PromptStep, StepStatus>>;
  /** Due work: one indexed statement when nothing is due; two more (the due rows, the due prompts) when something is. */
  dueWork(now: Date): Promise<DueWork>;
  stepsOf(promptIds: readonly number[]): Promise<ReadonlyMap<number, ReadonlyMap<PromptStep, StepStatus>>>;
  /** Marks steps skipped in one statement, never overriding one that ran or runs. */
  skipSteps(skips: readonly StepClaim[], now: Date): Promise<void>;
  /** `claimStep` for many prompts at once (one step each): the prompts this worker won, and how. */
  claimSteps(claims: readonly StepClaim[], now: Date, leaseMs: number): Promise<ReadonlyMap<number, "fresh" | "retaken">>;
  /** When the tick must next look at each prompt; null once it is closed. */
  setNextSteps(moves: readonly { promptId: number; at: Date | null }[]): Promise<void>;
}

export interface AnswerRepository {
  /**
   * One answer per member per prompt: a second submission replaces the text. The author
   * joins the prompt's cohort (or has their display name refreshed) in the same statement.
   * `changed` is false when exactly this answer was already stored (a redelivery): nothing was written.
   */
  upsert(
    promptId: number,
    author: { readonly userRef: string; readonly displayName: string },
    body: string,
    sourceRef: string | null,
    now: Date,
  ): Promise<{ answer: Answer; created: boolean; changed: boolean }>;
  get(id: number): Promise<Answer | undefined>;
  findBySource(sourceRef: string): Promise<Answer | undefined>;
  find(promptId: number, userRef: string): Promise<Answer | undefined>;
  /** Answers not withdrawn, oldest first. */
  active(promptId: number): Promise<readonly Answer[]>;
  withdraw(id: number, now: Date): Promise<boolean>;
  forUser(userRef: string): Promise<readonly Answer[]>;
  /** Consecutive posted prompts of the cohort up to `localDate` (or all of them), newest first, that the member answered. */
  streak(cohortId: number, userRef: string, localDate?: string): Promise<number>;
  /** The member's answers in the cohort that are not withdrawn. */
  countActive(cohortId: number, userRef: string): Promise<number>;
  /** Answers not withdrawn, counted per prompt of the cohort. */
  countsByPrompt(cohortId: number): Promise<ReadonlyMap<number, number>>;
  deleteForUser(userRef: string): Promise<readonly number[]>;
}

export interface FollowUp {
  readonly answerId: number;
  /** The follow-up as it was asked. */
  readonly question: string;
  /** Null until answered, and again once the main answer is withdrawn. */
  readonly body: string | null;
}

export interface FollowUpRepository {
  /** Records that `question` was offered after the answer; true only for the first offer. */
  offer(answerId: number, question: string, now: Date): Promise<boolean>;
  get(answerId: number): Promise<FollowUp | undefined>;
  /** Saves (or replaces) the answer to an offered follow-up; false when none was offered. */
  saveAnswer(answerId: number, body: string, now: Date): Promise<boolean>;
  /** Clears the follow-up answer along with a withdrawn main answer. */
  clearAnswer(answerId: number): Promise<void>;
  /** Answered follow-ups of these answers, in one query. */
  answered(answerIds: readonly number[]): Promise<ReadonlyMap<number, FollowUp>>;
}

export interface Grade {
  readonly promptId: number;
  readonly answerId: number;
  readonly reviewerRef: string;
  /** Who wrote the answer. */
  readonly authorRef: string;
  readonly criterionId: string;
  readonly score: number;
}

/** Which closes a cohort's stored reviewer parameters include, and when they were last refitted from scratch. */
export interface ScoringState {
  readonly foldedThroughPromptId: number;
  /** Closes folded in since the parameters were first stored. */
  readonly closes: number;
  /** The value of `closes` at the last refit from scratch. */
  readonly closesAtRefit: number;
}

/** A reviewer's fitted parameters for one criterion of one cohort, with the sums that update them. */
export interface ReviewerParams {
  readonly criterionId: string;
  readonly reviewerRef: string;
  readonly bias: number;
  readonly scale: number;
  readonly reliability: number;
  readonly stats: ReviewerStats;
}

/** What the fits so far learned about one author's usual level on one criterion of one cohort. */
export interface AuthorParams {
  readonly criterionId: string;
  readonly authorRef: string;
  readonly stats: AuthorStats;
}

/** Everything scoring a prompt at close reads. */
export interface CloseInputs {
  readonly grades: readonly Grade[];
  /** Stored parameters of the prompt's reviewers (those who have any). */
  readonly params: readonly ReviewerParams[];
  /** Stored sums of the prompt's authors (those who have any). */
  readonly authors: readonly AuthorParams[];
  readonly state: ScoringState | undefined;
  /** The prompt already has stored results: with a state folded through it, its close is a retry. */
  readonly scored: boolean;
}

/** A criterion's corrected score for an answer, as a refit re-estimates it. */
export type ResultEstimate = Pick<CriterionResult, "criterionId" | "score" | "uncertainty">;

/** What a close learned about the reviewers, to store with its results. */
export interface ScoringUpdate {
  /** The state the fit started from; the save is refused if another writer moved it meanwhile. */
  readonly expected: ScoringState | undefined;
  readonly next: ScoringState;
  readonly params: readonly ReviewerParams[];
  readonly authors: readonly AuthorParams[];
  /** A refit: the cohort's reviewer parameters and author sums are replaced, not merged. */
  readonly replace: boolean;
}

/** Everything a click on a review card needs, read by one statement. */
export interface ReviewContext {
  readonly assignment: ReviewAssignment;
  readonly prompt: Prompt;
  readonly answerBody: string;
  /** The author's follow-up to the answer, if one was offered. */
  readonly followUp: { readonly question: string; readonly body: string | null } | undefined;
  readonly question: Question | undefined;
  readonly timeZone: string;
  readonly scores: ReadonlyMap<string, number>;
  readonly steps: ReadonlyMap<PromptStep, StepStatus>;
}

/** An active answer as the export lists it: its corrected scores, the reviews it received and its follow-up answer. */
export interface SheetAnswer {
  readonly answer: Answer;
  readonly results: readonly CriterionResult[];
  readonly reviewsReceived: number;
  readonly followUpAnswer: string | null;
}

export interface ReviewRepository {
  context(assignmentId: number): Promise<ReviewContext | undefined>;
  /** context() of a prompt's assignments after `afterAssignmentId`, in id order, at most `limit`: one read for a page of review cards. */
  promptContexts(promptId: number, afterAssignmentId: number, limit: number): Promise<ReviewContext[]>;
  /** Mean and count per criterion of the other submitted reviews of the same answer. */
  peerScores(assignmentId: number): Promise<ReadonlyMap<string, { readonly mean: number; readonly count: number }>>;
  assign(promptId: number, pairs: readonly { answerId: number; reviewerRef: string }[], now: Date): Promise<void>;
  get(id: number): Promise<ReviewAssignment | undefined>;
  forPrompt(promptId: number): Promise<readonly ReviewAssignment[]>;
  forReviewer(reviewerRef: string, promptId?: number): Promise<readonly ReviewAssignment[]>;
  /** Who reviewed whom on the cohort's latest prompt before `localDate`, so the next draw can avoid repeating a pair. */
  pairsBefore(cohortId: number, localDate: string): Promise<readonly { readonly reviewerRef: string; readonly authorRef: string }[]>;
  /**
   * Stores a click unless a newer one (by `actionAt`, the platform's click time) is
   * already stored ("superseded") or the review was submitted ("closed").
   */
  recordScore(assignmentId: number, criterionId: string, score: number, actionAt: Date, now: Date): Promise<"stored" | "superseded" | "closed">;
  scores(assignmentId: number): Promise<ReadonlyMap<string, number>>;
  setComment(assignmentId: number, comment: string): Promise<boolean>;
  /** True only for the call that submitted it. */
  submit(assignmentId: number, now: Date): Promise<boolean>;
  /** Submitted grades of the cohort's prompts up to and including `throughPromptId`, so reviewer bias is learned across days. */
  cohortGrades(cohortId: number, throughPromptId: number): Promise<readonly Grade[]>;
  /** In one statement: the prompt's submitted grades, its reviewers' stored parameters, its authors' stored sums and the cohort's scoring state. */
  closeInputs(cohortId: number, promptId: number): Promise<CloseInputs>;
  /**
   * Stores the reviewers' parameters and the authors' sums (all of the cohort's when
   * `replace`, dropping the rest) and moves the cohort's scoring state from `expected` to
   * `next`. When another writer moved the state first, stores nothing, drops the state so the
   * next close refits, and returns false.
   */
  saveReviewerParams(cohortId: number, scoring: ScoringUpdate): Promise<boolean>;
  /** Drops a cohort's stored parameters and author sums, so its next close refits from scratch. */
  dropReviewerParams(cohortId: number): Promise<void>;
  saveResults(results: ReadonlyMap<number, readonly CriterionResult[]>): Promise<void>;
  /**
   * A close's writes in a bounded number of statements whatever the cohort's size: every
   * answer's results (replacing stored ones) in one transaction and, with `scoring`, the
   * reviewers' parameters and state as saveReviewerParams stores them (same return value) in
   * another; a close retried after only one of them committed refits (see planClose).
   */
  saveClose(cohortId: number, results: ReadonlyMap<number, readonly CriterionResult[]>, scoring: ScoringUpdate | undefined): Promise<boolean>;
  /**
   * Overwrites the score and uncertainty of stored results with a refit's estimates, answer by
   * answer in the given order (a statement's answers' members have their quality recomputed, so
   * callers group answers by author); a result not stored stays unstored, and every other field stays.
   */
  rescoreResults(estimates: ReadonlyMap<number, readonly ResultEstimate[]>): Promise<void>;
  /** Stored results of the prompt's active answers, by answer, in one read. */
  promptResults(promptId: number): Promise<ReadonlyMap<number, readonly CriterionResult[]>>;
  /** The member's mean corrected score per criterion over their answers in the cohort, labelled from each question's rubric. */
  criterionAverages(cohortId: number, userRef: string): Promise<readonly { readonly id: string; readonly label: string; readonly average: number; readonly answers: number }[]>;
  /** The prompt's active answers after `afterAnswerId` as the export lists them, in id order, at most `limit`: one read a page. */
  sheetPage(promptId: number, afterAnswerId: number, limit: number): Promise<readonly SheetAnswer[]>;
  results(answerId: number): Promise<readonly CriterionResult[]>;
  /** Total and count of a member's corrected scores per criterion, over all their answers, in one read. */
  resultTotalsForUser(userRef: string): Promise<ReadonlyMap<string, { readonly total: number; readonly count: number }>>;
  /** Every stored result of the cohort's answers not withdrawn, in one read. */
  cohortResults(cohortId: number): Promise<readonly { readonly promptId: number; readonly answerId: number; readonly userRef: string; readonly criterionId: string; readonly score: number }[]>;
  deleteForReviewer(reviewerRef: string): Promise<readonly number[]>;
  /** Reviews the member submitted in the cohort. */
  countSubmitted(cohortId: number, reviewerRef: string): Promise<number>;
}

export interface LedgerEntry {
  readonly cohortId: number;
  readonly userRef: string;
  readonly season: number;
  readonly kind: string;
  /** With `kind`, identifies the event; a second award for it is a no-op. */
  readonly source: string;
  readonly points: number;
  readonly localDate: string;
}

/**
 * How a board slices the ledger: by the ISO week or the month of each entry's local date, by
 * season, or not at all.
 */
export type PointsPeriod = "week" | "month" | "season" | "all";

/** A member's place on a board: `position` orders ties by name, `rank` shares them ("1, 2, 2, 4"). */
export interface BoardRow {
  readonly rank: number;
  readonly position: number;
  readonly userRef: string;
  readonly displayName: string;
  readonly points: number;
}

export interface QualityStanding {
  readonly rank: number;
  readonly userRef: string;
  /** Null for someone who is no longer a member. */
  readonly displayName: string | null;
  readonly score: number;
  readonly answers: number;
}

export interface LeaderboardLimits {
  readonly top: number;
  readonly qualityTop: number;
  readonly qualityPriorAnswers: number;
}

export interface LeaderboardRead {
  readonly cohort: Cohort;
  readonly board: readonly BoardRow[];
  readonly quality: readonly QualityStanding[];
}

/** Where a page of the ledger ends: its entries come in (local date, id) order. */
export interface LedgerPosition {
  readonly localDate: string;
  readonly id: number;
}

export interface PointsRepository {
  award(entry: LedgerEntry, now: Date): Promise<boolean>;
  /** Several awards in one statement; returns which of them were new. */
  awardMany(entries: readonly LedgerEntry[], now: Date): Promise<readonly boolean[]>;
  /** Appends a reversing entry for (kind, source) if it exists and is not yet reversed. */
  reverse(kind: string, source: string, now: Date): Promise<boolean>;
  /** reverse() for many sources of one kind, a few statements in all; returns how many were reversed. */
  reverseMany(kind: string, sources: readonly string[], now: Date): Promise<number>;
  /**
   * The cohort at `address` with one of its boards and its quality ranking, in one
   * statement (undefined when no cohort is there). The board ranks current members with
   * non-zero points in the period's bucket that points awarded at `at` go to: the first
   * `top` positions and, when the viewer is below them, the viewer and neighbours. The
   * quality ranking orders members by mean corrected score per answer, shrunk toward the
   * cohort's mean by `qualityPriorAnswers` answers' worth, and keeps the first `qualityTop`.
   */
  leaderboard(address: CohortAddress, period: PointsPeriod, at: Date, viewerRef: string, limits: LeaderboardLimits): Promise<LeaderboardRead | undefined>;
  /** A member's points this season and all time, in one statement. */
  totalsFor(cohortId: number, userRef: string, season: number): Promise<{ readonly season: number; readonly all: number }>;
  entriesFor(cohortId: number, userRef: string): Promise<readonly (LedgerEntry & { createdAt: Date })[]>;
  all(cohortId: number): Promise<readonly (LedgerEntry & { createdAt: Date })[]>;
  /** The cohort's ledger in (date, id) order after `after`, at most `limit` entries: one read a page of the export. */
  ledgerPage(cohortId: number, after: LedgerPosition | undefined, limit: number): Promise<readonly (LedgerEntry & LedgerPosition)[]>;
  deleteForUser(userRef: string): Promise<number>;
}

export interface DrillCardState {
  readonly questionId: string;
  readonly card: unknown;
  readonly dueAt: Date;
}

export interface DrillAttempt {
  readonly id: number;
  readonly userRef: string;
  readonly questionId: string;
  readonly body: string | null;
  readonly followUpBody: string | null;
  readonly ratings: Readonly<Record<string, number>> | null;
  readonly createdAt: Date;
  readonly ratedAt: Date | null;
}

export interface DrillRepository {
  cards(userRef: string): Promise<readonly DrillCardState[]>;
  saveCard(userRef: string, state: DrillCardState, now: Date): Promise<void>;
  /** With a request key, a second start with the same key returns the first attempt instead of a new one. */
  startAttempt(userRef: string, questionId: string, now: Date, requestKey?: string): Promise<DrillAttempt>;
  /** Every attempt of the user, oldest first. */
  attempts(userRef: string): Promise<readonly DrillAttempt[]>;
  getAttempt(id: number): Promise<DrillAttempt | undefined>;
  saveAnswer(id: number, body: string): Promise<void>;
  saveFollowUpAnswer(id: number, body: string): Promise<void>;
  /** True only for the first rating of an attempt. */
  rate(id: number, ratings: Readonly<Record<string, number>>, now: Date): Promise<boolean>;
  ratedAttempts(userRef: string): Promise<readonly DrillAttempt[]>;
  deleteForUser(userRef: string): Promise<void>;
}

export type AiReviewStatus = "pending" | "running" | "scored" | "failed" | "dropped" | "expired";

/** What an AI review is of: a cohort answer (scored into the bias model) or a solo drill attempt. */
export type AiSubject =
  | { readonly kind: "answer"; readonly answerId: number; readonly promptId: number; readonly cohortId: number }
  | { readonly kind: "drill"; readonly attemptId: number; readonly userRef: string };

/** A queued review this worker claimed, with what asking the model needs, read in the claim's statement. */
export interface ClaimedAiReview {
  readonly id: number;
  readonly subject: AiSubject;
  readonly model: string;
  readonly budget: string;
  /** This claim's attempt number: writes back are refused once another attempt took the row. */
  readonly attempt: number;
  readonly questionId: string;
  readonly answerText: string;
  readonly followUp: { readonly prompt: string; readonly answerText: string } | undefined;
}

export interface StoredAiReview {
  readonly model: string;
  readonly status: AiReviewStatus;
  readonly scores: readonly AiCriterionScore[];
}

/** How far peers have calibrated the AI in a cohort: the fitted bias (mean over criteria) and the peer grades behind it. */
export interface AiCalibration {
  /** Peer grades on answers the AI also scored, on closed prompts. */
  readonly peerGrades: number;
  /** The fitted bias averaged over criteria, weighted by the AI's grades on each; undefined before any close fitted the AI. */
  readonly bias: number | undefined;
}

export interface AiReviewRepository {
  /** Queues one review per active answer of the prompt (one statement; a second call adds nothing). */
  enqueuePrompt(promptId: number, cohortId: number, model: string, now: Date): Promise<number>;
  /** Queues one review of a drill attempt; false when it was already queued. */
  enqueueDrill(attemptId: number, userRef: string, model: string, now: Date): Promise<boolean>;
  /** Claims up to `limit` due reviews (pending, or running with a lapsed lease) of `model`. */
  claim(model: string, now: Date, leaseMs: number, limit: number): Promise<readonly ClaimedAiReview[]>;
  /** Counts one call against the budget's day unless `cap` calls were already made; false when the cap is reached. */
  reserveCall(budget: string, day: string, cap: number): Promise<boolean>;
  /** Gives back a reserved call that the model never received (the client's own rate limit). */
  refundCall(budget: string, day: string): Promise<void>;
  /** Stores the scores unless the row moved on (the prompt closed, another attempt took it); false then. */
  saveScores(id: number, attempt: number, scores: readonly AiCriterionScore[], now: Date): Promise<boolean>;
  /** Puts a claimed review back in the queue, due at `nextAttemptAt`. */
  retryLater(id: number, attempt: number, nextAttemptAt: Date, failure: string, countAttempt: boolean): Promise<void>;
  /** Gives up on a claimed review. */
  giveUp(id: number, attempt: number, status: "failed" | "dropped", failure: string): Promise<void>;
  /** At close: whatever is not scored yet never will be for this prompt (one statement). */
  expirePrompt(promptId: number): Promise<void>;
  /** The prompt's AI reviews, by answer. */
  forPrompt(promptId: number): Promise<ReadonlyMap<number, StoredAiReview>>;
  forAnswer(answerId: number): Promise<StoredAiReview | undefined>;
  forDrill(attemptId: number): Promise<StoredAiReview | undefined>;
  calibration(cohortId: number, model: string): Promise<AiCalibration>;
  /** True for the first caller of the day per budget and kind, so admins hear about a problem once a day. */
  alertOnce(budget: string, day: string, kind: "cap" | "failure", now: Date): Promise<boolean>;
}

export interface Repositories {
  readonly questions: QuestionRepository;
  readonly cohorts: CohortRepository;
  readonly members: MemberRepository;
  readonly prompts: PromptRepository;
  readonly answers: AnswerRepository;
  readonly followUps: FollowUpRepository;
  readonly reviews: ReviewRepository;
  readonly points: PointsRepository;
  readonly drills: DrillRepository;
  readonly aiReviews: AiReviewRepository;
}
