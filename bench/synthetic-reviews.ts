/**
 * Synthetic cohorts for judging the scoring: members with a known ability answer daily,
 * three peers grade each answer with 1-5 buttons, and the reviewers misbehave in the ways
 * the scenarios name. `simulateCloses` scores every day exactly as a close does (the
 * product's fitForClose on an in-memory review store), so the figures are what members
 * were told at each close, with only the history up to it, and what the product stored
 * after a given day, earlier answers re-estimated by the refits up to then.
 */
import type { CoachDeps } from "../src/core/deps.ts";
import type { AuthorParams, CloseInputs, Grade, ReviewerParams, ReviewRepository, ScoringState, ScoringUpdate } from "../src/core/ports.ts";
import { fitForClose } from "../src/core/scores/reviewer-params.ts";

export const SCENARIOS = ["honest", "random-clicker", "always-5", "always-3", "scale-compressed", "heavy-tailed", "collusion-ring", "mixed"] as const;
export type Scenario = (typeof SCENARIOS)[number];
export type Kind = "honest" | "random" | "always-5" | "always-3" | "compressed" | "heavy" | "ring";

/** Share of members who review the scenario's way; the rest are honest (with their own bias and noise). */
const MISBEHAVING_SHARE = 0.3;
const RING_SHARE = 0.1;
const ANSWER_RATE = 0.85;
const REVIEWERS_PER_ANSWER = 3;

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

const button = (value: number) => Math.min(5, Math.max(1, Math.round(value)));

export interface Member {
  readonly ref: string;
  readonly ability: number;
  readonly kind: Kind;
  readonly bias: number;
  readonly noise: number;
}

function kindsFor(scenario: Scenario, members: number, random: () => number): Kind[] {
  const single: Record<Exclude<Scenario, "honest" | "mixed">, Kind> = {
    "random-clicker": "random",
    "always-5": "always-5",
    "always-3": "always-3",
    "scale-compressed": "compressed",
    "heavy-tailed": "heavy",
    "collusion-ring": "ring",
  };
  const kinds: Kind[] = Array.from({ length: members }, () => "honest");
  if (scenario === "honest") return kinds;
  const plan: [Kind, number][] =
    scenario === "mixed"
      ? [["random", 0.08], ["always-5", 0.08], ["always-3", 0.08], ["compressed", 0.08], ["heavy", 0.08], ["ring", 0.08]]
      : [[single[scenario], scenario === "collusion-ring" ? RING_SHARE : MISBEHAVING_SHARE]];
  const order = shuffle([...kinds.keys()], random);
  let next = 0;
  for (const [kind, share] of plan) {
    for (let i = 0; i < Math.max(3, Math.round(share * members)); i++) kinds[order[next++] as number] = kind;
  }
  return kinds;
}

function grade(reviewer: Member, author: Member, truth: number, random: () => number): number {
  switch (reviewer.kind) {
    case "random":
      return 1 + Math.floor(5 * random());
    case "always-5":
      return 5;
    case "always-3":
      return 3;
    case "compressed":
      return button(3 + 0.3 * (truth - 3) + 0.5 * reviewer.bias + 0.3 * gaussian(random));
    case "heavy": {
      // Student-t with 2 degrees of freedom: mostly careful, now and then wildly off.
      const chi = (gaussian(random) ** 2 + gaussian(random) ** 2) / 2;
      return button(truth + reviewer.bias + reviewer.noise * (gaussian(random) / Math.sqrt(chi)));
    }
    case "ring":
      if (author.kind === "ring") return 5;
      return button(truth + reviewer.bias + reviewer.noise * gaussian(random));
    case "honest":
      return button(truth + reviewer.bias + reviewer.noise * gaussian(random));
  }
}

export interface SyntheticDay {
  readonly promptId: number;
  readonly grades: Grade[];
  /** Answer id -> [author ref, true score]. */
  readonly answers: Map<number, { author: string; truth: number }>;
}

export interface SyntheticCohort {
  readonly members: readonly Member[];
  readonly days: readonly SyntheticDay[];
}

export function syntheticCohort(
  scenario: Scenario,
  memberCount: number,
  dayCount: number,
  seed: number,
  criteria: readonly string[] = ["c1"],
  answerRate = ANSWER_RATE,
): SyntheticCohort {
  const random = mulberry32(seed);
  const kinds = kindsFor(scenario, memberCount, random);
  const members: Member[] = kinds.map((kind, i) => ({
    ref: `m${String(i).padStart(4, "0")}`,
    ability: 3 + 0.7 * gaussian(random),
    kind,
    bias: 0.5 * gaussian(random),
    noise: 0.3 + 0.5 * random(),
  }));
  const days: SyntheticDay[] = [];
  let answerId = 0;
  for (let day = 0; day < dayCount; day++) {
    const promptId = day + 1;
    const answerers = shuffle(
      members.filter(() => random() < answerRate),
      random,
    );
    const answers = new Map<number, { author: string; truth: number }>();
    const grades: Grade[] = [];
    answerers.forEach((author, i) => {
      const id = ++answerId;
      const truths = criteria.map(() => Math.min(5, Math.max(1, author.ability + 0.6 * gaussian(random))));
      answers.set(id, { author: author.ref, truth: truths[0] as number });
      for (let r = 1; r <= REVIEWERS_PER_ANSWER && r < answerers.length; r++) {
        const reviewer = answerers[(i + r) % answerers.length] as Member;
        criteria.forEach((criterionId, c) => {
          grades.push({ promptId, answerId: id, reviewerRef: reviewer.ref, authorRef: author.ref, criterionId, score: grade(reviewer, author, truths[c] as number, random) });
        });
      }
    });
    days.push({ promptId, grades, answers });
  }
  return { members, days };
}

/** The review store a close uses, in memory: grades of every closed prompt, the stored parameters, author sums and the state. */
export class MemoryScoringStore implements Pick<ReviewRepository, "closeInputs" | "cohortGrades" | "saveReviewerParams" | "dropReviewerParams"> {
  readonly grades = new Map<number, Grade[]>();
  params = new Map<string, ReviewerParams>();
  authors = new Map<string, AuthorParams>();
  state: ScoringState | undefined;
  refits = 0;

  async closeInputs(_cohortId: number, promptId: number): Promise<CloseInputs> {
    const grades = this.grades.get(promptId) ?? [];
    const params = grades.flatMap((g) => this.params.get(`${g.criterionId}:${g.reviewerRef}`) ?? []);
    const authors = grades.flatMap((g) => this.authors.get(`${g.criterionId}:${g.authorRef}`) ?? []);
    return { grades, params: [...new Set(params)], authors: [...new Set(authors)], state: this.state, scored: false };
  }

  async cohortGrades(_cohortId: number, throughPromptId: number): Promise<Grade[]> {
    this.refits++;
    return [...this.grades].filter(([id]) => id <= throughPromptId).flatMap(([, g]) => g);
  }

  async saveReviewerParams(_cohortId: number, { next, params, authors, replace }: ScoringUpdate) {
    if (replace) {
      this.params = new Map();
      this.authors = new Map();
    }
    for (const p of params) this.params.set(`${p.criterionId}:${p.reviewerRef}`, p);
    for (const a of authors) this.authors.set(`${a.criterionId}:${a.authorRef}`, a);
    this.state = next;
    return true;
  }

  async dropReviewerParams() {
    this.params = new Map();
    this.authors = new Map();
    this.state = undefined;
  }
}

export function scoringDeps(store: MemoryScoringStore): CoachDeps {
  return { repos: { reviews: store } } as unknown as CoachDeps;
}

export type RecordedScores = Map<number, { score: number; plainMean: number }>;

/**
 * Scores each day as its close would, for the first criterion: answer id -> [score, plain mean]
 * as each answer's own close told its author (`told`), and as stored after the close of each
 * day in `snapshotDays` (`storedAfter`): a close that refits re-estimates every earlier answer
 * (planClose's `rescored`), so its fit's estimate of any answer replaces the stored one.
 */
export async function simulateCloses(cohort: SyntheticCohort, snapshotDays: readonly number[], criterionId = "c1"): Promise<{ told: RecordedScores; storedAfter: Map<number, RecordedScores> }> {
  const store = new MemoryScoringStore();
  const deps = scoringDeps(store);
  const told: RecordedScores = new Map();
  const stored: RecordedScores = new Map();
  const storedAfter = new Map<number, RecordedScores>();
  for (const [index, day] of cohort.days.entries()) {
    store.grades.set(day.promptId, day.grades);
    const fit = (await fitForClose(deps, 1, day.promptId)).get(criterionId);
    for (const [answerId, estimate] of fit?.answers ?? []) {
      const scores = { score: estimate.score, plainMean: estimate.plainMean };
      if (day.answers.has(Number(answerId))) told.set(Number(answerId), scores);
      stored.set(Number(answerId), scores);
    }
    if (snapshotDays.includes(index + 1)) storedAfter.set(index + 1, new Map(stored));
  }
  return { told, storedAfter };
}

export interface Quality {
  readonly rmseModel: number;
  readonly rmsePlain: number;
  readonly tauModel: number;
  readonly tauPlain: number;
  /** Mean percentile points ring members gain over their true rank (undefined without a ring). */
  readonly ringGainModel: number | undefined;
  readonly ringGainPlain: number | undefined;
}

function kendallTau(a: readonly number[], b: readonly number[]): number {
  let concordant = 0;
  let discordant = 0;
  for (let i = 0; i < a.length; i++) {
    for (let j = i + 1; j < a.length; j++) {
      const s = Math.sign((a[i] as number) - (a[j] as number)) * Math.sign((b[i] as number) - (b[j] as number));
      if (s > 0) concordant++;
      else if (s < 0) discordant++;
    }
  }
  return (concordant - discordant) / ((a.length * (a.length - 1)) / 2);
}

function percentiles(values: readonly number[]): number[] {
  const order = [...values.keys()].sort((i, j) => (values[i] as number) - (values[j] as number));
  const out = new Array<number>(values.length);
  order.forEach((index, rank) => (out[index] = (100 * rank) / Math.max(1, values.length - 1)));
  return out;
}

/** Quality of the scores recorded over the first `days` days. */
export function quality(cohort: SyntheticCohort, recorded: ReadonlyMap<number, { score: number; plainMean: number }>, days: number): Quality {
  let model = 0;
  let plain = 0;
  let count = 0;
  const perMember = new Map<string, { truth: number; model: number; plain: number; n: number }>();
  for (const day of cohort.days.slice(0, days)) {
    for (const [answerId, { author, truth }] of day.answers) {
      const r = recorded.get(answerId);
      if (!r) continue;
      model += (r.score - truth) ** 2;
      plain += (r.plainMean - truth) ** 2;
      count++;
      const m = perMember.get(author) ?? { truth: 0, model: 0, plain: 0, n: 0 };
      perMember.set(author, { truth: m.truth + truth, model: m.model + r.score, plain: m.plain + r.plainMean, n: m.n + 1 });
    }
  }
  const refs = [...perMember.keys()].sort();
  const mean = (key: "truth" | "model" | "plain") => refs.map((ref) => perMember.get(ref)![key] / perMember.get(ref)!.n);
  const [truth, byModel, byPlain] = [mean("truth"), mean("model"), mean("plain")];
  const ring = new Set(cohort.members.filter((m) => m.kind === "ring").map((m) => m.ref));
  const ringGain = (estimate: number[]) => {
    const [pe, pt] = [percentiles(estimate), percentiles(truth)];
    const gains = refs.flatMap((ref, i) => (ring.has(ref) ? [(pe[i] as number) - (pt[i] as number)] : []));
    return gains.length === 0 ? undefined : gains.reduce((a, b) => a + b, 0) / gains.length;
  };
  return {
    rmseModel: Math.sqrt(model / count),
    rmsePlain: Math.sqrt(plain / count),
    tauModel: kendallTau(byModel, truth),
    tauPlain: kendallTau(byPlain, truth),
    ringGainModel: ringGain(byModel),
    ringGainPlain: ringGain(byPlain),
  };
}
