import type { DrillCard, DrillFeedback } from "../../core/drills/drill.ts";
import type { MyStats } from "../../core/members/member-ops.ts";
import { checkVerdict, quote } from "../../core/answers/check-answer.ts";
import type { AnswerCheck } from "../../core/messages.ts";
import type { Leaderboard } from "../../core/points/leaderboard.ts";
import type { Criterion, Track } from "../../core/questions/types.ts";
import { ActionIds } from "../ids.ts";
import { actions, button, context, difficultyLabel, escape, header, plural, section, type Block, type Reply } from "./text.ts";

export function renderCheck(check: AnswerCheck, intro: string): Block[] {
  const verdict = checkVerdict(check);
  if (verdict) return [section(intro), section(`:grey_question: ${escape(verdict)}`)];
  const shown = check.shown.map((s) => `:white_check_mark: ${escape(s.criterionLabel)}: ${escape(s.label)}\n>${escape(quote(s.evidence))}`);
  const against = check.against.map((s) => `:warning: ${escape(s.criterionLabel)}: ${escape(s.missing)}\n>${escape(quote(s.evidence))}`);
  const missing = check.missing.map((s) => `:small_orange_diamond: ${escape(s.criterionLabel)}: ${escape(s.missing)}`);
  return [
    section(intro),
    ...(shown.length > 0 ? [section(shown.join("\n"))] : []),
    ...(against.length > 0 ? [section(`*Counts against*\n${against.join("\n")}`)] : []),
    ...(missing.length > 0 ? [section(`*Worth adding*\n${missing.join("\n")}`)] : []),
  ];
}

export function answerReceipt(check: AnswerCheck, created: boolean, streak: number): Reply {
  const intro = created
    ? `:white_check_mark: Answer saved.${streak > 1 ? ` Streak: ${streak} days.` : ""} Quick check (automatic, not a grade):`
    : ":pencil2: Answer updated. Quick check (automatic, not a grade):";
  return { text: created ? "Answer saved." : "Answer updated.", blocks: renderCheck(check, intro) };
}

export function helpReply(subcommands: readonly { readonly name: string; readonly usage: string; readonly summary: string }[]): Reply {
  const lines = subcommands.map((s) => `\`/coach ${s.name}${s.usage ? ` ${s.usage}` : ""}\`: ${s.summary}`);
  lines.push("`/drill [track] [category]`: a private practice question");
  return { text: "Cohort Coach commands", blocks: [section(`*Cohort Coach commands*\n${lines.join("\n")}`)] };
}

export function tracksReply(tracks: readonly Track[]): Reply {
  if (tracks.length === 0) return { text: "No question tracks are loaded.", blocks: [section("No question tracks are loaded.")] };
  const lines = tracks.map((t) => `• \`${t.id}\`: ${escape(t.company)}, ${escape(t.role)} (${t.questions.length} questions; categories: ${t.categories.map((c) => c.id).join(", ")})`);
  return { text: "Question tracks", blocks: [section(`*Question tracks*\n${lines.join("\n")}`)] };
}

export function meReply(stats: MyStats): Reply {
  const weakest = stats.criteria.slice(0, 3).map((c) => `• ${escape(c.label)}: ${c.average.toFixed(1)} over ${c.answers}`);
  return {
    text: `You have ${stats.points.season} points this season.`,
    blocks: [
      section(
        `*Your stats*\nPoints: ${stats.points.season} this season, ${stats.points.all} all time\nAnswers: ${stats.answers} · Reviews done: ${stats.reviewsDone} · Streak: ${stats.streak}\nReviewing on days you do not answer: ${stats.reviewOptIn ? "on" : "off"}`,
      ),
      ...(weakest.length > 0 ? [section(`*Where to focus*\n${weakest.join("\n")}`)] : []),
    ],
  };
}

const mention = (ref: string) => `<@${ref.split(":").at(-1)}>`;

/**
 * Privately, members show as mentions (Slack renders their current name and nobody is
 * notified); in a shared post plain names keep ten people from being pinged at once.
 */
export function leaderboardBlocks(board: Leaderboard, members: "mentions" | "names" = "mentions"): Block[] {
  const who = (r: { userRef: string; displayName: string }) => (members === "mentions" ? mention(r.userRef) : `*${escape(r.displayName)}*`);
  const rows = board.top.map((r) => `${r.rank}. ${who(r)}: ${r.points} pts`);
  const around = board.around.map((r) => `${r.rank}. ${who(r)}: ${r.points} pts`);
  const quality = board.quality.map((r) => `${r.rank}. ${who(r)}: ${r.score.toFixed(2)} (${r.answers} ${plural(r.answers, "answer")})`);
  return [
    section(`*Leaderboard: ${escape(board.label)}*\n${rows.length > 0 ? rows.join("\n") : "No points yet."}${around.length > 0 ? `\n…\n${around.join("\n")}` : ""}`),
    ...(quality.length > 0 ? [section(`*Answer quality*\n${quality.join("\n")}`)] : []),
  ];
}

export function leaderboardReply(board: Leaderboard, pageUrl: string): Reply {
  return {
    text: `Leaderboard: ${board.label}`,
    blocks: [
      ...leaderboardBlocks(board),
      context(board.me ? `You are #${board.me.rank} with ${board.me.points} points.` : "You have no points in this period yet."),
      context(`<${pageUrl}|Charts, participation and question history> on the cohort's page (your private link).`),
      actions("leaderboard", [button(ActionIds.leaderboardShare, "Share to channel", board.period)]),
    ],
  };
}

export function forgetMeConfirm(): Reply {
  return {
    text: "Delete everything Cohort Coach holds about you?",
    blocks: [
      section(":warning: This deletes all your answers, reviews, comments, drills and points in every cohort, and re-scores answers you reviewed. It cannot be undone."),
      actions("forget-me", [button(ActionIds.forgetConfirm, "Yes, delete everything", "confirm", "danger"), button(ActionIds.forgetCancel, "Cancel", "cancel")]),
    ],
  };
}

export function drillQuestion(card: DrillCard): Reply {
  const q = card.question;
  return {
    text: `Drill: ${q.prompt}`,
    blocks: [
      header(`Drill: ${q.company}`),
      context(`${escape(q.role)} · ${escape(q.category.round)} · ${difficultyLabel(q.difficulty, q.level)} · ${q.minutes} minutes · ${escape(card.reason)}`),
      section(`*${escape(q.prompt)}*`),
      actions("drill", [button(ActionIds.drillAnswer, "Answer", String(card.attemptId), "primary")]),
    ],
  };
}

/** State the rating buttons carry, since Slack sends no message body for ephemeral messages. */
export interface RatingState {
  readonly a: number;
  readonly q: string;
  readonly r: Readonly<Record<string, number>>;
}

export function ratingBlocks(state: RatingState, criteria: readonly Pick<Criterion, "id" | "label">[]): Block[] {
  const blocks: Block[] = [section("*Rate your own answer, 1 to 5 per criterion, then Save:*")];
  for (const criterion of criteria) {
    const chosen = state.r[criterion.id];
    blocks.push(section(`${escape(criterion.label)}${chosen ? `: *${chosen}*` : ""}`));
    blocks.push(
      actions(
        `rate:${criterion.id}`,
        [1, 2, 3, 4, 5].map((n) =>
          button(`${ActionIds.drillRate}:${criterion.id}:${n}`, String(n), JSON.stringify({ ...state, r: { ...state.r, [criterion.id]: n } }), chosen === n ? "primary" : undefined),
        ),
      ),
    );
  }
  blocks.push(actions("rate-save", [button(ActionIds.drillSave, "Save", JSON.stringify(state), "primary")]));
  return blocks;
}

export function drillFeedback(feedback: DrillFeedback): Reply {
  const q = feedback.question;
  return {
    text: "Drill answer checked.",
    blocks: [
      ...renderCheck(feedback.check, "*Your drill answer*: quick check (automatic, not a grade):"),
      section(`*A strong answer covers*\n${q.outline.map((o) => `• ${escape(o)}`).join("\n")}`),
    ],
  };
}

/** The self-rating panel is its own message so each click can replace it without touching the check. */
export function ratingReply(state: RatingState, criteria: readonly Pick<Criterion, "id" | "label">[]): Reply {
  return { text: "Rate your drill answer", blocks: ratingBlocks(state, criteria) };
}
