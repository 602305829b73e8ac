import { CoachingError } from "../../core/errors.ts";
import { ratingReply, type RatingState } from "../blocks/replies.ts";
import { ActionIds } from "../ids.ts";
import type { SlackRuntime } from "../runtime.ts";
import { replaceWith, type ActionHandler } from "./types.ts";

export function parseRatingState(value: string | undefined): RatingState {
  try {
    const state = JSON.parse(value ?? "") as RatingState;
    if (typeof state.a === "number" && typeof state.q === "string" && typeof state.r === "object" && state.r !== null && !Array.isArray(state.r)) return state;
  } catch {
    // fall through to the friendly error
  }
  throw new CoachingError("unknown-drill", "That rating button is out of date. Start a new drill with /drill.");
}

export async function criteriaOf(rt: SlackRuntime, questionId: string) {
  const question = (await rt.coach.tracks()).flatMap((t) => t.questions).find((q) => q.id === questionId);
  if (!question) throw new CoachingError("unknown-drill", "That drill's question no longer exists. Start a new one with /drill.");
  return question.rubric.criteria;
}

/** One self-rating click: the panel is redrawn with the choice; nothing is stored until Save. */
export const drillRate: ActionHandler = {
  actionId: new RegExp(`^${ActionIds.drillRate}:`),
  async run(args, rt) {
    const state = parseRatingState(args.action.value);
    await replaceWith(args.respond, ratingReply(state, await criteriaOf(rt, state.q)));
  },
};
