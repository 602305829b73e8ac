// Peer-grading model PG1 from Piech et al. 2013, "Tuned Models of Peer Assessment in MOOCs":
//   true score  s_u ~ N(mu0, 1/gamma0)
//   bias        b_v ~ N(0, 1/eta0)
//   reliability tau_v ~ Gamma(alpha0, beta0)
//   grade       z_uv ~ N(s_u + b_v, 1/tau_v)
// Fitted by coordinate ascent with closed-form updates, one block (s, b, tau) at a time.

export interface Grade {
  readonly answerId: string;
  readonly reviewerId: string;
  readonly score: number;
}

export interface AnswerEstimate {
  readonly answerId: string;
  /** Bias- and reliability-corrected score, clamped to the rubric range [1, 5]. */
  readonly score: number;
  /** Posterior standard deviation of the true score, in rubric points. */
  readonly uncertainty: number;
  readonly plainMean: number;
  readonly gradeCount: number;
}

export interface ReviewerEstimate {
  readonly reviewerId: string;
  /** Posterior mean of the additive bias: positive means the reviewer grades high. */
  readonly bias: number;
  /** Posterior mean of the precision 1/variance of the reviewer's grading noise. */
  readonly reliability: number;
  readonly gradeCount: number;
}

export interface BiasModelOptions {
  /** Maximum number of coordinate-ascent sweeps; the fit stops earlier once it has converged. */
  readonly iterations?: number;
  /** eta0: precision of the zero-mean prior on reviewer bias. */
  readonly biasPriorPrecision?: number;
  /** alpha0: shape of the Gamma prior on reviewer reliability. */
  readonly reliabilityPriorShape?: number;
  /** beta0: rate of the Gamma prior on reviewer reliability (prior mean is shape / rate). */
  readonly reliabilityPriorRate?: number;
  /** gamma0: precision of the prior on true scores, centred on the mean of all grades. */
  readonly truePriorPrecision?: number;
}

export interface BiasModelFit {
  readonly answers: ReadonlyMap<string, AnswerEstimate>;
  readonly reviewers: ReadonlyMap<string, ReviewerEstimate>;
}

const MIN_SCORE = 1;
const MAX_SCORE = 5;
const TOLERANCE = 1e-10;

const DEFAULTS = {
  iterations: 200,
  // Bias prior sd 0.5 rubric points: a reviewer needs a few grades before a bias shows,
  // and a single grade leaves the bias near 0.
  biasPriorPrecision: 4,
  // Prior mean reliability 1 (noise sd 1 point), worth 2 * shape = 6 pseudo-grades, so a
  // reviewer whose few grades happen to agree is not treated as infallible.
  reliabilityPriorShape: 3,
  reliabilityPriorRate: 3,
  // Nearly flat: an answer's estimate should come from its grades, not from the cohort
  // average, so that unbiased reviewers reproduce the plain mean.
  truePriorPrecision: 0.01,
} as const;

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive finite number, got ${value}`);
  }
  return value;
}

function compareIds(a: string, b: string): number {
  // Code-unit order, not localeCompare, so the fit does not depend on the host's locale.
  return a < b ? -1 : a > b ? 1 : 0;
}

function at(values: ArrayLike<number>, index: number): number {
  return values[index] as number;
}

export function fitBiasModel(grades: readonly Grade[], options: BiasModelOptions = {}): BiasModelFit {
  const iterations = options.iterations ?? DEFAULTS.iterations;
  if (!Number.isInteger(iterations) || iterations < 1) {
    throw new RangeError(`iterations must be a positive integer, got ${iterations}`);
  }
  const eta0 = positive("biasPriorPrecision", options.biasPriorPrecision ?? DEFAULTS.biasPriorPrecision);
  const alpha0 = positive("reliabilityPriorShape", options.reliabilityPriorShape ?? DEFAULTS.reliabilityPriorShape);
  const beta0 = positive("reliabilityPriorRate", options.reliabilityPriorRate ?? DEFAULTS.reliabilityPriorRate);
  const gamma0 = positive("truePriorPrecision", options.truePriorPrecision ?? DEFAULTS.truePriorPrecision);

  for (const grade of grades) {
    if (!Number.isFinite(grade.score)) {
      throw new RangeError(`grade by ${grade.reviewerId} on ${grade.answerId} has non-finite score ${grade.score}`);
    }
  }
  if (grades.length === 0) {
    return { answers: new Map(), reviewers: new Map() };
  }

  // Canonical order makes every floating-point sum independent of the caller's order.
  const sorted = [...grades].sort(
    (a, b) => compareIds(a.answerId, b.answerId) || compareIds(a.reviewerId, b.reviewerId) || a.score - b.score,
  );
  const answerIds = [...new Set(sorted.map((g) => g.answerId))].sort(compareIds);
  const reviewerIds = [...new Set(sorted.map((g) => g.reviewerId))].sort(compareIds);
  const answerIndex = new Map(answerIds.map((id, i) => [id, i]));
  const reviewerIndex = new Map(reviewerIds.map((id, i) => [id, i]));

  const n = sorted.length;
  const gradeAnswer = new Int32Array(n);
  const gradeReviewer = new Int32Array(n);
  const z = new Float64Array(n);
  const byAnswer: number[][] = answerIds.map(() => []);
  const byReviewer: number[][] = reviewerIds.map(() => []);
  let total = 0;
  sorted.forEach((grade, g) => {
    const u = answerIndex.get(grade.answerId) as number;
    const v = reviewerIndex.get(grade.reviewerId) as number;
    gradeAnswer[g] = u;
    gradeReviewer[g] = v;
    z[g] = grade.score;
    total += grade.score;
    byAnswer[u]?.push(g);
    byReviewer[v]?.push(g);
  });
  const mu0 = total / n;

  const plainMean = byAnswer.map((gs) => gs.reduce((sum, g) => sum + at(z, g), 0) / gs.length);

  // Variational posterior moments: means and variances of s and b, Gamma(shape, rate) for tau.
  // Carrying the variances into the tau update keeps a reviewer who is the only grader of an
  // answer (zero point-estimate residual) from looking perfectly reliable.
  const sMean = Float64Array.from(plainMean);
  const sVar = new Float64Array(answerIds.length);
  const bMean = new Float64Array(reviewerIds.length);
  const bVar = new Float64Array(reviewerIds.length).fill(1 / eta0);
  const tauShape = Float64Array.from(byReviewer, (gs) => alpha0 + gs.length / 2);
  const tauMean = new Float64Array(reviewerIds.length).fill(alpha0 / beta0);

  for (let sweep = 0; sweep < iterations; sweep++) {
    let change = 0;

    for (let u = 0; u < answerIds.length; u++) {
      let precision = gamma0;
      let weighted = gamma0 * mu0;
      for (const g of byAnswer[u] ?? []) {
        const v = at(gradeReviewer, g);
        precision += at(tauMean, v);
        weighted += at(tauMean, v) * (at(z, g) - at(bMean, v));
      }
      const next = weighted / precision;
      change = Math.max(change, Math.abs(next - at(sMean, u)));
      sMean[u] = next;
      sVar[u] = 1 / precision;
    }

    for (let v = 0; v < reviewerIds.length; v++) {
      const gs = byReviewer[v] ?? [];
      let residual = 0;
      for (const g of gs) residual += at(z, g) - at(sMean, at(gradeAnswer, g));
      const precision = eta0 + gs.length * at(tauMean, v);
      const next = (at(tauMean, v) * residual) / precision;
      change = Math.max(change, Math.abs(next - at(bMean, v)));
      bMean[v] = next;
      bVar[v] = 1 / precision;
    }

    for (let v = 0; v < reviewerIds.length; v++) {
      let squared = 0;
      for (const g of byReviewer[v] ?? []) {
        const u = at(gradeAnswer, g);
        const r = at(z, g) - at(sMean, u) - at(bMean, v);
        squared += r * r + at(sVar, u) + at(bVar, v);
      }
      const next = at(tauShape, v) / (beta0 + squared / 2);
      change = Math.max(change, Math.abs(next - at(tauMean, v)) / at(tauMean, v));
      tauMean[v] = next;
    }

    if (change < TOLERANCE) break;
  }

  const answers = new Map<string, AnswerEstimate>();
  answerIds.forEach((answerId, u) => {
    const gs = byAnswer[u] ?? [];
    // The reported spread also counts each reviewer's bias uncertainty, which the factorised
    // posterior variance sVar leaves out: a grade from an unknown reviewer says less.
    let precision = gamma0;
    for (const g of gs) {
      const v = at(gradeReviewer, g);
      precision += 1 / (1 / at(tauMean, v) + at(bVar, v));
    }
    answers.set(answerId, {
      answerId,
      score: Math.min(MAX_SCORE, Math.max(MIN_SCORE, at(sMean, u))),
      uncertainty: Math.sqrt(1 / precision),
      plainMean: at(plainMean, u),
      gradeCount: gs.length,
    });
  });

  const reviewers = new Map<string, ReviewerEstimate>();
  reviewerIds.forEach((reviewerId, v) => {
    reviewers.set(reviewerId, {
      reviewerId,
      bias: at(bMean, v),
      reliability: at(tauMean, v),
      gradeCount: byReviewer[v]?.length ?? 0,
    });
  });

  return { answers, reviewers };
}
