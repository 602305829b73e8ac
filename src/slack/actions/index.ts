import { answerPrivately } from "./answer-privately.ts";
import { drillAnswer } from "./drill-answer.ts";
import { drillFollowUpAnswer, drillFollowUpSkip } from "./drill-follow-up.ts";
import { drillRate } from "./drill-rate.ts";
import { drillSave } from "./drill-save.ts";
import { followUpAnswer } from "./follow-up-answer.ts";
import { forgetCancel, forgetConfirm } from "./forget-me.ts";
import { leaderboardShare } from "./leaderboard-share.ts";
import { reviewComment } from "./review-comment.ts";
import { reviewScore } from "./review-score.ts";
import { reviewSubmit } from "./review-submit.ts";
import type { ActionHandler } from "./types.ts";

/** Every button the app renders. */
export const actionHandlers: readonly ActionHandler[] = [answerPrivately, reviewScore, reviewSubmit, reviewComment, drillAnswer, drillRate, drillSave, followUpAnswer, drillFollowUpAnswer, drillFollowUpSkip, leaderboardShare, forgetConfirm, forgetCancel];
