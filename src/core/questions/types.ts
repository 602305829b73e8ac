/** The question bank as the engine sees it, independent of how it was loaded. */

export interface Signal {
  readonly label: string;
  /** A regular-expression source, matched case-insensitively. */
  readonly pattern: string;
  /** What to tell the author when the cue is absent. */
  readonly missing: string;
}

export interface Criterion {
  readonly id: string;
  readonly label: string;
  readonly levels: { readonly 1: string; readonly 3: string; readonly 5: string };
  readonly signals: readonly Signal[];
}

export interface Rubric {
  readonly id: string;
  readonly label: string;
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
