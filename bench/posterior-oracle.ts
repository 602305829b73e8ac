/**
 * The best ranking the honest cohorts' grades allow, as near as we can compute it: each
 * answer scored by its posterior mean under the simulator's own generative model
 * (bench/synthetic-reviews.ts), with the true distributions of abilities, biases and noises
 * as priors, and the buttons' rounding and clipping in the likelihood. No scorer that has to
 * estimate those distributions from the grades can expect to rank members better on average,
 * so this bounds what the product's bias model could reach. Fitted by Gibbs sampling: each
 * grade gets a latent continuous value inside its button's interval, and every other
 * quantity then has a conjugate (or one-dimensional) conditional.
 * One simplification: an answer's true score is clipped to [1, 5] before the reviewers grade
 * it, and the sampler's likelihood uses the unclipped value (about 3% of answers fall
 * outside, and their grades are mostly at the end buttons either way). The reported score
 * is the posterior mean of the clipped value.
 */
import { gaussian, mulberry32, type RecordedScores, type SyntheticCohort } from "./synthetic-reviews.ts";

// The simulator's distributions: ability 3 + 0.7 N(0, 1), an answer's truth ability + 0.6
// N(0, 1), a reviewer's bias 0.5 N(0, 1) and noise uniform on [0.3, 0.8].
const ABILITY_MEAN = 3;
const ABILITY_VARIANCE = 0.7 ** 2;
const WITHIN_VARIANCE = 0.6 ** 2;
const BIAS_VARIANCE = 0.5 ** 2;
const NOISE_GRID = Float64Array.from({ length: 101 }, (_, i) => 0.3 + (0.5 * i) / 100);
const LOG_NOISE_GRID = NOISE_GRID.map(Math.log);

const BURN_IN = 200;
const SAMPLES = 600;

/** erfc with fractional error under 1.2e-7 everywhere (Numerical Recipes' erfcc). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

const normalCdf = (x: number) => 0.5 * erfc(-x / Math.SQRT2);

/** Acklam's inverse normal CDF (relative error under 1.2e-9). */
function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const tail = (q: number) => (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

/** A draw from N(0, 1) restricted to [lo, hi], by inverting the CDF on the side of 0 where the interval's mass is not lost to rounding. */
function truncatedStandardNormal(lo: number, hi: number, random: () => number): number {
  if (lo > 0) return -truncatedStandardNormal(-hi, -lo, random);
  const [pLo, pHi] = [normalCdf(lo), normalCdf(hi)];
  if (!(pHi > pLo)) return Math.abs(lo) < Math.abs(hi) ? lo : hi;
  const p = pLo + random() * (pHi - pLo);
  return Math.min(hi, Math.max(lo, normalQuantile(Math.min(1 - 1e-16, Math.max(1e-300, p)))));
}

function add(sums: Float64Array, index: number, amount: number): void {
  sums[index] = sums[index]! + amount;
}

/** Posterior means of every answer's clipped true score in the cohort's first `days` days. */
export function scoredByPosteriorMeans(cohort: SyntheticCohort, days: number, seed: number): RecordedScores {
  const random = mulberry32(seed);
  const grades = cohort.days.slice(0, days).flatMap((day) => day.grades);
  const answerIndex = new Map<number, number>();
  const reviewerIndex = new Map<string, number>();
  const authorIndex = new Map<string, number>();
  const indexOf = <K>(map: Map<K, number>, key: K) => map.get(key) ?? map.set(key, map.size).get(key)!;
  const G = grades.length;
  const [gAnswer, gReviewer, gScore] = [new Int32Array(G), new Int32Array(G), new Float64Array(G)];
  grades.forEach((g, i) => {
    gAnswer[i] = indexOf(answerIndex, g.answerId);
    gReviewer[i] = indexOf(reviewerIndex, g.reviewerRef);
    gScore[i] = g.score;
  });
  const [U, V] = [answerIndex.size, reviewerIndex.size];
  const answerAuthor = new Int32Array(U);
  for (const g of grades) answerAuthor[answerIndex.get(g.answerId)!] = indexOf(authorIndex, g.authorRef);
  const M = authorIndex.size;

  const latent = Float64Array.from(gScore);
  const truth = new Float64Array(U);
  const level = new Float64Array(M).fill(ABILITY_MEAN);
  const bias = new Float64Array(V);
  const noise = new Float64Array(V).fill(0.55);
  const clippedSum = new Float64Array(U);
  const plainSum = new Float64Array(U);
  const gradeCount = new Float64Array(U);
  for (let i = 0; i < G; i++) {
    add(plainSum, gAnswer[i]!, gScore[i]!);
    add(gradeCount, gAnswer[i]!, 1);
  }
  for (let u = 0; u < U; u++) truth[u] = plainSum[u]! / gradeCount[u]!;

  const [precision, weighted] = [new Float64Array(Math.max(U, V, M)), new Float64Array(Math.max(U, V, M))];
  const authorCount = new Float64Array(M);
  for (let u = 0; u < U; u++) add(authorCount, answerAuthor[u]!, 1);
  const reviewerCount = new Float64Array(V);
  for (let i = 0; i < G; i++) add(reviewerCount, gReviewer[i]!, 1);
  const squares = new Float64Array(V);
  const density = new Float64Array(NOISE_GRID.length);

  for (let sweep = 0; sweep < BURN_IN + SAMPLES; sweep++) {
    // Each grade's latent value: its button's interval, the end buttons open-ended.
    for (let i = 0; i < G; i++) {
      const [u, v, score] = [gAnswer[i]!, gReviewer[i]!, gScore[i]!];
      const mean = truth[u]! + bias[v]!;
      const lo = score <= 1 ? -Infinity : score - 0.5;
      const hi = score >= 5 ? Infinity : score + 0.5;
      latent[i] = mean + noise[v]! * truncatedStandardNormal((lo - mean) / noise[v]!, (hi - mean) / noise[v]!, random);
    }
    // Answers' true scores, given their authors' levels and their grades' latent values.
    for (let u = 0; u < U; u++) {
      precision[u] = 1 / WITHIN_VARIANCE;
      weighted[u] = level[answerAuthor[u]!]! / WITHIN_VARIANCE;
    }
    for (let i = 0; i < G; i++) {
      const [u, v] = [gAnswer[i]!, gReviewer[i]!];
      const p = 1 / noise[v]! ** 2;
      add(precision, u, p);
      add(weighted, u, p * (latent[i]! - bias[v]!));
    }
    for (let u = 0; u < U; u++) truth[u] = weighted[u]! / precision[u]! + gaussian(random) / Math.sqrt(precision[u]!);
    // Authors' levels.
    weighted.fill(0, 0, M);
    for (let u = 0; u < U; u++) add(weighted, answerAuthor[u]!, truth[u]!);
    for (let m = 0; m < M; m++) {
      const p = 1 / ABILITY_VARIANCE + authorCount[m]! / WITHIN_VARIANCE;
      level[m] = (ABILITY_MEAN / ABILITY_VARIANCE + weighted[m]! / WITHIN_VARIANCE) / p + gaussian(random) / Math.sqrt(p);
    }
    // Reviewers' biases, then their noises (on a grid: the prior is uniform on [0.3, 0.8]).
    weighted.fill(0, 0, V);
    for (let i = 0; i < G; i++) add(weighted, gReviewer[i]!, latent[i]! - truth[gAnswer[i]!]!);
    for (let v = 0; v < V; v++) {
      const p = 1 / BIAS_VARIANCE + reviewerCount[v]! / noise[v]! ** 2;
      bias[v] = weighted[v]! / noise[v]! ** 2 / p + gaussian(random) / Math.sqrt(p);
    }
    squares.fill(0);
    for (let i = 0; i < G; i++) add(squares, gReviewer[i]!, (latent[i]! - truth[gAnswer[i]!]! - bias[gReviewer[i]!]!) ** 2);
    for (let v = 0; v < V; v++) {
      let top = -Infinity;
      for (let k = 0; k < NOISE_GRID.length; k++) {
        density[k] = -reviewerCount[v]! * LOG_NOISE_GRID[k]! - squares[v]! / (2 * NOISE_GRID[k]! ** 2);
        top = Math.max(top, density[k]!);
      }
      let total = 0;
      for (let k = 0; k < NOISE_GRID.length; k++) {
        density[k] = Math.exp(density[k]! - top);
        total += density[k]!;
      }
      let draw = random() * total;
      let k = 0;
      while (k < NOISE_GRID.length - 1 && (draw -= density[k]!) > 0) k++;
      noise[v] = NOISE_GRID[k]!;
    }
    if (sweep >= BURN_IN) for (let u = 0; u < U; u++) add(clippedSum, u, Math.min(5, Math.max(1, truth[u]!)));
  }
  return new Map([...answerIndex].map(([answerId, u]) => [answerId, { score: clippedSum[u]! / SAMPLES, plainMean: plainSum[u]! / gradeCount[u]! }]));
}
