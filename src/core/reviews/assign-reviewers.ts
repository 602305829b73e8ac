import { seededRandom, shuffled } from "../random.ts";

export interface ReviewPair {
  readonly answerId: number;
  readonly reviewerRef: string;
}

/** A reviewer who reviewed an author's answer on the cohort's previous prompt. */
export interface PreviousPair {
  readonly reviewerRef: string;
  readonly authorRef: string;
}

/**
 * Draws up to `k` reviewers per answer from the pool (the prompt's other answerers
 * plus opted-in reviewers): never the author, load balanced so nobody gets more than
 * k+1, and avoiding last prompt's reviewer-author pairs when another choice exists.
 * Each draw is uniform among the eligible reviewers with the fewest assignments so far,
 * a repeat pair being taken only when no one else at any load is eligible.
 */
export function assignReviewers(input: {
  readonly answers: readonly { readonly id: number; readonly authorRef: string }[];
  readonly optedIn: readonly string[];
  readonly k: number;
  readonly previousPairs: readonly PreviousPair[];
  readonly seed: string;
}): ReviewPair[] {
  if (input.answers.length < 2) return [];
  const random = seededRandom(input.seed);
  const pool = [...new Set([...input.answers.map((a) => a.authorRef), ...input.optedIn])].sort();
  const loads = new LoadBuckets(pool, input.k + 1);
  const reviewedBefore = new Map<string, Set<string>>();
  for (const { reviewerRef, authorRef } of input.previousPairs) {
    let reviewers = reviewedBefore.get(authorRef);
    if (!reviewers) reviewedBefore.set(authorRef, (reviewers = new Set()));
    reviewers.add(reviewerRef);
  }
  const reviewersOf = new Map<number, string[]>();
  const pairs: ReviewPair[] = [];
  const order = shuffled(input.answers, random);
  // Assign one reviewer per answer per round, so early answers do not exhaust the light-loaded reviewers.
  for (let round = 0; round < input.k; round++) {
    for (const answer of order) {
      let taken = reviewersOf.get(answer.id);
      if (!taken) reviewersOf.set(answer.id, (taken = []));
      const repeats = reviewedBefore.get(answer.authorRef);
      const allowed = (ref: string) => ref !== answer.authorRef && !taken.includes(ref);
      const reviewer = loads.draw((ref) => allowed(ref) && !repeats?.has(ref), random) ?? loads.draw(allowed, random);
      if (reviewer === undefined) continue;
      taken.push(reviewer);
      pairs.push({ answerId: answer.id, reviewerRef: reviewer });
      loads.add(reviewer);
    }
  }
  return pairs;
}

/**
 * The pool bucketed by how many reviews each has been given, so a draw looks at a few of the
 * least-loaded reviewers instead of filtering, shuffling and sorting the whole pool: that took
 * 1.2 s for a 500-member cohort and 13 s for 2,000, all of it holding the event loop.
 */
class LoadBuckets {
  private readonly buckets: string[][];
  private readonly place = new Map<string, { load: number; index: number }>();

  constructor(
    pool: readonly string[],
    private readonly maxLoad: number,
  ) {
    this.buckets = Array.from({ length: maxLoad + 1 }, () => []);
    this.buckets[0] = [...pool];
    pool.forEach((ref, index) => this.place.set(ref, { load: 0, index }));
  }

  /**
   * A uniformly drawn reviewer among those `eligible` at the lowest load that has any, below
   * maxLoad; undefined when there is none. Few of a bucket are ever ineligible (the author, the
   * answer's reviewers so far, last prompt's reviewers of its author), so a few random picks
   * nearly always land on one; a bucket that is mostly ineligible is filtered instead.
   */
  draw(eligible: (ref: string) => boolean, random: () => number): string | undefined {
    for (let load = 0; load < this.maxLoad; load++) {
      const bucket = this.buckets[load]!;
      for (let attempt = 0; attempt < 8 && bucket.length > 0; attempt++) {
        const ref = bucket[Math.floor(random() * bucket.length)]!;
        if (eligible(ref)) return ref;
      }
      const candidates = bucket.filter(eligible);
      if (candidates.length > 0) return candidates[Math.floor(random() * candidates.length)];
    }
    return undefined;
  }

  /** Moves `ref` one load up. */
  add(ref: string): void {
    const place = this.place.get(ref)!;
    const bucket = this.buckets[place.load]!;
    const last = bucket.pop()!;
    if (last !== ref) {
      bucket[place.index] = last;
      this.place.get(last)!.index = place.index;
    }
    place.load += 1;
    place.index = this.buckets[place.load]!.push(ref) - 1;
  }
}
