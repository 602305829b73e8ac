import type { CoachDeps } from "../deps.ts";
import type { Question } from "./types.ts";

/** Questions by id: one read of the active bank; only retired questions are fetched one by one. */
export async function questionsById(deps: CoachDeps, ids: readonly string[]): Promise<Map<string, Question>> {
  const byId = new Map<string, Question>();
  for (const track of await deps.repos.questions.activeTracks()) for (const q of track.questions) byId.set(q.id, q);
  for (const id of new Set(ids)) {
    if (byId.has(id)) continue;
    const retired = await deps.repos.questions.get(id);
    if (retired) byId.set(id, retired);
  }
  return byId;
}
