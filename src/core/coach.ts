import { deliverDrillReview } from "./ai/drill-review.ts";
import { drainAiQueue } from "./ai/review-queue.ts";
import { findPrompt, promptsTakingAnswers } from "./answers/submit-answer.ts";
import {
  addAdmin,
  changeSchedule,
  removeAdmin,
  setPaused,
  setAiReviewer,
  setReminders,
  setupCohort,
  skipDate,
  startSeason,
  requireCohort,
  type CohortDefaults,
} from "./cohorts/manage-cohort.ts";
import { parseScheduleArgs, type ScheduleArgs } from "./cohorts/parse-settings.ts";
import type { Actor, CohortAddress } from "./cohorts/types.ts";
import type { CoachDeps } from "./deps.ts";
import { drillCriteria, rateDrill, startDrill } from "./drills/drill.ts";
import { answerFollowUp, showFollowUp } from "./follow-ups/answer-follow-up.ts";
import { answerDrillFollowUp, answerDrillWithFollowUp, drillRatingStep } from "./follow-ups/drill-follow-up.ts";
import { answerWithFollowUp, withdrawWithFollowUp } from "./follow-ups/offer-follow-up.ts";
import { exportCohort } from "./members/export.ts";
import { forgetMe, myStats, setReviewOptIn, setShowInResults } from "./members/member-ops.ts";
import { leaderboard, type LeaderboardPeriod } from "./points/leaderboard.ts";
import { closeNow, openReviewsNow, postNow } from "./prompts/admin-steps.ts";
import { commentReview, nextReview, scoreCriterion, showReview, submitReview } from "./reviews/score-review.ts";
import { answerToday, attemptView, dueDrills, practiceHistory, todaysQuestion } from "./practice/practice.ts";
import { cohortLink, cohortPage, rotateCohortLink } from "./cohorts/pages.ts";
import { runTick } from "./schedule/run-tick.ts";
import { myFeedback } from "./scores/feedback.ts";

/**
 * The engine's whole surface, as both adapters see it. Every rule lives in the
 * functions this delegates to, so Slack and Discord cannot drift apart.
 */
export class Coach {
  constructor(
    private readonly deps: CoachDeps,
    private readonly defaults: CohortDefaults,
    /** Where cohort page links point (PUBLIC_URL), without a trailing slash. */
    private readonly publicUrl = "http://127.0.0.1:3000",
  ) {}

  tick = () => runTick(this.deps);
  /** The AI reviewer's queue, on its own timer so the daily loop never waits on the model. */
  aiTick = () => drainAiQueue(this.deps, (review) => deliverDrillReview(this.deps, review));
  /** The model's name when the bot has an AI reviewer configured. */
  aiModel = () => this.deps.ai?.reviewer.model;
  tracks = () => this.deps.repos.questions.activeTracks();
  cohort = (address: CohortAddress) => this.deps.repos.cohorts.find(address);
  requireCohort = (address: CohortAddress) => requireCohort(this.deps, address);

  parseSchedule = (tokens: readonly string[], currentTrack?: string): ScheduleArgs => parseScheduleArgs(tokens, currentTrack);
  setup = (address: CohortAddress, actor: Actor, args: ScheduleArgs) => setupCohort(this.deps, address, actor, args, this.defaults);
  schedule = (address: CohortAddress, actor: Actor, args: ScheduleArgs) => changeSchedule(this.deps, address, actor, args, this.defaults);
  pause = (address: CohortAddress, actor: Actor) => setPaused(this.deps, address, actor, true);
  resume = (address: CohortAddress, actor: Actor) => setPaused(this.deps, address, actor, false);
  reminders = (address: CohortAddress, actor: Actor, enabled: boolean) => setReminders(this.deps, address, actor, enabled);
  ai = (address: CohortAddress, actor: Actor, enabled: boolean) => setAiReviewer(this.deps, address, actor, enabled);
  skip = (address: CohortAddress, actor: Actor, date: string) => skipDate(this.deps, address, actor, date);
  addAdmin = (address: CohortAddress, actor: Actor, userRef: string) => addAdmin(this.deps, address, actor, userRef);
  removeAdmin = (address: CohortAddress, actor: Actor, userRef: string) => removeAdmin(this.deps, address, actor, userRef);
  newSeason = (address: CohortAddress, actor: Actor) => startSeason(this.deps, address, actor);
  postNow = (address: CohortAddress, actor: Actor) => postNow(this.deps, address, actor);
  openReviews = (address: CohortAddress, actor: Actor) => openReviewsNow(this.deps, address, actor);
  closeNow = (address: CohortAddress, actor: Actor) => closeNow(this.deps, address, actor);
  export = (address: CohortAddress, actor: Actor) => exportCohort(this.deps, address, actor);

  findPrompt = (ref: string) => findPrompt(this.deps, ref);
  answer = (input: Parameters<typeof answerWithFollowUp>[1]) => answerWithFollowUp(this.deps, input);
  withdraw = (input: Parameters<typeof withdrawWithFollowUp>[1]) => withdrawWithFollowUp(this.deps, input);
  followUp = (answerId: number, userRef: string) => showFollowUp(this.deps, answerId, userRef);
  answerFollowUp = (input: Parameters<typeof answerFollowUp>[1]) => answerFollowUp(this.deps, input);
  promptsTakingAnswers = () => promptsTakingAnswers(this.deps);
  feedback = (promptId: number, userRef: string) => myFeedback(this.deps, promptId, userRef);

  showReview = (assignmentId: number, reviewerRef: string) => showReview(this.deps, assignmentId, reviewerRef);
  nextReview = (promptId: number, reviewerRef: string) => nextReview(this.deps, promptId, reviewerRef);
  score = (input: Parameters<typeof scoreCriterion>[1]) => scoreCriterion(this.deps, input);
  comment = (input: Parameters<typeof commentReview>[1]) => commentReview(this.deps, input);
  submitReview = (input: Parameters<typeof submitReview>[1]) => submitReview(this.deps, input);

  leaderboard = (address: CohortAddress, viewerRef: string, period: LeaderboardPeriod) => leaderboard(this.deps, address, viewerRef, period);
  me = (address: CohortAddress, actor: Actor) => myStats(this.deps, address, actor);
  reviewOptIn = (address: CohortAddress, actor: Actor, optIn: boolean) => setReviewOptIn(this.deps, address, actor, optIn);
  showInResults = (address: CohortAddress, actor: Actor, show: boolean) => setShowInResults(this.deps, address, actor, show);
  cohortLink = (address: CohortAddress, actor: Pick<Actor, "userRef">) => cohortLink(this.deps, this.publicUrl, address, actor);
  rotateCohortLink = (address: CohortAddress, actor: Actor) => rotateCohortLink(this.deps, this.publicUrl, address, actor);
  cohortPage = (token: string, viewer: string | undefined, period: LeaderboardPeriod) => cohortPage(this.deps, { token, viewer, period });
  forgetMe = (actor: Pick<Actor, "userRef">) => forgetMe(this.deps, actor);

  drill = (input: Parameters<typeof startDrill>[1]) => startDrill(this.deps, input);
  answerDrill = (input: Parameters<typeof answerDrillWithFollowUp>[1]) => answerDrillWithFollowUp(this.deps, input);
  answerDrillFollowUp = (input: Parameters<typeof answerDrillFollowUp>[1]) => answerDrillFollowUp(this.deps, input);
  drillRatingStep = (attemptId: number, userRef: string) => drillRatingStep(this.deps, attemptId, userRef);
  rateDrill = (input: Parameters<typeof rateDrill>[1]) => rateDrill(this.deps, input);
  drillCriteria = (attemptId: number, userRef: string) => drillCriteria(this.deps, attemptId, userRef);

  // Solo practice (the web practice room): the practitioner's day follows the default time zone.
  todaysQuestion = (userRef: string, trackId: string | undefined) => todaysQuestion(this.deps, { userRef, trackId, timeZone: this.defaults.timeZone });
  answerToday = (userRef: string, trackId: string | undefined, text: string) => answerToday(this.deps, { userRef, trackId, text, timeZone: this.defaults.timeZone });
  attempt = (attemptId: number, userRef: string) => attemptView(this.deps, attemptId, userRef);
  dueDrills = (userRef: string) => dueDrills(this.deps, { userRef, timeZone: this.defaults.timeZone });
  practiceHistory = (userRef: string) => practiceHistory(this.deps, { userRef, timeZone: this.defaults.timeZone });
}
