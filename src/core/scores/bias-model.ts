// Peer-grading model after PG1 (Piech et al. 2013, "Tuned Models of Peer Assessment in MOOCs"),
// extended with a per-reviewer scale, robust residuals, favours and an author level. With
// y = grade - 3 (the rubric's middle):
//   author level a_m ~ N(c, between)                      (c: the cohort's centre)
//   true score   x_u ~ N(a_m, within)                     (answer u by author m scores 3 + x_u)
//   bias         b_v ~ N(0, 1/eta0)
//   scale        k_v ~ (1 - pi) N(1, 1/kappa) + pi N(0, 1/lambda)   (0: the grade ignores the answer)
//   reliability  tau_v ~ Gamma(alpha0, beta0)
//   grade        y_uv ~ Student-t_nu(b_v + k_v x_u, 1/tau_v), or, with prior odds
//                o0 (1 + e_v e_m), a favour: the top button whatever the answer
//   e_v, e_m     how far reviewer v's share of favours given and author m's share of favours
//                received exceed the base odds o0 (odds ratio - 1, at least 0)
// The scale lets a reviewer who clicks 3 (or 5) for everything, or squeezes every grade toward
// the middle, count for what their grades actually say about the answer. The t likelihood, fitted
// as a Gaussian scale mixture (each grade gets a weight w = (nu + 1) / (nu + tau r^2)), keeps a
// few wild grades from dragging an answer or a reviewer's bias.
// A collusion ring is not wild enough for that: with three grades an answer, a friend's 5 drags
// the estimate it is measured against toward itself. But a ring's 5s share a pattern: the same
// reviewers give them, to the same authors, and the answers' other grades do not support them.
// So each top-button grade may be a favour, which says nothing about the answer; the
// probability that it is one (its favour odds against the top button's t density) takes that
// much of its weight away, and adds to both the reviewer's and the author's share of favours.
// A favour takes a giver and a receiver: the odds grow with the product of the two shares'
// excesses, so a 5 is discounted only where a reviewer who gives unsupported 5s meets an author
// who receives them. The reviewer's share alone either left ring members 0.57x of the percentile
// points the plain mean gives them or, with a looser prior, took weight from honest 5s on strong
// answers until 3-clicker cohorts missed their RMSE goal; adding the two shares' log-odds
// instead discounted the honest 5s ring members and strong members received as well (RMSE in a
// ring cohort 0.91x the plain mean's, not 0.77x).
// The reviewers are fitted against each answer's estimate from its grades alone (a nearly flat
// prior): shrunk estimates would make every reviewer look steeper than they are.
// The reported score is then the posterior mean of x_u given the author's level: each answer's
// estimate is pulled toward what its author's other answers scored, by how little its own
// grades say. That is fair to the member: an answer whose grades say little (two of its three
// reviewers click 3) is scored near what that member usually scores, not near the cohort's
// average, so a strong member is not marked down, nor a weak one up, for drawing uninformative
// reviewers; an answer with telling grades keeps them. A member's first answer, with no
// level yet, is pulled toward the cohort's centre as before. The centre and both spreads are
// estimated from the same answers (empirical Bayes: within from how far each author's answers
// scatter around their own mean, between by EM over the authors' means), anchored to a prior
// worth a few answers. An answer whose grades say almost nothing counts as uninformative in
// those estimates rather than as spread.
// The scale's prior has two components because reviewers come in two sorts: those who follow
// the answers (scale near 1) and those whose grades hardly move with them (3-clickers, random
// clickers, reviewers who squeeze everything toward the middle: scale near 0). A single prior
// around 1 has to be loose enough to let the second sort reach 0, and then it is as loose for
// everyone, so a squeezer's first dozen grades bend their scale only slowly; with two
// components each reviewer's few grades are weighed as evidence for one sort or the other (the
// marginal likelihood of their sums under each), so that grades which stay at 3 while the
// answers they grade spread count against following from the first few (after two days, about
// six grades each, squeezers' scales averaged 0.68 in a test cohort where a single prior left
// them at 0.87). The posterior is the mixture of the two components' Gaussian posteriors, summarised by
// its mean and covariance.
// How far followers' scales stray from 1 differs between cohorts, and so does the share pi of
// the second sort: both are estimated from the fit's reviewers (empirical Bayes), anchored by a
// few pseudo-reviewers to kappa0 and to a prior share so that a fit of a handful stays near them.
// Fitted by mean-field coordinate ascent with closed-form updates, one block at a time.
//
// Everything a reviewer's update needs from their grades is a count and eight weighted sums
// (ReviewerStats), and everything an author's level and share of favours need from their
// answers two counts and five sums (AuthorStats). A close passes the sums from earlier fits as
// `history` and `authorHistory` and fits only the new prompt's grades: past answers keep the
// estimates they had when their sums were taken, which is why callers refit from scratch now
// and then (see refitDue in reviewer-params.ts).

import { setImmediate as nextTurn } from "node:timers/promises";

export interface Grade {
  readonly answerId: string;
  readonly reviewerId: string;
  readonly score: number;
}

/**
 * Grades as three columns, grade i being reviewerIds[i]'s score scores[i] on answerIds[i]: a
 * refit fits over 100,000 grades, and an object for each (all alive until the fit ends) made
 * the garbage collector's pauses the longest blocks of the refit.
 */
export interface GradeColumns {
  readonly answerIds: readonly string[];
  readonly reviewerIds: readonly string[];
  readonly scores: readonly number[];
}

const columnsOf = (grades: readonly Grade[] | GradeColumns): GradeColumns =>
  "scores" in grades
    ? grades
    : { answerIds: grades.map((g) => g.answerId), reviewerIds: grades.map((g) => g.reviewerId), scores: grades.map((g) => g.score) };

export interface AnswerEstimate {
  readonly answerId: string;
  /** Bias- and reliability-corrected score, clamped to the rubric range [1, 5]. */
  readonly score: number;
  /** Posterior standard deviation of the true score, in rubric points. */
  readonly uncertainty: number;
  readonly plainMean: number;
  readonly gradeCount: number;
}

/** Weighted sums over a reviewer's grades (y = grade - 3, x = the answer's estimate), as fitted. */
export interface ReviewerStats {
  readonly count: number;
  readonly weight: number;
  readonly wx: number;
  readonly wxx: number;
  /** Sum of w * Var(x): the answers' own uncertainty, which widens the reviewer's residuals. */
  readonly wv: number;
  readonly wy: number;
  readonly wxy: number;
  readonly wyy: number;
  /** Sum over the grades of the probability that the grade was a favour, the top button whatever the answer (see the header); its weight is w times 1 minus that. */
  readonly top: number;
}

/**
 * Weighted sums over an author's answers (z = an answer's estimate from its grades alone, v =
 * that estimate's noise variance, w = 1 / (within-author spread + v) as fitted).
 */
export interface AuthorStats {
  readonly count: number;
  readonly weight: number;
  readonly wz: number;
  readonly wzz: number;
  readonly wv: number;
  /** Grades the author's answers received. */
  readonly grades: number;
  /** Sum over those grades of the probability that the grade was a favour (see the header). */
  readonly top: number;
}

export interface AuthorEstimate {
  readonly authorId: string;
  /** History plus this fit's answers: pass it back as `authorHistory` to fit the next prompt. */
  readonly stats: AuthorStats;
}

export interface ReviewerEstimate {
  readonly reviewerId: string;
  /** Posterior mean of the additive bias at the rubric's middle: positive means the reviewer grades high. */
  readonly bias: number;
  /** Posterior mean of how far the reviewer's grades move per point of true score (1: fully, 0: not at all). */
  readonly scale: number;
  /** Posterior mean of the precision 1/variance of the reviewer's grading noise. */
  readonly reliability: number;
  /** Grades behind the estimate, history included. */
  readonly gradeCount: number;
  /** History plus this fit's grades: pass it back as `history` to fit the next prompt. */
  readonly stats: ReviewerStats;
}

export interface BiasModelOptions {
  /** Maximum number of coordinate-ascent sweeps; the fit stops earlier once it has converged. */
  readonly iterations?: number;
  /** The fit has converged when no estimate moved more than this in a sweep (relative for reliability). */
  readonly tolerance?: number;
  /** eta0: precision of the zero-mean prior on reviewer bias. */
  readonly biasPriorPrecision?: number;
  /** kappa0: precision of the prior on the scale of a reviewer who follows the answers, centred on 1, before the fit's reviewers refine it. */
  readonly scalePriorPrecision?: number;
  /** alpha0: shape of the Gamma prior on reviewer reliability. */
  readonly reliabilityPriorShape?: number;
  /** beta0: rate of the Gamma prior on reviewer reliability (prior mean is shape / rate). */
  readonly reliabilityPriorRate?: number;
  /** gamma0: precision of the prior on true scores, centred on the rubric's middle. */
  readonly truePriorPrecision?: number;
  /** nu: degrees of freedom of the grade noise; Infinity gives Gaussian noise (plain PG1 residuals). */
  readonly robustness?: number;
  /** Shrink each reported score toward its author's usual level (the cohort's centre without one) by its uncertainty (default true); false reports the unshrunk estimate. */
  readonly shrinkage?: boolean;
  /** Each reviewer's sums from grades fitted before, keyed by reviewer id. */
  readonly history?: ReadonlyMap<string, ReviewerStats>;
  /** Who wrote each answer, by answer id; an answer without an author is its own author. */
  readonly authors?: ReadonlyMap<string, string>;
  /** Each author's sums from answers fitted before, keyed by author id. */
  readonly authorHistory?: ReadonlyMap<string, AuthorStats>;
}

export interface BiasModelFit {
  readonly answers: ReadonlyMap<string, AnswerEstimate>;
  readonly reviewers: ReadonlyMap<string, ReviewerEstimate>;
  readonly authors: ReadonlyMap<string, AuthorEstimate>;
}

const MIN_SCORE = 1;
const MAX_SCORE = 5;
const MIDDLE = 3;
/** How many loop iterations pass between the points where an asynchronous fit may yield. */
const CHUNK = 4096;

const DEFAULTS = {
  // 1e-5 stops a close after 10-30 sweeps, and the scores then agree with a fit run to 1e-12
  // within 1e-3 (tested); the old 1e-10 ran the full 200 sweeps for nothing a member could see.
  // A refit with 3-clickers needs more: their scales creep toward 0, and the scale prior's
  // spread, estimated from them, creeps along (100 sweeps left 1.2e-3). Favours take longer
  // still, each sweep's found favours raising the odds of the next: a refit of a mixed cohort
  // is 0.4 points off after 60 sweeps and 4e-4 after 120, so the cap leaves room.
  iterations: 200,
  tolerance: 1e-5,
  // Bias prior sd 0.5 rubric points: a reviewer needs a few grades before a bias shows,
  // and a single grade leaves the bias near 0.
  biasPriorPrecision: 4,
  // Followers' scale prior sd 0.25 to start with, until the cohort's reviewers show how much
  // their scales really vary. Tighter than a single prior could be (it was sd 0.35): a reviewer
  // whose grades do not move with the answers is taken up by the prior's other component
  // instead of having to bend a loose one; a tighter follower component also makes flat grades
  // less likely under it, so squeezers are told apart sooner (scale-compressed cohort of 50 with
  // the scales' point estimates in the answer step: RMSE 0.872x the plain mean's over 10 days
  // at sd 0.25, 0.877x at sd 0.35).
  scalePriorPrecision: 16,
  // Prior mean reliability 2 (noise sd 0.7 points, about what a careful reviewer's button
  // rounding and judgement add up to), worth 2 * shape = 6 pseudo-grades, so a reviewer whose
  // few grades happen to agree is not treated as infallible. A prior of 1 made every reviewer
  // look noisier than they are for the first couple of weeks, so the shrinkage below
  // over-shrank and the t weights hardly told a wild grade from an ordinary one.
  reliabilityPriorShape: 3,
  reliabilityPriorRate: 1.5,
  // Nearly flat: an answer's estimate should come from its grades, not from the cohort
  // average, so that unbiased reviewers reproduce the plain mean.
  truePriorPrecision: 0.01,
  // t with 6 degrees of freedom: grades within two noise sds keep most of their weight.
  // Heavier tails alone do not stop a collusion ring: with three grades an answer, a friend's 5
  // drags the estimate it is measured against halfway to itself and then looks no wilder than an
  // honest grade often is. At nu 2 ring members keep 0.68x/0.53x of the percentile points the
  // plain mean gives them (nu 6: 0.72x/0.66x; 200 members, 10/20 days) and scores land further
  // from the truth (RMSE 0.81x the plain mean's, not 0.79x). Measuring each grade against its
  // author's usual level as well (at nu 2) slows the ring more (0.56x/0.53x) but penalises
  // every reviewer who follows an answer that is unusual for its author, so reviewers who
  // squeeze their grades toward the middle count for more (RMSE 1.00x the plain mean's in such
  // a cohort, not 0.91x) and honest rankings lose most of their gain over the plain mean.
  robustness: 6,
} as const;

/** The spread of true scores assumed before any answer is seen is 1 (variance, rubric points squared), worth this many answers (or authors). */
const SPREAD_PRIOR_ANSWERS = 5;
const SPREAD_ITERATIONS = 50;
/** Of that spread, the part assumed to be one author's answers scattering around their own level, and the part between authors' levels. */
const WITHIN_PRIOR = 0.4;
const BETWEEN_PRIOR = 0.6;
/** A floor on both estimated spreads, so that no author's level ever turns into a certainty. */
const MIN_SPREAD = 0.01;
const AUTHOR_ROUNDS = 3;

/** How many reviewers' worth of weight kappa0 and the prior share keep against the fit's reviewers. */
const SCALE_PRIOR_REVIEWERS = 5;
/**
 * The share of reviewers whose grades ignore the answers, assumed before the fit's reviewers
 * show it (worth SCALE_PRIOR_REVIEWERS reviewers, so from the first day a cohort's own reviewers
 * outweigh it; 0.3 is the share the scoring bench's single-kind scenarios use, and in an honest
 * cohort the estimate falls toward 0), and the precision lambda of their scales around 0 (sd
 * 0.32: a squeezer whose grades still move a third of a point per point keeps that little).
 */
const IGNORING_SHARE_PRIOR = 0.3;
const IGNORING_SCALE_PRECISION = 10;

/**
 * The prior on a reviewer's share of favours given, and on an author's share of favours
 * received: this many favours in FAVOUR_PRIOR_GRADES grades. The base rate is tiny (1 in 5000)
 * so that an honest 5 is almost never taken for one; what moves a grade's odds is how far both
 * shares exceed it (see favourOdds).
 */
const FAVOUR_PRIOR = 0.02;
const FAVOUR_PRIOR_GRADES = 100;
const FAVOUR_BASE_ODDS = FAVOUR_PRIOR / (FAVOUR_PRIOR_GRADES - FAVOUR_PRIOR);

function favourShare(favours: number, grades: number): number {
  return (FAVOUR_PRIOR + favours) / (FAVOUR_PRIOR_GRADES + grades);
}

/**
 * Prior odds that a top-button grade by a reviewer with favour share `given` on an author with
 * favour share `received` is a favour: the base odds times 1 plus the product of the two shares'
 * excess odds ratios. A favour takes a giver and a receiver, so an honest reviewer's 5 for a ring
 * member, or a ring member's 5 for a stranger, keeps about the base odds.
 */
function favourOdds(given: number, received: number): number {
  return FAVOUR_BASE_ODDS * (1 + excessOdds(given) * excessOdds(received));
}

// Top-level, not a closure in the functions that call them for every grade or reviewer in every
// sweep: tsx names each closure it creates, and that naming was half of a close's fit.
function excessOdds(share: number): number {
  return Math.max(0, share / (1 - share) / FAVOUR_BASE_ODDS - 1);
}

/**
 * Where scalePosterior writes a component's posterior: one array per component, reused for
 * every reviewer in every sweep, not two new objects per reviewer per sweep.
 */
const B = 0;
const K = 1;
const CBB = 2;
const CKK = 3;
const CBK = 4;
/**
 * The log marginal likelihood of the reviewer's grades under the component, up to what both
 * components share, is half of log(precision / DET) + QUAD; kept in two parts so that the two
 * components' likelihood ratio takes a square root and an exponential, not two logarithms too.
 */
const DET = 5;
const QUAD = 6;
const newPosterior = () => new Float64Array(7);

/**
 * A reviewer's (b, k) Gaussian posterior under one component of the scale prior (precision
 * around mean), given the bias row of the precision matrix (l11, l12), r1 = tau * sum w y and
 * the sums tau * sum w x^2 (tWXX) and tau * sum w x y (tWXY), written into `out`.
 */
function scalePosterior(out: Float64Array, l11: number, l12: number, r1: number, tWXX: number, tWXY: number, precision: number, mean: number): void {
  const l22 = precision + tWXX;
  const r2 = precision * mean + tWXY;
  const det = l11 * l22 - l12 * l12;
  const b = (l22 * r1 - l12 * r2) / det;
  const k = (l11 * r2 - l12 * r1) / det;
  out[B] = b;
  out[K] = k;
  out[CBB] = l22 / det;
  out[CKK] = l11 / det;
  out[CBK] = -l12 / det;
  out[DET] = det;
  out[QUAD] = b * r1 + k * r2 - precision * mean * mean;
}

export const EMPTY_AUTHOR_STATS: AuthorStats = { count: 0, weight: 0, wz: 0, wzz: 0, wv: 0, grades: 0, top: 0 };

export const EMPTY_STATS: ReviewerStats = { count: 0, weight: 0, wx: 0, wxx: 0, wv: 0, wy: 0, wxy: 0, wyy: 0, top: 0 };

function positive(name: string, value: number): number {
  if (!(value > 0) || Number.isNaN(value)) {
    throw new RangeError(`${name} must be a positive number, got ${value}`);
  }
  return value;
}

function compareIds(a: string, b: string): number {
  // Code-unit order, not localeCompare, so the fit does not depend on the host's locale.
  return a < b ? -1 : a > b ? 1 : 0;
}


type MutableStats = { -readonly [K in keyof ReviewerStats]: number };

function addGrade(sums: MutableStats, w: number, x: number, xVariance: number, y: number, top: number): void {
  sums.count += 1;
  sums.top += top;
  sums.weight += w;
  sums.wx += w * x;
  sums.wxx += w * x * x;
  sums.wv += w * xVariance;
  sums.wy += w * y;
  sums.wxy += w * x * y;
  sums.wyy += w * y * y;
}

/** log Gamma(z) for z > 0 (Stirling's series after shifting z above 7; error below 1e-10). */
function logGamma(z: number): number {
  let shift = 0;
  while (z < 7) {
    shift += Math.log(z);
    z += 1;
  }
  const inv = 1 / z;
  const inv2 = inv * inv;
  return (z - 0.5) * Math.log(z) - z + 0.5 * Math.log(2 * Math.PI) + inv * (1 / 12 - inv2 * (1 / 360 - inv2 / 1260)) - shift;
}

/** values(item) for each item, as a typed array: Float64Array.from with a mapper goes through the iterator protocol element by element, which showed in a close's profile. */
function column<T>(items: ArrayLike<T>, value: (item: T) => number): Float64Array {
  const out = new Float64Array(items.length);
  for (let i = 0; i < items.length; i++) out[i] = value(items[i]!);
  return out;
}

/** Stable counting sort of `order` by `key[i]` in 0..buckets-1. */
function sortByKey(order: Int32Array, key: Int32Array, buckets: number): Int32Array {
  const start = new Int32Array(buckets + 1);
  for (const i of order) start[key[i]! + 1]!++;
  for (let b = 0; b < buckets; b++) start[b + 1]! += start[b]!;
  const out = new Int32Array(order.length);
  for (const i of order) out[start[key[i]!]!++] = i;
  return out;
}

/** The priors a fit runs with (see BiasModelOptions). */
interface Priors {
  readonly eta0: number;
  readonly kappa0: number;
  readonly alpha0: number;
  readonly beta0: number;
  readonly gamma0: number;
  readonly nu: number;
}

/** The fit's grades in canonical order, grouped by answer, and the indexes the sweeps walk them by. */
interface SweepInputs {
  /** Grade g's answer, reviewer and score less the rubric's middle. */
  readonly gradeAnswer: Int32Array;
  readonly gradeReviewer: Int32Array;
  readonly y: Float64Array;
  /** Answer u's grades are answerStart[u] until answerStart[u + 1]. */
  readonly answerStart: Int32Array;
  /** Reviewer v's grades are byReviewer[reviewerStart[v]] until byReviewer[reviewerStart[v + 1]]. */
  readonly byReviewer: Int32Array;
  readonly reviewerStart: Int32Array;
  readonly answerAuthor: Int32Array;
  /** Each reviewer's sums from earlier fits. */
  readonly history: readonly ReviewerStats[];
  /** Each author's favours received and grades in earlier fits, and grades in this one. */
  readonly authorPastTop: Float64Array;
  readonly authorPastGrades: Float64Array;
  readonly authorGrades: Float64Array;
  readonly plainMean: Float64Array;
}

const TOP = MAX_SCORE - MIDDLE;

/**
 * The variational posterior and its coordinate-ascent updates: x ~ N(xMean, xVar); (b, k)
 * jointly Gaussian; tau ~ Gamma with mean tau. These loops are what a fit spends its time in,
 * and they live in methods of their own, not in the body of the generator `fitting` that drives
 * them: TurboFan compiles a function whole, and the generator with them inside took 57-83 ms to
 * compile (several times over, as its feedback settled) while a close's first fits ran
 * unoptimised, at 100-200 ms of CPU each where a warm fit takes 15. Each method compiles in a
 * few. On the close bench the fit went from 42 to 17 ms of CPU at the median, and a refit of 30
 * days from 6.2 to 2.6 s on PostgreSQL.
 */
class Sweeps {
  readonly xMean: Float64Array;
  readonly xVar: Float64Array;
  /** Each grade's weight (its t weight, less its chance of being a favour) and its chance of being a favour. */
  readonly weight: Float64Array;
  readonly topOf: Float64Array;
  readonly bias: Float64Array;
  readonly scale: Float64Array;
  private readonly biasVar: Float64Array;
  private readonly scaleVar: Float64Array;
  readonly tau: Float64Array;
  // The history's sums as columns: read for every reviewer in every sweep, and the objects come
  // in two shapes (parsed from the database, or EMPTY_STATS), which made each read a polymorphic lookup.
  private readonly pastCount: Float64Array;
  private readonly pastTop: Float64Array;
  private readonly pastWeight: Float64Array;
  private readonly pastWx: Float64Array;
  private readonly pastWxx: Float64Array;
  private readonly pastWv: Float64Array;
  private readonly pastWy: Float64Array;
  private readonly pastWxy: Float64Array;
  private readonly pastWyy: Float64Array;
  private readonly favoursGiven: Float64Array;
  /** Favours each author received in this sweep's grades, and their share with history. */
  readonly authorTop: Float64Array;
  private readonly favoursReceived: Float64Array;
  // Each reviewer's posterior probability of ignoring the answers, their scale if they follow
  // them, and the posterior mean of k^2 across the two components (each at its point estimate).
  private readonly ignoring: Float64Array;
  private readonly followingScale: Float64Array;
  private readonly followingScaleVar: Float64Array;
  private readonly scaleSquare: Float64Array;
  private readonly follows = newPosterior();
  private readonly ignores = newPosterior();
  private readonly robust: boolean;
  /** The log of the t density's constant, at unit precision. */
  private readonly logDensityConstant: number;
  private kappa: number;
  private ignoringOdds: number;
  /** How far any estimate moved in the current sweep. */
  change = 0;

  constructor(
    private readonly grades: SweepInputs,
    private readonly priors: Priors,
  ) {
    const { y, plainMean, history, authorPastTop, authorPastGrades } = grades;
    const { eta0, kappa0, alpha0, beta0, nu } = priors;
    const A = plainMean.length;
    const R = history.length;
    this.xMean = column(plainMean, (m) => m - MIDDLE);
    this.xVar = new Float64Array(A);
    this.weight = new Float64Array(y.length).fill(1);
    this.topOf = new Float64Array(y.length);
    this.bias = new Float64Array(R);
    this.scale = new Float64Array(R).fill(1);
    this.biasVar = new Float64Array(R).fill(1 / eta0);
    this.scaleVar = new Float64Array(R).fill(1 / kappa0);
    this.tau = new Float64Array(R).fill(alpha0 / beta0);
    this.pastCount = column(history, (h) => h.count);
    this.pastTop = column(history, (h) => h.top);
    this.pastWeight = column(history, (h) => h.weight);
    this.pastWx = column(history, (h) => h.wx);
    this.pastWxx = column(history, (h) => h.wxx);
    this.pastWv = column(history, (h) => h.wv);
    this.pastWy = column(history, (h) => h.wy);
    this.pastWxy = column(history, (h) => h.wxy);
    this.pastWyy = column(history, (h) => h.wyy);
    this.favoursGiven = new Float64Array(R);
    this.authorTop = new Float64Array(authorPastTop.length);
    this.favoursReceived = new Float64Array(authorPastTop.length);
    for (let a = 0; a < authorPastTop.length; a++) this.favoursReceived[a] = favourShare(authorPastTop[a]!, authorPastGrades[a]!);
    this.ignoring = new Float64Array(R);
    this.followingScale = new Float64Array(R).fill(1);
    this.followingScaleVar = new Float64Array(R).fill(1 / kappa0);
    this.scaleSquare = new Float64Array(R).fill(1);
    this.robust = Number.isFinite(nu);
    this.logDensityConstant = this.robust ? logGamma((nu + 1) / 2) - logGamma(nu / 2) - 0.5 * Math.log(nu * Math.PI) : -0.5 * Math.log(2 * Math.PI);
    this.kappa = kappa0;
    this.ignoringOdds = (1 - IGNORING_SHARE_PRIOR) / IGNORING_SHARE_PRIOR;
    // Reviewers start from what their history says, so a close converges in a few sweeps.
    for (let v = 0; v < R; v++) {
      for (let i = 0; i < 3; i++) this.updateReviewer(v, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }
  }

  /**
   * Updates reviewer v's (b, k) and then tau from history plus this sweep's sums of their grades
   * (passed one by one: kept in locals by the sweep, not in an object whose every field write
   * goes through a box); returns how far they moved.
   */
  private updateReviewer(v: number, count: number, top: number, weight: number, wx: number, wxx: number, wv: number, wy: number, wxy: number, wyy: number): number {
    const { follows, ignores, kappa } = this;
    const { eta0, alpha0, beta0 } = this.priors;
    const W = this.pastWeight[v]! + weight;
    const WX = this.pastWx[v]! + wx;
    const WXX = this.pastWxx[v]! + wxx;
    const WY = this.pastWy[v]! + wy;
    const WXY = this.pastWxy[v]! + wxy;
    const WYY = this.pastWyy[v]! + wyy;
    const WV = this.pastWv[v]! + wv;
    const t = this.tau[v]!;
    const l11 = eta0 + t * W;
    const l12 = t * WX;
    const r1 = t * WY;
    scalePosterior(follows, l11, l12, r1, t * WXX, t * WXY, kappa, 1);
    scalePosterior(ignores, l11, l12, r1, t * WXX, t * WXY, IGNORING_SCALE_PRECISION, 0);
    // The posterior probability of ignoring: 1 / (1 + prior odds * likelihood ratio of following).
    const likelihoodRatio = Math.sqrt((kappa * ignores[DET]!) / (IGNORING_SCALE_PRECISION * follows[DET]!)) * Math.exp(0.5 * (follows[QUAD]! - ignores[QUAD]!));
    const r = 1 / (1 + this.ignoringOdds * likelihoodRatio);
    const q = 1 - r;
    const fb = follows[B]!;
    const fk = follows[K]!;
    const ib = ignores[B]!;
    const ik = ignores[K]!;
    this.followingScale[v] = fk;
    this.followingScaleVar[v] = follows[CKK]!;
    this.ignoring[v] = r;
    this.scaleSquare[v] = q * fk ** 2 + r * ik ** 2;
    const b = q * fb + r * ib;
    const k = q * fk + r * ik;
    const cbb = q * (follows[CBB]! + fb ** 2) + r * (ignores[CBB]! + ib ** 2) - b * b;
    const ckk = q * (follows[CKK]! + fk ** 2) + r * (ignores[CKK]! + ik ** 2) - k * k;
    const cbk = q * (follows[CBK]! + fb * fk) + r * (ignores[CBK]! + ib * ik) - b * k;
    const squared = WYY - 2 * (b * WY + k * WXY) + (b * b + cbb) * W + 2 * (b * k + cbk) * WX + (k * k + ckk) * (WXX + WV);
    const pastTop = this.pastTop[v]!;
    const pastCount = this.pastCount[v]!;
    const ordinary = pastCount + count - pastTop - top;
    const nextTau = (alpha0 + ordinary / 2) / (beta0 + Math.max(0, squared) / 2);
    const nextGiven = favourShare(pastTop + top, pastCount + count);
    const moved = Math.max(Math.abs(b - this.bias[v]!), Math.abs(k - this.scale[v]!), Math.abs(nextTau - t) / t, Math.abs(nextGiven - this.favoursGiven[v]!));
    this.favoursGiven[v] = nextGiven;
    this.bias[v] = b;
    this.scale[v] = k;
    this.biasVar[v] = cbb;
    this.scaleVar[v] = ckk;
    this.tau[v] = nextTau;
    return moved;
  }

  /** Each answer's x given its grades and the reviewers as they stand; returns how far any moved. */
  answerStep(): number {
    const { answerStart, gradeReviewer, y } = this.grades;
    const { scale, tau, weight, scaleSquare, bias, xMean, xVar } = this;
    const A = xMean.length;
    let change = 0;
    for (let u = 0; u < A; u++) {
      let precision = this.priors.gamma0;
      let weighted = 0;
      for (let g = answerStart[u]!; g < answerStart[u + 1]!; g++) {
        const v = gradeReviewer[g]!;
        const k = scale[v]!;
        const t = tau[v]! * weight[g]!;
        // Within each component of k's posterior the point estimate, not E[k^2]: with the answers
        // free and their prior weak, the mean-field E[k^2] shrinks every x a little each sweep and
        // the scales drift away from 1. Across the components the second moment: a reviewer who
        // may be of either sort has their grade count by how likely they follow the answers,
        // rather than divided by a mean scale near a half, which doubled it. With 500 reviewers
        // such doubled grades on day 1 made the answers look extreme, so every reviewer looked
        // like one who ignores them (always-3 cohort, 2.3x the plain mean's RMSE that day).
        precision += t * scaleSquare[v]!;
        weighted += t * k * (y[g]! - bias[v]!);
      }
      const next = weighted / precision;
      change = Math.max(change, Math.abs(next - xMean[u]!));
      xMean[u] = next;
      xVar[u] = 1 / precision;
    }
    return change;
  }

  /** Updates the reviewers from `from` on until about CHUNK grades' worth is done; returns where it stopped. */
  reviewerSweep(from: number): number {
    const { byReviewer, reviewerStart, gradeAnswer, y, answerAuthor } = this.grades;
    const { bias, scale, scaleVar, tau, xMean, xVar, weight, topOf, authorTop, favoursGiven, favoursReceived, robust, logDensityConstant } = this;
    const { nu } = this.priors;
    const R = bias.length;
    let change = 0;
    let work = 0;
    let v = from;
    for (; v < R && work < CHUNK; v++) {
      const b = bias[v]!;
      const k = scale[v]!;
      const k2 = k * k + scaleVar[v]!;
      const t = tau[v]!;
      // Only a top-button grade needs it, and in a close most reviewers give none.
      let halfLogT: number | undefined;
      let count = 0;
      let tops = 0;
      let weights = 0;
      let wx = 0;
      let wxx = 0;
      let wv = 0;
      let wy = 0;
      let wxy = 0;
      let wyy = 0;
      for (let i = reviewerStart[v]!; i < reviewerStart[v + 1]!; i++) {
        const g = byReviewer[i]!;
        const u = gradeAnswer[g]!;
        const x = xMean[u]!;
        const answerVar = xVar[u]!;
        const yg = y[g]!;
        const r = yg - b - k * x;
        const q = t * (r * r + k2 * answerVar);
        let w = robust ? (nu + 1) / (nu + q) : 1;
        let top = 0;
        if (yg >= TOP) {
          // A favour clicks the top button for certain; an ordinary grade lands on it with about
          // the t density there, the buttons being a rubric point apart.
          halfLogT ??= 0.5 * Math.log(t);
          const density = Math.exp(logDensityConstant + halfLogT + (robust ? -0.5 * (nu + 1) * Math.log1p(q / nu) : -0.5 * q));
          const odds = favourOdds(favoursGiven[v]!, favoursReceived[answerAuthor[u]!]!);
          top = odds / (odds + density);
          w *= 1 - top;
        }
        weight[g] = w;
        topOf[g] = top;
        authorTop[answerAuthor[u]!]! += top;
        // The same sums, in the same order, as addGrade.
        count += 1;
        tops += top;
        weights += w;
        wx += w * x;
        wxx += w * x * x;
        wv += w * answerVar;
        wy += w * yg;
        wxy += w * x * yg;
        wyy += w * yg * yg;
      }
      change = Math.max(change, this.updateReviewer(v, count, tops, weights, wx, wxx, wv, wy, wxy, wyy));
      work += reviewerStart[v + 1]! - reviewerStart[v]!;
    }
    this.change = Math.max(this.change, change);
    return v;
  }

  /**
   * Each answer's noise variance: how far its estimate from its grades alone (xMean) may be off.
   * It also counts each reviewer's bias uncertainty, which the factorised posterior variance xVar
   * leaves out: a grade from an unknown reviewer says less.
   */
  noiseVariances(): Float64Array {
    const { answerStart, gradeReviewer } = this.grades;
    const { scaleSquare, tau, weight, biasVar } = this;
    const noiseVar = new Float64Array(this.xMean.length);
    for (let u = 0; u < noiseVar.length; u++) {
      let precision = this.priors.gamma0;
      for (let g = answerStart[u]!; g < answerStart[u + 1]!; g++) {
        const v = gradeReviewer[g]!;
        precision += scaleSquare[v]! / (1 / (tau[v]! * weight[g]!) + biasVar[v]!);
      }
      noiseVar[u] = 1 / precision;
    }
    return noiseVar;
  }

  /**
   * After a sweep over the reviewers: the authors' shares of favours received, and the scale
   * prior's two components. The follower component's variance is the followers' mean squared
   * distance of scale from 1, posterior spread included, each reviewer counted by how likely they
   * follow; the share of the other component is the reviewers' mean probability of ignoring the answers.
   */
  updatePriors(): void {
    const { authorPastTop, authorPastGrades, authorGrades } = this.grades;
    const { authorTop, favoursReceived, ignoring, followingScale, followingScaleVar } = this;
    let change = 0;
    for (let a = 0; a < authorTop.length; a++) {
      const next = favourShare(authorPastTop[a]! + authorTop[a]!, authorPastGrades[a]! + authorGrades[a]!);
      change = Math.max(change, Math.abs(next - favoursReceived[a]!));
      favoursReceived[a] = next;
    }
    const R = ignoring.length;
    let followers = SCALE_PRIOR_REVIEWERS;
    let squaredDistance = SCALE_PRIOR_REVIEWERS / this.priors.kappa0;
    let ignorers = SCALE_PRIOR_REVIEWERS * IGNORING_SHARE_PRIOR;
    for (let v = 0; v < R; v++) {
      const r = ignoring[v]!;
      followers += 1 - r;
      squaredDistance += (1 - r) * ((followingScale[v]! - 1) ** 2 + followingScaleVar[v]!);
      ignorers += r;
    }
    const nextKappa = followers / squaredDistance;
    const ignoringShare = ignorers / (SCALE_PRIOR_REVIEWERS + R);
    this.ignoringOdds = (1 - ignoringShare) / ignoringShare;
    change = Math.max(change, Math.abs(nextKappa - this.kappa) / this.kappa);
    this.kappa = nextKappa;
    this.change = Math.max(this.change, change);
  }
}

/** The fit's grades numbered: ids in code-unit order, and each grade's answer and reviewer by number. */
interface NumberedGrades {
  readonly answerIds: readonly string[];
  readonly reviewerIds: readonly string[];
  readonly inputAnswer: Int32Array;
  readonly inputReviewer: Int32Array;
}

function checkScores({ answerIds, reviewerIds, scores }: GradeColumns): void {
  for (let g = 0; g < scores.length; g++) {
    if (!Number.isFinite(scores[g])) {
      throw new RangeError(`grade by ${reviewerIds[g]} on ${answerIds[g]} has non-finite score ${scores[g]}`);
    }
  }
}

/** Ids are sorted once each, so that numbering them does not depend on the caller's order. */
function numberGrades({ answerIds: gradeAnswerIds, reviewerIds: gradeReviewerIds }: GradeColumns): NumberedGrades {
  const n = gradeAnswerIds.length;
  const answerIndex = new Map<string, number>();
  const reviewerIndex = new Map<string, number>();
  for (let g = 0; g < n; g++) {
    answerIndex.set(gradeAnswerIds[g]!, 0);
    reviewerIndex.set(gradeReviewerIds[g]!, 0);
  }
  const answerIds = [...answerIndex.keys()].sort(compareIds);
  const reviewerIds = [...reviewerIndex.keys()].sort(compareIds);
  answerIds.forEach((id, u) => answerIndex.set(id, u));
  reviewerIds.forEach((id, v) => reviewerIndex.set(id, v));
  const inputAnswer = new Int32Array(n);
  const inputReviewer = new Int32Array(n);
  for (let g = 0; g < n; g++) {
    inputAnswer[g] = answerIndex.get(gradeAnswerIds[g]!) as number;
    inputReviewer[g] = reviewerIndex.get(gradeReviewerIds[g]!) as number;
  }
  return { answerIds, reviewerIds, inputAnswer, inputReviewer };
}

/**
 * The grades in canonical order (answer, then reviewer, then score), which makes every
 * floating-point sum independent of the caller's order: grouped by answer (contiguous) and
 * indexed by reviewer, with each answer's plain mean.
 */
function orderGrades({ answerIds, reviewerIds, inputAnswer, inputReviewer }: NumberedGrades, scores: readonly number[]) {
  const n = scores.length;
  const A = answerIds.length;
  const R = reviewerIds.length;
  const inputOrder = new Int32Array(n);
  for (let g = 0; g < n; g++) inputOrder[g] = g;
  const order = sortByKey(sortByKey(inputOrder, inputReviewer, R), inputAnswer, A);
  // The same reviewer grading the same answer twice is rare (the database forbids it): order those by score.
  for (let i = 1; i < n; i++) {
    const p = order[i - 1]!;
    const q = order[i]!;
    if (inputAnswer[p]! === inputAnswer[q]! && inputReviewer[p]! === inputReviewer[q]!) {
      let j = i + 1;
      while (j < n && inputAnswer[order[j]!]! === inputAnswer[q]! && inputReviewer[order[j]!]! === inputReviewer[q]!) j++;
      const tied = [...order.subarray(i - 1, j)].sort((a, b) => scores[a]! - scores[b]!);
      order.set(tied, i - 1);
      i = j;
    }
  }
  const gradeAnswer = new Int32Array(n);
  const gradeReviewer = new Int32Array(n);
  const y = new Float64Array(n);
  const answerStart = new Int32Array(A + 1);
  for (let g = 0; g < n; g++) {
    const source = order[g]!;
    gradeAnswer[g] = inputAnswer[source]!;
    gradeReviewer[g] = inputReviewer[source]!;
    y[g] = scores[source]! - MIDDLE;
    answerStart[gradeAnswer[g]! + 1]!++;
  }
  for (let u = 0; u < A; u++) answerStart[u + 1]! += answerStart[u]!;
  const canonical = new Int32Array(n);
  for (let g = 0; g < n; g++) canonical[g] = g;
  const byReviewer = sortByKey(canonical, gradeReviewer, R);
  const reviewerStart = new Int32Array(R + 1);
  for (let g = 0; g < n; g++) reviewerStart[gradeReviewer[g]! + 1]!++;
  for (let v = 0; v < R; v++) reviewerStart[v + 1]! += reviewerStart[v]!;
  const plainMean = new Float64Array(A);
  for (let u = 0; u < A; u++) {
    let sum = 0;
    for (let g = answerStart[u]!; g < answerStart[u + 1]!; g++) sum += y[g]!;
    plainMean[u] = MIDDLE + sum / (answerStart[u + 1]! - answerStart[u]!);
  }
  return { gradeAnswer, gradeReviewer, y, answerStart, byReviewer, reviewerStart, plainMean };
}

/**
 * Each answer's author by number (an answer of unknown authorship is an author of its own),
 * each author's sums from earlier fits, and the grades their answers got in this one.
 */
function numberAuthors(answerIds: readonly string[], answerStart: Int32Array, authorOf: ReadonlyMap<string, string>, authorHistory: ReadonlyMap<string, AuthorStats>) {
  const A = answerIds.length;
  const authorIndex = new Map<string, number>();
  const authorIds: (string | undefined)[] = [];
  const answerAuthor = new Int32Array(A);
  for (let u = 0; u < A; u++) {
    const authorId = authorOf.get(answerIds[u] as string);
    let a = authorId === undefined ? undefined : authorIndex.get(authorId);
    if (a === undefined) {
      a = authorIds.length;
      if (authorId !== undefined) authorIndex.set(authorId, a);
      authorIds.push(authorId);
    }
    answerAuthor[u] = a;
  }
  const authorPast = authorIds.map((id) => (id === undefined ? undefined : authorHistory.get(id)) ?? EMPTY_AUTHOR_STATS);
  const authorGrades = new Float64Array(authorIds.length);
  for (let u = 0; u < A; u++) authorGrades[answerAuthor[u]!]! += answerStart[u + 1]! - answerStart[u]!;
  return { authorIds, answerAuthor, authorPast, authorGrades };
}

/**
 * Authors' levels: each author's sums (history plus this fit's answers, each weighted by how
 * much it says about its author), and the cohort's centre, the spread of an author's answers
 * around their own level (within) and the spread of the levels (between), estimated from them.
 */
class AuthorLevels {
  readonly count: Float64Array;
  readonly weight: Float64Array;
  readonly wz: Float64Array;
  readonly wzz: Float64Array;
  readonly wv: Float64Array;
  private readonly answerWeight: Float64Array;
  private centre = 0;
  private within = WITHIN_PRIOR;
  private between = BETWEEN_PRIOR;

  constructor(
    private readonly past: readonly AuthorStats[],
    private readonly answerAuthor: Int32Array,
    /** Each answer's estimate from its grades alone, and that estimate's noise variance. */
    private readonly estimate: Float64Array,
    private readonly noiseVar: Float64Array,
  ) {
    const M = past.length;
    this.count = new Float64Array(M);
    this.weight = new Float64Array(M);
    this.wz = new Float64Array(M);
    this.wzz = new Float64Array(M);
    this.wv = new Float64Array(M);
    this.answerWeight = new Float64Array(answerAuthor.length);
  }

  gather(): void {
    const { past, answerAuthor, estimate, noiseVar, answerWeight, count, weight, wz, wzz, wv, within } = this;
    for (let a = 0; a < past.length; a++) {
      const h = past[a] as AuthorStats;
      count[a] = h.count;
      weight[a] = h.weight;
      wz[a] = h.wz;
      wzz[a] = h.wzz;
      wv[a] = h.wv;
    }
    for (let u = 0; u < answerAuthor.length; u++) {
      const a = answerAuthor[u]!;
      const w = 1 / (within + noiseVar[u]!);
      const z = estimate[u]!;
      answerWeight[u] = w;
      count[a]! += 1;
      weight[a]! += w;
      wz[a]! += w * z;
      wzz[a]! += w * z * z;
      wv[a]! += w * noiseVar[u]!;
    }
  }

  /** Empirical Bayes for the centre and both spreads, from the authors' sums. */
  estimateSpreads(emIterations: number): void {
    const { count, weight, wz, wzz, wv } = this;
    const M = count.length;
    let weightSum = 0;
    let wzSum = 0;
    let scatter = WITHIN_PRIOR * SPREAD_PRIOR_ANSWERS;
    let scatterWeight = SPREAD_PRIOR_ANSWERS;
    for (let a = 0; a < M; a++) {
      const w = weight[a]!;
      weightSum += w;
      wzSum += wz[a]!;
      if (count[a]! < 2) continue;
      // E[sum w (z - weighted mean)^2] = (1 - 1/n) * sum w (within + v) when w = 1 / (within + v).
      const dof = 1 - 1 / count[a]!;
      scatter += wzz[a]! - (wz[a]! * wz[a]!) / w - dof * wv[a]!;
      scatterWeight += dof * w;
    }
    const centre = weightSum > 0 ? wzSum / weightSum : 0;
    this.centre = centre;
    this.within = Math.max(MIN_SPREAD, scatter / scatterWeight);
    let between = this.between;
    for (let it = 0; it < emIterations; it++) {
      let sum = SPREAD_PRIOR_ANSWERS * BETWEEN_PRIOR;
      let authors = SPREAD_PRIOR_ANSWERS;
      for (let a = 0; a < M; a++) {
        const w = weight[a]!;
        if (!(w > 0)) continue;
        const noise = 1 / w;
        const f = between / (between + noise);
        sum += f * f * (wz[a]! / w - centre) ** 2 + f * noise;
        authors++;
      }
      const next = Math.max(MIN_SPREAD, sum / authors);
      const moved = Math.abs(next - between);
      between = next;
      if (moved < 1e-6) break;
    }
    this.between = between;
  }

  /** Answer u's estimate shrunk toward the prior from everything else its author wrote, by its noise variance: [score, variance]. */
  shrink(u: number): [number, number] {
    const { between } = this;
    const a = this.answerAuthor[u]!;
    const w = this.answerWeight[u]!;
    const z = this.estimate[u]!;
    const precision = 1 / between + this.weight[a]! - w;
    const priorMean = (this.centre / between + this.wz[a]! - w * z) / precision;
    const priorVar = this.within + 1 / precision;
    const variance = this.noiseVar[u]!;
    const f = priorVar / (priorVar + variance);
    return [priorMean + f * (z - priorMean), variance * f];
  }
}

/**
 * The fit as a generator that yields between its steps, so a caller can hand the event loop
 * back between them (fitBiasModelAsync) or run it straight through (fitBiasModel). The steps
 * are functions and methods of their own (see Sweeps for why), each at most a few milliseconds
 * on a refit's 50,000 grades a criterion.
 */
function* fitting(columns: GradeColumns, options: BiasModelOptions): Generator<void, BiasModelFit> {
  const iterations = options.iterations ?? DEFAULTS.iterations;
  if (!Number.isInteger(iterations) || iterations < 1) {
    throw new RangeError(`iterations must be a positive integer, got ${iterations}`);
  }
  const tolerance = positive("tolerance", options.tolerance ?? DEFAULTS.tolerance);
  const priors: Priors = {
    eta0: positive("biasPriorPrecision", options.biasPriorPrecision ?? DEFAULTS.biasPriorPrecision),
    kappa0: positive("scalePriorPrecision", options.scalePriorPrecision ?? DEFAULTS.scalePriorPrecision),
    alpha0: positive("reliabilityPriorShape", options.reliabilityPriorShape ?? DEFAULTS.reliabilityPriorShape),
    beta0: positive("reliabilityPriorRate", options.reliabilityPriorRate ?? DEFAULTS.reliabilityPriorRate),
    gamma0: positive("truePriorPrecision", options.truePriorPrecision ?? DEFAULTS.truePriorPrecision),
    nu: positive("robustness", options.robustness ?? DEFAULTS.robustness),
  };
  const shrinkage = options.shrinkage ?? true;
  const history = options.history ?? new Map<string, ReviewerStats>();

  checkScores(columns);
  if (columns.scores.length === 0) return { answers: new Map(), reviewers: new Map(), authors: new Map() };
  const numbered = numberGrades(columns);
  yield;
  const { answerIds, reviewerIds } = numbered;
  const ordered = orderGrades(numbered, columns.scores);
  yield;
  const { answerStart, gradeAnswer, y, byReviewer, reviewerStart, plainMean } = ordered;
  const { authorIds, answerAuthor, authorPast, authorGrades } = numberAuthors(answerIds, answerStart, options.authors ?? new Map(), options.authorHistory ?? new Map());
  const historyOf = reviewerIds.map((id) => history.get(id) ?? EMPTY_STATS);
  const sweeps = new Sweeps(
    {
      ...ordered,
      answerAuthor,
      history: historyOf,
      authorPastTop: column(authorPast, (h) => h.top),
      authorPastGrades: column(authorPast, (h) => h.grades),
      authorGrades,
    },
    priors,
  );
  yield;

  const R = reviewerIds.length;
  for (let sweep = 0; sweep < iterations; sweep++) {
    sweeps.change = sweeps.answerStep();
    sweeps.authorTop.fill(0);
    yield;
    for (let v = 0; v < R; ) {
      v = sweeps.reviewerSweep(v);
      yield;
    }
    sweeps.updatePriors();
    if (sweeps.change < tolerance) break;
  }
  // Final answer estimates under the final reviewer parameters, and the sums they imply.
  sweeps.answerStep();
  const noiseVar = sweeps.noiseVariances();
  yield;

  // The answers' weights depend on the within-author spread they estimate: a few rounds settle both.
  const levels = new AuthorLevels(authorPast, answerAuthor, sweeps.xMean, noiseVar);
  for (let round = 0; round < AUTHOR_ROUNDS; round++) {
    levels.gather();
    levels.estimateSpreads(SPREAD_ITERATIONS);
  }
  levels.gather();
  yield;

  const answers = new Map<string, AnswerEstimate>();
  for (let u = 0; u < answerIds.length; u++) {
    if (u % CHUNK === CHUNK - 1) yield;
    const [score, variance] = shrinkage ? levels.shrink(u) : [sweeps.xMean[u]!, noiseVar[u]!];
    const answerId = answerIds[u] as string;
    answers.set(answerId, {
      answerId,
      score: Math.min(MAX_SCORE, Math.max(MIN_SCORE, MIDDLE + score)),
      uncertainty: Math.sqrt(variance),
      plainMean: plainMean[u]!,
      gradeCount: answerStart[u + 1]! - answerStart[u]!,
    });
  }

  const { xMean, xVar, weight, topOf, bias, scale, tau, authorTop } = sweeps;
  const reviewers = new Map<string, ReviewerEstimate>();
  for (let v = 0; v < R; v++) {
    const stats = { ...(historyOf[v] as ReviewerStats) };
    for (let i = reviewerStart[v]!; i < reviewerStart[v + 1]!; i++) {
      const g = byReviewer[i]!;
      const u = gradeAnswer[g]!;
      addGrade(stats, weight[g]!, xMean[u]!, xVar[u]!, y[g]!, topOf[g]!);
    }
    const reviewerId = reviewerIds[v] as string;
    reviewers.set(reviewerId, { reviewerId, bias: bias[v]!, scale: scale[v]!, reliability: tau[v]!, gradeCount: stats.count, stats });
  }
  const authors = new Map<string, AuthorEstimate>();
  for (let a = 0; a < authorIds.length; a++) {
    const authorId = authorIds[a];
    if (authorId === undefined) continue;
    authors.set(authorId, {
      authorId,
      stats: {
        count: levels.count[a]!,
        weight: levels.weight[a]!,
        wz: levels.wz[a]!,
        wzz: levels.wzz[a]!,
        wv: levels.wv[a]!,
        grades: (authorPast[a] as AuthorStats).grades + authorGrades[a]!,
        top: (authorPast[a] as AuthorStats).top + authorTop[a]!,
      },
    });
  }
  return { answers, reviewers, authors };
}

/** Fits the model in one go: for tests and small inputs. */
export function fitBiasModel(grades: readonly Grade[] | GradeColumns, options: BiasModelOptions = {}): BiasModelFit {
  const steps = fitting(columnsOf(grades), options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * Fits the model giving the event loop back whenever a slice of `sliceMs` has run, so a
 * refit over a cohort's whole history never holds up acks and clicks. Same result as fitBiasModel.
 * 5 ms, not 10: while the garbage collector marks a refit's heap its threads' time counts in
 * the slice too, and the refit's longest blocks took about twice as much CPU as wall-clock time.
 */
export async function fitBiasModelAsync(grades: readonly Grade[] | GradeColumns, options: BiasModelOptions = {}, sliceMs = 5): Promise<BiasModelFit> {
  const steps = fitting(columnsOf(grades), options);
  let sliceStart = performance.now();
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (performance.now() - sliceStart >= sliceMs) {
      await nextTurn();
      sliceStart = performance.now();
    }
  }
}
