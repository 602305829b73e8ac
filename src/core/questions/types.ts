/** The question bank as the engine sees it, independent of how it was loaded. */

/**
 * One observable thing the instant check looks for. A phrase matches whole words,
 * case-insensitively, with space and hyphen interchangeable; `#` stands for a number
 * in digits or words and `word*` for any word starting with "word" (questions/FORMAT.md).
 */
export interface Cue {
  readonly label: string;
  readonly any: readonly string[];
  /** The one-line nudge shown when the cue is absent (or, for a negative cue, present). */
  readonly missing: string;
  /** A negative cue: showing it counts against the answer (e.g. "AUROC alone" on a rare outcome). */
  readonly against: boolean;
}

/** A cue a question adds to one criterion of its rubric. */
export interface QuestionCue extends Cue {
  readonly criterion: string;
}

export interface Criterion {
  readonly id: string;
  readonly label: string;
  readonly levels: { readonly 1: string; readonly 3: string; readonly 5: string };
  readonly cues: readonly Cue[];
}

export interface Rubric {
  readonly id: string;
  readonly label: string;
  /**
   * Answers are the candidate's own story (behavioural, why this company): they share
   * the track's domain words, not the prompt's, and are told in the first person.
   */
  readonly personal: boolean;
  readonly criteria: readonly Criterion[];
}

export interface Category {
  readonly id: string;
  readonly label: string;
  readonly round: string;
}

export interface InterviewRound {
  readonly round: string;
  readonly minutes: number;
  readonly tests: string;
}

export interface Question {
  readonly id: string;
  readonly trackId: string;
  readonly company: string;
  readonly role: string;
  readonly category: Category;
  readonly difficulty: 1 | 2 | 3;
  /** The company job level(s) the question targets, e.g. "105-106"; undefined when the track has no levels. */
  readonly level?: string;
  readonly minutes: number;
  readonly prompt: string;
  readonly hint: string | undefined;
  readonly followUps: readonly string[];
  readonly outline: readonly string[];
  /** A copy, not a reference: a stored prompt keeps the rubric it was scored with. */
  readonly rubric: Rubric;
  /** Cues this question adds to its rubric's criteria. */
  readonly cues: readonly QuestionCue[];
  /** Rubric criteria the instant check skips for this question (peers still score them). */
  readonly notApplicable: readonly string[];
  /** The stemmed words of its prompt, hint, outline and follow-ups. Set by the loader. */
  readonly vocabulary: readonly string[];
  /** For a personal rubric (Rubric.personal), the stemmed words of the whole track; otherwise empty. */
  readonly domainVocabulary: readonly string[];
}

export interface Track {
  readonly id: string;
  readonly company: string;
  readonly role: string;
  readonly description: string;
  readonly loop: readonly InterviewRound[];
  readonly categories: readonly Category[];
  readonly questions: readonly Question[];
}

export interface QuestionBank {
  readonly tracks: readonly Track[];
}
