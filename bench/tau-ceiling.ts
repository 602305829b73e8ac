/**
 * How much ranking gain over the plain mean there is to be had in the scoring bench's honest
 * cohorts, measured over more seeds than the bench's five. Beside the product's scores (as
 * stored after 10 days, as in bench/scoring.ts) it ranks members by two scorers that are
 * told what the product has to estimate: each reviewer's true bias (the mean of an answer's
 * grades less their reviewers' biases), and their true bias and noise (the same, weighted by
 * each reviewer's true precision); and beside them a scorer told nothing, which estimates the
 * biases from the grades by plain alternating least squares, to show what estimating them
 * costs, and one told only the distributions the simulator draws from, which scores each
 * answer by its posterior mean (bench/posterior-oracle.ts): what the grades allow at best.
 * The same four scorers are then run on the scoring bench's own five seeds at N=500, where
 * its +0.03 goal on honest reviewers is judged. Reported, no goals: it says how far that
 * goal is from what the data allows.
 *   npx tsx bench/tau-ceiling.ts
 */
import { availableParallelism } from "node:os";
import { figure, writeFigures, type Figure } from "./figures.ts";
import { scoredByPosteriorMeans } from "./posterior-oracle.ts";
import { runInProcesses, serveJobsIfForked } from "./process-pool.ts";
import { runQualityJob } from "./scoring-quality-worker.ts";
import { quality, syntheticCohort, type RecordedScores, type SyntheticCohort } from "./synthetic-reviews.ts";

const SIZES = [50, 200, 500];
const SEEDS = Array.from({ length: 20 }, (_, i) => i + 1);
/** bench/scoring.ts's seeds. */
const BENCH_SEEDS = [11, 22, 33, 44, 55];
const DAYS = 10;

/** Each answer scored from its grades with the reviewers' true parameters; `weighted` also uses their true noise. */
function scoredWithTruth(cohort: SyntheticCohort, weighted: boolean): RecordedScores {
  const reviewers = new Map(cohort.members.map((m) => [m.ref, m]));
  const sums = new Map<number, { plain: number; corrected: number; weight: number; count: number }>();
  for (const day of cohort.days.slice(0, DAYS)) {
    for (const grade of day.grades) {
      const reviewer = reviewers.get(grade.reviewerRef)!;
      const weight = weighted ? 1 / reviewer.noise ** 2 : 1;
      const sum = sums.get(grade.answerId) ?? { plain: 0, corrected: 0, weight: 0, count: 0 };
      sums.set(grade.answerId, {
        plain: sum.plain + grade.score,
        corrected: sum.corrected + weight * (grade.score - reviewer.bias),
        weight: sum.weight + weight,
        count: sum.count + 1,
      });
    }
  }
  return new Map([...sums].map(([answerId, s]) => [answerId, { score: s.corrected / s.weight, plainMean: s.plain / s.count }]));
}

/** How much a reviewer's bias estimate is pulled toward 0: grade noise variance over the biases' spread (about 0.4 / 0.5^2), as a ridge. */
const BIAS_RIDGE = 1.6;
const SWEEPS = 50;

/** Each answer scored as the mean of its grades less their reviewers' biases, the biases estimated from the same grades (answer means and biases in turn). */
function scoredWithEstimatedBiases(cohort: SyntheticCohort): RecordedScores {
  const grades = cohort.days.slice(0, DAYS).flatMap((day) => day.grades);
  const bias = new Map<string, number>();
  let score = new Map<number, number>();
  for (let sweep = 0; sweep < SWEEPS; sweep++) {
    const answerSums = new Map<number, { sum: number; count: number }>();
    for (const g of grades) {
      const s = answerSums.get(g.answerId) ?? { sum: 0, count: 0 };
      answerSums.set(g.answerId, { sum: s.sum + g.score - (bias.get(g.reviewerRef) ?? 0), count: s.count + 1 });
    }
    score = new Map([...answerSums].map(([answerId, s]) => [answerId, s.sum / s.count]));
    const reviewerSums = new Map<string, { sum: number; count: number }>();
    for (const g of grades) {
      const s = reviewerSums.get(g.reviewerRef) ?? { sum: 0, count: 0 };
      reviewerSums.set(g.reviewerRef, { sum: s.sum + g.score - score.get(g.answerId)!, count: s.count + 1 });
    }
    for (const [reviewerRef, s] of reviewerSums) bias.set(reviewerRef, s.sum / (s.count + BIAS_RIDGE));
  }
  const plain = scoredWithTruth(cohort, false);
  return new Map([...score].map(([answerId, value]) => [answerId, { score: value, plainMean: plain.get(answerId)!.plainMean }]));
}

const SCORERS = {
  model: "the product's stored scores",
  estimatedBias: "reviewer biases estimated from the grades by least squares",
  posterior: "posterior means under the simulator's own distributions",
  bias: "true reviewer biases",
  biasAndNoise: "true reviewer biases and noises",
} as const;

interface SeedJob {
  members: number;
  seed: number;
}
type SeedGains = Record<keyof typeof SCORERS, number>;

/** Each scorer's tau gain over the plain mean on one honest cohort. */
async function seedGains({ members, seed }: SeedJob): Promise<SeedGains> {
  // The cohort bench/scoring.ts's quality part builds for this size and seed.
  const cohortSeed = seed * 1000 + members;
  const cohort = syntheticCohort("honest", members, DAYS, cohortSeed);
  const model = (await runQualityJob({ scenario: "honest", members, seed, dayCounts: [DAYS] })).byDayCount[0]!;
  const gain = (scores: RecordedScores) => {
    const q = quality(cohort, scores, DAYS);
    return q.tauModel - q.tauPlain;
  };
  return {
    model: model.tauModel - model.tauPlain,
    estimatedBias: gain(scoredWithEstimatedBiases(cohort)),
    posterior: gain(scoredByPosteriorMeans(cohort, DAYS, cohortSeed)),
    bias: gain(scoredWithTruth(cohort, false)),
    biasAndNoise: gain(scoredWithTruth(cohort, true)),
  };
}

// The cohorts are independent and deterministic: two processes halve the wall time and change no figure.
if (!serveJobsIfForked(import.meta.url, seedGains)) {
  const runs: [number, readonly number[], string][] = [...SIZES.map((members) => [members, SEEDS, `${SEEDS.length} seeds`] as [number, readonly number[], string]), [500, BENCH_SEEDS, "the scoring bench's 5 seeds"]];
  const jobs = runs.flatMap(([members, seeds]) => seeds.map((seed) => ({ members, seed })));
  const results = await runInProcesses<SeedJob, SeedGains>(import.meta.filename, jobs, Math.max(1, Math.min(availableParallelism(), 2)), (job) => job.members);
  const figures: Figure[] = [];
  let next = 0;
  for (const [members, seeds, seedsLabel] of runs) {
    const gains = results.slice(next, (next += seeds.length));
    for (const [scorer, label] of Object.entries(SCORERS) as [keyof typeof SCORERS, string][]) {
      figures.push(figure(`honest tau gain over plain mean, N=${members}, ${DAYS} days, ${seedsLabel}: ${label}`, gains.map((g) => g[scorer]), "", {}, undefined, 4));
    }
  }
  writeFigures("tau-ceiling", figures);
}
