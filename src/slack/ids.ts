/** Action and view ids: data shared by the block builders and the handler registry. */
export const ActionIds = {
  answerPrivately: "answer_privately",
  reviewScore: "review_score",
  reviewSubmit: "review_submit",
  reviewComment: "review_comment",
  drillAnswer: "drill_answer",
  drillRate: "drill_rate",
  drillSave: "drill_save",
  followUpAnswer: "follow_up_answer",
  drillFollowUpAnswer: "drill_follow_up_answer",
  drillFollowUpSkip: "drill_follow_up_skip",
  leaderboardShare: "leaderboard_share",
  forgetConfirm: "forget_confirm",
  forgetCancel: "forget_cancel",
} as const;

export const ViewIds = {
  answer: "answer_modal",
  reviewComment: "review_comment_modal",
  drillAnswer: "drill_answer_modal",
  followUp: "follow_up_modal",
  drillFollowUp: "drill_follow_up_modal",
} as const;
