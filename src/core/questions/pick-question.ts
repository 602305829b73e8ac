import { stableHash } from "../random.ts";
import type { Question, Track } from "./types.ts";

/**
 * Round-robin over the track's categories; within a category, a question the cohort
 * has seen least often (so nothing repeats until the track is exhausted), chosen by a
 * hash of cohort and date so the pick is reproducible.
 */
export function pickQuestion(input: {
  readonly track: Pick<Track, "categories">;
  readonly questions: readonly Question[];
  readonly cohortId: number;
  readonly localDate: string;
  /** Question ids of the cohort's earlier prompts, oldest first. */
  readonly history: readonly string[];
}): Question | undefined {
  const { questions, history, track } = input;
  if (questions.length === 0) return undefined;
  const uses = new Map<string, number>();
  for (const id of history) uses.set(id, (uses.get(id) ?? 0) + 1);
  const fewestUses = Math.min(...questions.map((q) => uses.get(q.id) ?? 0));
  const fresh = questions.filter((q) => (uses.get(q.id) ?? 0) === fewestUses);
  const categories = track.categories.map((c) => c.id);
  const start = history.length % Math.max(categories.length, 1);
  for (let offset = 0; offset < categories.length; offset++) {
    const category = categories[(start + offset) % categories.length];
    const pool = fresh.filter((q) => q.category.id === category);
    if (pool.length > 0) return byHash(pool, `${input.cohortId}:${input.localDate}`);
  }
  return byHash(fresh, `${input.cohortId}:${input.localDate}`);
}

/** The question with the lowest hash (ties by id), each hashed once: a tick picks for a thousand cohorts. */
function byHash(pool: readonly Question[], seed: string): Question {
  let best = { question: pool[0]!, hash: stableHash(`${seed}:${pool[0]!.id}`) };
  for (const question of pool.slice(1)) {
    const hash = stableHash(`${seed}:${question.id}`);
    if (hash < best.hash || (hash === best.hash && question.id.localeCompare(best.question.id) < 0)) best = { question, hash };
  }
  return best.question;
}
