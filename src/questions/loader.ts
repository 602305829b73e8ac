import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { parseDocument } from "yaml";
import type { z } from "zod";
import type { Question, QuestionBank, Track } from "../core/questions/types.ts";
import { trackFileSchema, type TrackFile } from "./schema.ts";

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

/** Parses one file's text; `file` is the name used in messages. */
export function parseTrackFile(file: string, source: string): { track?: Track; problems: string[] } {
  const document = parseDocument(source, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    return { problems: document.errors.map((error) => `${file}: ${error.message.split("\n")[0]}`) };
  }
  const parsed = trackFileSchema.safeParse(document.toJS());
  if (!parsed.success) return { problems: parsed.error.issues.map((issue) => describeIssue(file, issue)) };
  return { track: toTrack(parsed.data), problems: [] };
}

function toTrack(file: TrackFile): Track {
  const categories = new Map(file.categories.map((c) => [c.id, c]));
  const rubrics = new Map(file.rubrics.map((r) => [r.id, r]));
  const questions: Question[] = file.questions.map((q) => ({
    id: q.id,
    trackId: file.id,
    company: file.company,
    role: file.role,
    // Both lookups are guaranteed by the schema's cross-reference checks.
    category: categories.get(q.category)!,
    difficulty: q.difficulty as 1 | 2 | 3,
    level: q.level,
    minutes: q.minutes,
    prompt: q.prompt,
    hint: q.hint,
    followUps: q.follow_ups,
    outline: q.outline,
    rubric: rubrics.get(q.rubric)!,
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
  const tracks: Track[] = [];
  const trackFiles = new Map<string, string>();
  const questionFiles = new Map<string, string>();
  for (const name of entries) {
    const file = path.join(path.relative(process.cwd(), dir) || ".", name);
    const result = parseTrackFile(file, readFileSync(path.join(dir, name), "utf8"));
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
