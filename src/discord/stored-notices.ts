/**
 * What a member reads when the engine kept their change but Discord would not show it.
 * A score or comment rewrites the whole review card from what is stored, so the next
 * one repairs a card left behind.
 */
export const storedNotices = {
  score: "Your score was saved, but Discord would not refresh this card, so it may show an older state; your next score or comment on it refreshes the whole card.",
  comment: "Your comment was saved, but Discord would not refresh the review card, so it may show an older state; your next score or comment on it refreshes the whole card.",
  submit: "Your review was submitted and is now locked, but Discord would not show what comes next; press Review in the question's thread for your next review.",
  answer: "Your answer was saved, but Discord would not show its receipt; there is no need to send it again.",
  followUp: "Your follow-up answer was saved, but Discord would not show its receipt; there is no need to send it again.",
  drillAnswer: "Your drill answer was saved, but Discord would not show its feedback and the self-rating step. Run /drill for another question.",
  drillFollowUp: "Your follow-up answer was saved, but Discord would not show the self-rating step. Run /drill for another question.",
  drillRating: "Your self-rating was saved, but Discord would not update this message; there is no need to save it again.",
  forgetMe: "Your data was deleted, but Discord would not update this message.",
  linkRotate: "Every earlier link to this cohort's page now stops working, but Discord would not show your new one; /coach link show shows it.",
  command: "Done, but Discord would not show the confirmation; there is no need to run the command again.",
} as const;
