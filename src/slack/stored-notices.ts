/**
 * What a member reads when the engine kept their change but Slack would not show it.
 * A score or comment rewrites the whole review card from what is stored, so the next
 * one repairs a card left behind.
 */
export const storedNotices = {
  score: "Your score was saved, but Slack would not refresh this card, so it may show an older state; your next score or comment on it refreshes the whole card.",
  comment: "Your comment was saved, but Slack would not refresh the review card, so it may show an older state; your next score or comment on it refreshes the whole card.",
  submit: "Your review was submitted and is now locked, but Slack would not refresh this card, so it may still show its buttons.",
  answer: "Your answer was saved, but Slack would not show its receipt; there is no need to send it again.",
  followUp: "Your follow-up answer was saved, but Slack would not show its receipt; there is no need to send it again.",
  drillAnswer: "Your drill answer was saved, but Slack would not show all of its feedback and the self-rating step. Run /drill for another question.",
  drillFollowUp: "Your follow-up answer was saved, but Slack would not show the self-rating step. Run /drill for another question.",
  drillRating: "Your self-rating was saved, but Slack would not update this message; there is no need to save it again.",
  forgetMe: "Your data was deleted, but Slack would not update this message.",
  share: "The leaderboard was shared to the channel, but Slack would not update this message.",
} as const;
