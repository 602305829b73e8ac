import { aiAlertText, aiFeedbackText, drillComparisonLines, type AuthorFeedback, type CoachMessage, type ReviewCard } from "../../core/messages.ts";
import { actions, button, context, difficultyLabel, divider, escape, header, localTime, plural, section, sections, type Block, type Reply } from "./text.ts";
import { ActionIds } from "../ids.ts";
import { reviewFollowUpBlocks } from "./follow-ups.ts";

/** The engine's neutral messages as Block Kit; every field the engine sends is shown. */
export function renderMessage(message: CoachMessage): Reply {
  switch (message.kind) {
    case "prompt": {
      const q = message.question;
      const closes = localTime(message.answersCloseAt, message.timeZone);
      return {
        text: `Today's question (${q.company}, ${q.role}): ${q.prompt}`,
        blocks: [
          header(`Today's question: ${q.company}`),
          {
            type: "section",
            fields: [
              { type: "mrkdwn", text: `*Company*\n${escape(q.company)}` },
              { type: "mrkdwn", text: `*Role*\n${escape(q.role)}` },
              { type: "mrkdwn", text: `*Round*\n${escape(message.round)}` },
              { type: "mrkdwn", text: `*Difficulty*\n${difficultyLabel(q.difficulty, q.level)}` },
              { type: "mrkdwn", text: `*Time box*\n${q.minutes} minutes` },
            ],
          },
          section(`*${escape(q.prompt)}*`),
          ...(q.hint ? [context(`Hint: ${escape(q.hint)}`)] : []),
          ...(message.aiReviewer ? [context(`:robot_face: AI reviewer on (${escape(message.aiReviewer)}): it scores every answer too, kept apart from your peers' scores and calibrated by them.`)] : []),
          context(`:speech_balloon: *Reply in this thread* with your answer by ${closes}. Edit it as often as you like until then. Rather not answer in public? Use *Answer privately*: only your reviewers see it, without your name.`),
          actions("answer", [button(ActionIds.answerPrivately, "Answer privately", String(message.promptId))]),
        ],
      };
    }
    case "answer-reminder":
      return plainBlocks(
        `:hourglass_flowing_sand: One hour left: answers close at ${localTime(message.answersCloseAt, message.timeZone)}. ${message.answerCount} ${plural(message.answerCount, "answer")} so far; reply in this thread to add yours.`,
      );
    case "reviews-open":
      return plainBlocks(
        `:mag: Answers are closed: ${message.answerCount} ${plural(message.answerCount, "answer")}, ${message.reviewerCount} ${plural(message.reviewerCount, "reviewer")}. Reviewers, check your DMs; reviews close ${localTime(message.reviewsCloseAt, message.timeZone)}.`,
      );
    case "no-reviews":
      return plainBlocks(
        `Answers are closed with ${message.answerCount} ${plural(message.answerCount, "answer")}; peer review needs at least two, so there is no review round today.`,
      );
    case "review-request":
      return renderReviewCard(message.card);
    case "reviewer-reminder":
      return plainBlocks(
        `:bell: You have ${message.pending} ${plural(message.pending, "review")} left; reviews close ${localTime(message.reviewsCloseAt, message.timeZone)}.`,
      );
    case "results": {
      const lines = message.top.map((t) => `${t.rank}. ${t.userRef ? `<@${t.userRef.split(":").at(-1)}>` : (t.displayName ?? "A member who prefers not to be named")}: ${t.score.toFixed(2)}`);
      const next = message.nextPostAt ? `Next question ${localTime(message.nextPostAt, message.timeZone)}.` : "No question scheduled yet.";
      return {
        text: `Results: ${message.answerCount} answers, ${message.reviewsSubmitted}/${message.reviewsAssigned} reviews.`,
        blocks: [
          section(`:trophy: *Results*: ${message.answerCount} of ${message.memberCount} members answered; ${message.reviewsSubmitted} of ${message.reviewsAssigned} reviews submitted.`),
          ...(lines.length > 0 ? [section(`*Top answers*\n${lines.join("\n")}`)] : [section("No answer had enough reviews to rank.")]),
          context(`Everyone who answered has private feedback in their DMs. ${next}`),
        ],
      };
    }
    case "feedback":
      return renderFeedback(message.feedback);
    case "ai-alert":
      return plainBlocks(`:robot_face: ${aiAlertText(message)}`);
    case "drill-ai-review": {
      const lines = drillComparisonLines(message.comparison);
      return {
        text: `The AI reviewer's view of your drill answer (${message.company})`,
        blocks: [
          section(`:robot_face: *The AI reviewer (${escape(message.comparison.model)}) on your drill answer*\n${escape(message.questionPrompt)}`),
          section(lines.map((l) => `• ${escape(l)}`).join("\n")),
          context("Its uncorrected view next to your self-rating: no peers calibrate drills. It changes nothing in your schedule or points."),
        ],
      };
    }
  }
}

const plainBlocks = (text: string): Reply => ({ text, blocks: [section(text)] });

const scoreValue = (assignmentId: number, criterionId: string, score: number) => `${assignmentId}:${criterionId}:${score}`;

/** A reviewer's DM: the blind answer, one row of 1-5 per criterion, comment and submit. */
export function renderReviewCard(card: ReviewCard): Reply {
  const closes = localTime(card.reviewsCloseAt, card.timeZone);
  const blocks: Block[] = [
    header(`Review: ${card.company}`),
    section(`*Question*\n${escape(card.questionPrompt)}`),
    section("*Answer* (author hidden)"),
    ...sections(escape(card.answerText).replace(/^/gm, "> ")),
    ...reviewFollowUpBlocks(card),
    divider,
  ];
  for (const criterion of card.criteria) {
    const yours = criterion.chosen === undefined ? "not scored yet" : `your score: *${criterion.chosen}*`;
    const chosen = criterion.peers ? `${yours}; other reviewers: *${criterion.peers.mean.toFixed(1)}* from ${criterion.peers.count}` : yours;
    blocks.push(
      section(`*${escape(criterion.label)}* (${chosen})\n1: ${escape(criterion.levels[1])}\n3: ${escape(criterion.levels[3])}\n5: ${escape(criterion.levels[5])}`),
    );
    if (!card.submitted) {
      blocks.push(
        actions(
          `crit:${criterion.id}`,
          [1, 2, 3, 4, 5].map((n) =>
            button(`${ActionIds.reviewScore}:${criterion.id}:${n}`, String(n), scoreValue(card.assignmentId, criterion.id, n), criterion.chosen === n ? "primary" : undefined),
          ),
        ),
      );
    }
  }
  if (card.comment) blocks.push(section(`*Your comment*\n${escape(card.comment)}`));
  if (card.submitted) {
    blocks.push(context(":lock: Submitted. Thank you; this review is locked."));
  } else {
    blocks.push(
      actions("review-controls", [
        button(ActionIds.reviewSubmit, "Submit review", String(card.assignmentId), "primary"),
        button(ActionIds.reviewComment, card.comment ? "Edit comment" : "Add comment", String(card.assignmentId)),
      ]),
      context(`Reviews close ${closes}.`),
    );
  }
  return { text: card.submitted ? `Review submitted: ${card.company}` : `Please review an answer to: ${card.questionPrompt}`, blocks };
}

export function renderFeedback(feedback: AuthorFeedback): Reply {
  const rows = feedback.criteria.map((c) => `• *${escape(c.label)}*: ${c.score.toFixed(1)} ± ${c.uncertainty.toFixed(1)} (${c.reviews} ${plural(c.reviews, "review")})`);
  return {
    text: `Your feedback for ${feedback.company}`,
    blocks: [
      header(`Your feedback: ${feedback.company}`),
      section(`*Question*\n${escape(feedback.questionPrompt)}`),
      section(rows.length > 0 ? rows.join("\n") : "No reviews came in for your answer this time."),
      ...(feedback.comments.length > 0 ? [section(`*Comments*\n${feedback.comments.map((c) => `> ${escape(c)}`).join("\n")}`)] : []),
      ...(feedback.ai ? aiBlocks(feedback.ai) : []),
      ...(feedback.outline.length > 0 ? [section(`*A strong answer covers*\n${feedback.outline.map((o) => `• ${escape(o)}`).join("\n")}`)] : []),
    ],
  };
}

function aiBlocks(ai: NonNullable<AuthorFeedback["ai"]>): Block[] {
  const text = aiFeedbackText(ai);
  return [divider, section(`:robot_face: *${escape(text.title)}*\n${text.lines.map((l) => `• ${escape(l)}`).join("\n")}`), context(escape(text.note))];
}
