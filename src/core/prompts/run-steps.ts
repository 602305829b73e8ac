import { enqueuePromptReviews } from "../ai/review-queue.ts";
import { assignReviewers } from "../reviews/assign-reviewers.ts";
import { nextPostAt } from "../cohorts/schedule.ts";
import type { Cohort, CohortAddress } from "../cohorts/types.ts";
import type { CoachDeps } from "../deps.ts";
import type { CoachMessage, Destination, Messenger, PostedMessage } from "../messages.ts";
import type { DoneStep } from "../ports.ts";
import type { Question } from "../questions/types.ts";
import { closePrompt } from "../scores/close-prompt.ts";
import { reviewCardWithPeers } from "../reviews/review-card.ts";
import { StepLeases, StepTakenOver } from "./step-lease.ts";
import type { Prompt, PromptStep } from "./types.ts";

/** Review requests whose cards are read in one statement when reviews open. */
const REVIEW_CARD_PAGE = 250;

/** How long a claimed step is protected; a worker that died mid-step is retried after it. */
export const STEP_LEASE_MS = 2 * 60_000;

const address = (cohort: Cohort): CohortAddress => ({ platform: cohort.platform, workspaceId: cohort.workspaceId, channelId: cohort.channelId });

export function threadOf(cohort: Cohort, prompt: Prompt): Destination {
  return { kind: "thread", cohort: address(cohort), messageRef: prompt.messageRef ?? "", threadRef: prompt.threadRef };
}

/** Sends to one member; a closed DM must not stop the others from getting theirs (a step taken over stops them all). */
async function sendToUser(deps: CoachDeps, cohort: Cohort, userRef: string, message: CoachMessage, key: string): Promise<void> {
  try {
    await deps.messenger.send({ kind: "user", cohort: address(cohort), userRef }, message, key);
  } catch (error) {
    if (error instanceof StepTakenOver) throw error;
    deps.log.warn({ err: error, userRef, kind: message.kind, cohortId: cohort.id }, "could not message a member privately");
  }
}

/** The instants at which each step falls due; reminders are left out when turned off. */
export function stepTimeline(cohort: Cohort, prompt: Prompt): { step: PromptStep; at: Date }[] {
  const hour = 3_600_000;
  const timeline: { step: PromptStep; at: Date }[] = [{ step: "post", at: prompt.postAt }];
  if (cohort.remindersEnabled) timeline.push({ step: "answer-reminder", at: new Date(prompt.answersCloseAt.getTime() - hour) });
  timeline.push({ step: "open-reviews", at: prompt.answersCloseAt });
  if (cohort.remindersEnabled) timeline.push({ step: "reviewer-reminder", at: new Date(prompt.reviewsCloseAt.getTime() - 2 * hour) });
  timeline.push({ step: "close", at: prompt.reviewsCloseAt });
  return timeline;
}

/**
 * Claims, runs and records one step. Returns false when another worker holds or
 * finished it, which is how two ticks or two replicas never repeat a step.
 */
export async function runStep(deps: CoachDeps, cohort: Cohort, prompt: Prompt, step: PromptStep): Promise<boolean> {
  const claimedAt = deps.clock.now();
  const claim = await deps.repos.prompts.claimStep(prompt.id, step, claimedAt, STEP_LEASE_MS);
  if (!claim) return false;
  const lease = new StepLeases(deps.repos.prompts, deps.clock, claimedAt, STEP_LEASE_MS, [{ promptId: prompt.id, step }]);
  return runClaimedStep(deps, cohort, prompt, step, claim, lease.fence(prompt.id));
}

/** What a batch of steps shares (the tick runs hundreds at once): reads made in bulk, and where to record each step. */
export interface StepBatch {
  /** The posts' questions, read in one statement. */
  readonly questions?: ReadonlyMap<string, Question>;
  /** Records a finished step; the tick gathers these into few statements. Defaults to one write per step. */
  readonly record?: (done: DoneStep) => Promise<void>;
}

/**
 * Runs and records a step this worker has already claimed (the tick claims in bulk);
 * `fence` confirms the claim before each post. Returns false, having recorded nothing,
 * when another worker retook the step before one of its posts went out: that worker
 * posts and records it.
 */
export async function runClaimedStep(
  deps: CoachDeps,
  cohort: Cohort,
  prompt: Prompt,
  step: PromptStep,
  claim: "fresh" | "retaken",
  fence: () => Promise<void>,
  batch: StepBatch = {},
): Promise<boolean> {
  // Only a retaken step can have posted already; a fresh one tells the messenger not to search for an earlier copy.
  const messenger: Messenger = { send: (to, message, key) => deps.messenger.send(to, message, key, { mayHavePosted: claim === "retaken", fence }) };
  let posted: PostedMessage | void;
  try {
    posted = await stepHandlers[step]({ ...deps, messenger }, cohort, prompt, batch);
  } catch (error) {
    if (!(error instanceof StepTakenOver)) throw error;
    deps.log.warn({ promptId: prompt.id, step, cohortId: cohort.id }, "step retaken by another worker while its post waited; left to that worker");
    return false;
  }
  const done: DoneStep = { promptId: prompt.id, step, ...(posted ? { posted } : {}) };
  await (batch.record ? batch.record(done) : deps.repos.prompts.recordDone([done], deps.clock.now()));
  return true;
}

/** A post step returns where it posted, stored with the step's completion. */
type StepHandler = (deps: CoachDeps, cohort: Cohort, prompt: Prompt, batch: StepBatch) => Promise<PostedMessage | void>;

const stepHandlers: Record<PromptStep, StepHandler> = {
  async post(deps, cohort, prompt, batch) {
    const question = batch.questions?.get(prompt.questionId) ?? (await deps.repos.questions.get(prompt.questionId));
    if (!question) throw new Error(`question ${prompt.questionId} of prompt ${prompt.id} is missing`);
    return deps.messenger.send(
      { kind: "channel", cohort: address(cohort) },
      {
        kind: "prompt",
        promptId: prompt.id,
        question,
        round: question.category.round,
        answersCloseAt: prompt.answersCloseAt,
        timeZone: cohort.timeZone,
        ...(deps.ai && cohort.aiEnabled ? { aiReviewer: deps.ai.reviewer.model } : {}),
      },
      `prompt:${prompt.id}:post`,
    );
  },

  async "answer-reminder"(deps, cohort, prompt) {
    const answers = await deps.repos.answers.active(prompt.id);
    await deps.messenger.send(
      threadOf(cohort, prompt),
      { kind: "answer-reminder", promptId: prompt.id, answersCloseAt: prompt.answersCloseAt, timeZone: cohort.timeZone, answerCount: answers.length },
      `prompt:${prompt.id}:answer-reminder`,
    );
  },

  async "open-reviews"(deps, cohort, prompt) {
    // Before the peer round, and even without one: a cohort of one still gets the AI's view.
    await enqueuePromptReviews(deps, cohort, prompt.id);
    const answers = await deps.repos.answers.active(prompt.id);
    if (answers.length < 2) {
      await deps.messenger.send(threadOf(cohort, prompt), { kind: "no-reviews", promptId: prompt.id, answerCount: answers.length }, `prompt:${prompt.id}:open-reviews`);
      return;
    }
    const [members, previousPairs] = await Promise.all([deps.repos.members.list(cohort.id), deps.repos.reviews.pairsBefore(cohort.id, prompt.localDate)]);
    const pairs = assignReviewers({
      answers: answers.map((a) => ({ id: a.id, authorRef: a.userRef })),
      optedIn: members.filter((m) => m.reviewOptIn).map((m) => m.userRef),
      k: cohort.reviewersPerAnswer,
      previousPairs,
      seed: `prompt:${prompt.id}`,
    });
    await deps.repos.reviews.assign(prompt.id, pairs, deps.clock.now());
    await deps.messenger.send(
      threadOf(cohort, prompt),
      {
        kind: "reviews-open",
        promptId: prompt.id,
        answerCount: answers.length,
        reviewerCount: new Set(pairs.map((p) => p.reviewerRef)).size,
        reviewsCloseAt: prompt.reviewsCloseAt,
        timeZone: cohort.timeZone,
      },
      `prompt:${prompt.id}:open-reviews`,
    );
    // The cards are read a page at a time, not one statement per card (a 2,000-member cohort
    // has 6,000), nor all at once: on PGlite reading all 6,000 held the event loop ~45 ms.
    for (let after = 0; ; ) {
      const page = await deps.repos.reviews.promptContexts(prompt.id, after, REVIEW_CARD_PAGE);
      for (const context of page) {
        const card = await reviewCardWithPeers(deps, context);
        const { id, reviewerRef } = context.assignment;
        if (card) await sendToUser(deps, cohort, reviewerRef, { kind: "review-request", card }, `review:${id}:request`);
      }
      if (page.length < REVIEW_CARD_PAGE) break;
      after = page.at(-1)!.assignment.id;
    }
  },

  async "reviewer-reminder"(deps, cohort, prompt) {
    const pending = new Map<string, number>();
    for (const a of await deps.repos.reviews.forPrompt(prompt.id)) {
      if (a.submittedAt === null) pending.set(a.reviewerRef, (pending.get(a.reviewerRef) ?? 0) + 1);
    }
    for (const [reviewerRef, count] of pending) {
      await sendToUser(
        deps,
        cohort,
        reviewerRef,
        { kind: "reviewer-reminder", promptId: prompt.id, pending: count, reviewsCloseAt: prompt.reviewsCloseAt, timeZone: cohort.timeZone },
        `prompt:${prompt.id}:reviewer-reminder:${reviewerRef}`,
      );
    }
  },

  async close(deps, cohort, prompt) {
    const outcome = await closePrompt(deps, cohort, prompt);
    for (const feedback of outcome.feedback) {
      await sendToUser(deps, cohort, feedback.userRef, { kind: "feedback", feedback: feedback.feedback }, `prompt:${prompt.id}:feedback:${feedback.userRef}`);
    }
    const fresh = (await deps.repos.cohorts.get(cohort.id)) ?? cohort;
    await deps.messenger.send(
      threadOf(cohort, prompt),
      { ...outcome.summary, nextPostAt: fresh.paused ? undefined : nextPostAt(fresh, deps.clock.now()), timeZone: cohort.timeZone },
      `prompt:${prompt.id}:close`,
    );
  },
};

