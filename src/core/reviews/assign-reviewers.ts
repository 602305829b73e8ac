import { seededRandom, shuffled } from "../random.ts";

export interface ReviewPair {
  readonly answerId: number;
  readonly reviewerRef: string;
}

/**
 * Draws up to `k` reviewers per answer from the pool (the prompt's other answerers
 * plus opted-in reviewers): never the author, load balanced so nobody gets more than
 * k+1, and avoiding last prompt's reviewer-author pairs when another choice exists.
 */
export function assignReviewers(input: {
  readonly answers: readonly { readonly id: number; readonly authorRef: string }[];
  readonly optedIn: readonly string[];
  readonly k: number;
  /** "reviewer>author" pairs from the cohort's previous prompt. */
  readonly previousPairs: ReadonlySet<string>;
  readonly seed: string;
}): ReviewPair[] {
  if (input.answers.length < 2) return [];
  const random = seededRandom(input.seed);
  const pool = [...new Set([...input.answers.map((a) => a.authorRef), ...input.optedIn])].sort();
  const load = new Map(pool.map((ref) => [ref, 0]));
  const pairs: ReviewPair[] = [];
  const order = shuffled(input.answers, random);
  // Assign one reviewer per answer per round, so early answers do not exhaust the light-loaded reviewers.
  for (let round = 0; round < input.k; round++) {
    for (const answer of order) {
      const taken = new Set(pairs.filter((p) => p.answerId === answer.id).map((p) => p.reviewerRef));
      const candidates = shuffled(
        pool.filter((ref) => ref !== answer.authorRef && !taken.has(ref) && (load.get(ref) ?? 0) < input.k + 1),
        random,
      );
      if (candidates.length === 0) continue;
      candidates.sort((a, b) => {
        const repeatA = input.previousPairs.has(`${a}>${answer.authorRef}`) ? 1 : 0;
        const repeatB = input.previousPairs.has(`${b}>${answer.authorRef}`) ? 1 : 0;
        return repeatA - repeatB || (load.get(a) ?? 0) - (load.get(b) ?? 0);
      });
      const reviewer = candidates[0]!;
      pairs.push({ answerId: answer.id, reviewerRef: reviewer });
      load.set(reviewer, (load.get(reviewer) ?? 0) + 1);
    }
  }
  return pairs;
}
