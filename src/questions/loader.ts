import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { parseDocument } from "yaml";
import type { z } from "zod";
import { buildVocabularies } from "../core/answers/relevance.ts";
import type { Question, QuestionBank, Rubric, Track } from "../core/questions/types.ts";
import { rubricSchema, trackFileSchema, type TrackFile } from "./schema.ts";

/** Rubric kinds every track may use: one file per rubric in `<questions dir>/rubrics/`. */
export const SHARED_RUBRICS_DIR = "rubrics";

/** Every problem found in the bank, one line each; thrown so start-up never half-loads. */
export class QuestionBankError extends Error {
  override readonly name = "QuestionBankError";
  constructor(readonly problems: readonly string[]) {
    super(problems.join("\n"));
  }
}

export function formatPath(segments: readonly PropertyKey[]): string {
  return segments.reduce<string>((out, segment) => {
    if (typeof segment === "number") return `${out}[${segment}]`;
    return out === "" ? String(segment) : `${out}.${String(segment)}`;
  }, "");
}

function describeIssue(file: string, issue: z.core.$ZodIssue): string {
  const where = formatPath(issue.path);
  return `${file}: ${where === "" ? "" : `${where}: `}${issue.message}`;
}

function parseYaml(file: string, source: string): { value?: unknown; problems: string[] } {
  const document = parseDocument(source, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) return { problems: document.errors.map((error) => `${file}: ${error.message.split("\n")[0]}`) };
  // Alias problems (an alias before its anchor, an alias bomb) only surface when the
  // document is turned into values, as a thrown error rather than in `errors`.
  try {
    return { value: document.toJS({ maxAliasCount: 100 }), problems: [] };
  } catch (error) {
    return { problems: [`${file}: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`] };
  }
}

/** Parses one shared rubric file's text. */
export function parseRubricFile(file: string, source: string): { rubric?: Rubric; problems: string[] } {
  const yaml = parseYaml(file, source);
  if (yaml.problems.length > 0) return { problems: yaml.problems };
  const parsed = rubricSchema.safeParse(yaml.value);
  if (!parsed.success) return { problems: parsed.error.issues.map((issue) => describeIssue(file, issue)) };
  const ids = new Set<string>();
  const problems: string[] = [];
  parsed.data.criteria.forEach((criterion, i) => {
    if (ids.has(criterion.id)) problems.push(`${file}: criteria[${i}].id: duplicate criterion "${criterion.id}"`);
    ids.add(criterion.id);
  });
  return problems.length > 0 ? { problems } : { rubric: parsed.data, problems };
}

/**
 * Parses one track file's text; `file` is the name used in messages. `shared` holds the
 * rubric kinds from questions/rubrics/ that its questions may name besides its own.
 */
export function parseTrackFile(file: string, source: string, shared: ReadonlyMap<string, Rubric> = new Map()): { track?: Track; problems: string[] } {
  const yaml = parseYaml(file, source);
  if (yaml.problems.length > 0) return { problems: yaml.problems };
  const parsed = trackFileSchema.safeParse(yaml.value);
  if (!parsed.success) return { problems: parsed.error.issues.map((issue) => describeIssue(file, issue)) };
  const rubrics = new Map<string, Rubric>(shared);
  const problems: string[] = [];
  parsed.data.rubrics.forEach((rubric, i) => {
    if (shared.has(rubric.id)) problems.push(`${file}: rubrics[${i}].id: rubric "${rubric.id}" is already a shared kind in questions/${SHARED_RUBRICS_DIR}/`);
    rubrics.set(rubric.id, rubric);
  });
  parsed.data.questions.forEach((question, i) => {
    const rubric = rubrics.get(question.rubric);
    if (!rubric) {
      problems.push(`${file}: questions[${i}].rubric: unknown rubric "${question.rubric}"; expected one of ${[...rubrics.keys()].join(", ")}`);
      return;
    }
    const criteria = rubric.criteria.map((c) => c.id);
    const unknown = (id: string) => !criteria.includes(id);
    question.cues.forEach((cue, j) => {
      if (unknown(cue.criterion)) problems.push(`${file}: questions[${i}].cues[${j}].criterion: "${cue.criterion}" is not a criterion of ${rubric.id}; expected one of ${criteria.join(", ")}`);
    });
    question.not_applicable.forEach((id, j) => {
      if (unknown(id)) problems.push(`${file}: questions[${i}].not_applicable[${j}]: "${id}" is not a criterion of ${rubric.id}; expected one of ${criteria.join(", ")}`);
    });
  });
  if (problems.length > 0) return { problems };
  const track = toTrack(parsed.data, rubrics);
  return { track: withVocabulary(track), problems };
}

/** The text that says what a question is about, for the relevance vocabulary. */
function aboutText(question: Question): string {
  return [question.prompt, question.hint ?? "", ...question.outline, ...question.followUps].join("\n");
}

const DOMAIN_VOCABULARY_SIZE = 400;

/** Sets every question's relevance vocabulary; a personal rubric's questions also get the whole track's. */
function withVocabulary(track: Track): Track {
  const own = buildVocabularies(new Map(track.questions.map((q) => [q.id, aboutText(q)] as const)));
  // The track's domain: the words most of its questions share (member, claim, nurse...),
  // capped so the copy stored with each personal question stays small.
  const questionsUsing = new Map<string, number>();
  for (const terms of own.values()) for (const term of terms) questionsUsing.set(term, (questionsUsing.get(term) ?? 0) + 1);
  const domain = [...questionsUsing]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, DOMAIN_VOCABULARY_SIZE)
    .map(([term]) => term)
    .sort();
  return { ...track, questions: track.questions.map((q) => ({ ...q, vocabulary: own.get(q.id)!, domainVocabulary: q.rubric.personal ? domain : [] })) };
}

function toTrack(file: TrackFile, rubrics: ReadonlyMap<string, Rubric>): Track {
  const categories = new Map(file.categories.map((c) => [c.id, c]));
  const questions: Question[] = file.questions.map((q) => ({
    id: q.id,
    trackId: file.id,
    company: file.company,
    role: file.role,
    // Both lookups are guaranteed by the schema's and parseTrackFile's cross-reference checks.
    category: categories.get(q.category)!,
    difficulty: q.difficulty as 1 | 2 | 3,
    level: q.level,
    minutes: q.minutes,
    prompt: q.prompt,
    hint: q.hint,
    followUps: q.follow_ups,
    outline: q.outline,
    rubric: rubrics.get(q.rubric)!,
    cues: q.cues,
    notApplicable: q.not_applicable,
    vocabulary: [],
    domainVocabulary: [],
  }));
  return {
    id: file.id,
    company: file.company,
    role: file.role,
    description: file.description,
    loop: file.loop,
    categories: file.categories,
    questions,
  };
}

/** Loads questions/rubrics/*.yaml; a missing folder means no shared kinds. */
function loadSharedRubrics(dir: string, problems: string[]): Map<string, Rubric> {
  const rubricsDir = path.join(dir, SHARED_RUBRICS_DIR);
  const rubrics = new Map<string, Rubric>();
  if (!existsSync(rubricsDir)) return rubrics;
  for (const name of readdirSync(rubricsDir).filter((n) => /\.ya?ml$/i.test(n)).sort()) {
    const file = path.join(path.relative(process.cwd(), rubricsDir) || ".", name);
    const result = parseRubricFile(file, readFileSync(path.join(rubricsDir, name), "utf8"));
    problems.push(...result.problems);
    if (!result.rubric) continue;
    if (rubrics.has(result.rubric.id)) problems.push(`${file}: id: duplicate rubric "${result.rubric.id}"`);
    rubrics.set(result.rubric.id, result.rubric);
  }
  return rubrics;
}

/**
 * Loads every *.yaml / *.yml file in `dir`. Throws QuestionBankError listing every
 * problem (per file and across files, such as a question id used twice).
 */
export function loadQuestionBank(dir: string): QuestionBank {
  let entries: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new Error("not a directory");
    entries = readdirSync(dir).filter((name) => /\.ya?ml$/i.test(name)).sort();
  } catch {
    throw new QuestionBankError([`${dir}: question directory not found (set QUESTIONS_DIR or create it)`]);
  }
  const problems: string[] = [];
  const shared = loadSharedRubrics(dir, problems);
  const tracks: Track[] = [];
  const trackFiles = new Map<string, string>();
  const questionFiles = new Map<string, string>();
  for (const name of entries) {
    const file = path.join(path.relative(process.cwd(), dir) || ".", name);
    const result = parseTrackFile(file, readFileSync(path.join(dir, name), "utf8"), shared);
    problems.push(...result.problems);
    if (!result.track) continue;
    const earlierTrack = trackFiles.get(result.track.id);
    if (earlierTrack) problems.push(`${file}: id: track "${result.track.id}" is already defined in ${earlierTrack}`);
    trackFiles.set(result.track.id, file);
    result.track.questions.forEach((question, i) => {
      const earlier = questionFiles.get(question.id);
      if (earlier && earlier !== file) problems.push(`${file}: questions[${i}].id: duplicate id "${question.id}" (also in ${earlier})`);
      questionFiles.set(question.id, file);
    });
    tracks.push(result.track);
  }
  if (entries.length === 0) problems.push(`${dir}: no question files (*.yaml) found`);
  if (problems.length > 0) throw new QuestionBankError(problems);
  return { tracks };
}
