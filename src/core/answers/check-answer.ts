import type { AnswerCheck, CueCheck } from "../messages.ts";
import type { Cue, Question } from "../questions/types.ts";
import { cueMatcher, normalizeNumbers } from "./cue-pattern.ts";
import { firstPersonAccounts, relevance } from "./relevance.ts";
import { isTermList, sentences, words } from "./text.ts";

/**
 * Below this share of its words in the question's vocabulary an answer is taken to be
 * about something else. On the evaluation set (tests/fixtures/answer-eval) strong
 * answers use 0.5-0.85, off-topic text and other questions' strong answers 0.04-0.25.
 */
export const RELEVANCE_THRESHOLD = 0.28;
/** A personal answer is held to the track's domain words instead (half of its words), plus a first-person account. */
export const PERSONAL_RELEVANCE_THRESHOLD = 0.5;
/** More than this share of the answer's words in term lists and it reads as a keyword list. */
const LIST_SHARE = 0.5;

/** Why an answer got no ticks, in the words both platforms show. */
export function checkVerdict(check: AnswerCheck): string | undefined {
  if (check.readsAsList) {
    return "This reads as a list of keywords, not an answer, so nothing was counted. Write it in sentences: what you would do, why, and with what numbers.";
  }
  if (!check.addressesQuestion) {
    return "This doesn't address this question (it reads as off-topic or as an answer to a different question), so nothing was counted. Reread the prompt and answer what it asks.";
  }
  return undefined;
}

/** The quoted sentence, shortened to fit a chat line. */
export function quote(evidence: string | undefined, max = 140): string {
  if (evidence === undefined) return "";
  return `"${evidence.length > max ? `${evidence.slice(0, max - 1).trimEnd()}…` : evidence}"`;
}

/** For an answer whose question is gone from the bank: nothing to check against. */
export const NO_CHECK: AnswerCheck = { addressesQuestion: true, readsAsList: false, shown: [], missing: [], against: [] };

/**
 * The instant, private check: which of the rubric's observable cues the answer shows,
 * each proved by the sentence that shows it. It is a nudge, not a score; peers score.
 * A cue counts only inside a sentence, never in a list of terms; an answer that is
 * mostly such a list, or is about something else, gets no ticks and is told why.
 */
export function checkAnswer(question: Question, text: string): AnswerCheck {
  const parts = sentences(text).map((sentence) => ({ sentence, list: isTermList(sentence), size: words(sentence).length }));
  const totalWords = parts.reduce((sum, p) => sum + p.size, 0);
  const listWords = parts.filter((p) => p.list).reduce((sum, p) => sum + p.size, 0);
  const readsAsList = totalWords > 0 && listWords / totalWords > LIST_SHARE;
  const prose = parts.filter((p) => !p.list).map((p) => p.sentence);
  const addressesQuestion = !readsAsList && addresses(question, prose.join(" "));
  // Cues match number-normalized text; evidence quotes the sentence as written.
  const counted = addressesQuestion ? prose.map((sentence) => ({ sentence, normalized: normalizeNumbers(sentence) })) : [];

  const results: CueCheck[] = applicableCues(question).map(({ criterionId, criterionLabel, cue }) => {
    const matcher = cueMatcher(cue.any);
    const shows = cue.against ? (sentence: string) => affirms(sentence, matcher) : (sentence: string) => matcher.test(sentence);
    const evidence = counted.find(({ normalized }) => shows(normalized))?.sentence;
    return { criterionId, criterionLabel, label: cue.label, present: evidence !== undefined, against: cue.against, evidence, missing: cue.missing };
  });
  return {
    addressesQuestion,
    readsAsList,
    shown: results.filter((r) => r.present && !r.against),
    missing: addressesQuestion ? results.filter((r) => !r.present && !r.against) : [],
    against: results.filter((r) => r.present && r.against),
  };
}

/** Words that, just before a negative cue, turn it into its opposite ("not AUROC alone"). */
const NEGATION = /\b(?:not|never|no|nor|without|instead of|rather than|beyond|avoid|meaningless|misleading)\b|n't\b/iu;

/** True when the sentence uses the negative cue as its own claim, not to reject it. */
function affirms(sentence: string, matcher: RegExp): boolean {
  const match = matcher.exec(sentence);
  if (!match) return false;
  const before = sentence.slice(Math.max(0, match.index - 30), match.index);
  return !NEGATION.test(before);
}

function addresses(question: Question, prose: string): boolean {
  // A prompt stored before vocabularies existed has none: it is given the benefit of the doubt.
  if (!question.vocabulary) return true;
  if (relevance(question.vocabulary, prose) >= RELEVANCE_THRESHOLD) return true;
  // A story answer uses its own words: it must stay in the track's domain and be told as the candidate's own.
  return question.rubric.personal && relevance(question.domainVocabulary ?? [], prose) >= PERSONAL_RELEVANCE_THRESHOLD && firstPersonAccounts(prose) >= 2;
}

/** The rubric's cues plus the question's own, minus criteria the question marks not applicable. */
export function applicableCues(question: Question): { criterionId: string; criterionLabel: string; cue: Cue }[] {
  const skipped = new Set(question.notApplicable);
  return question.rubric.criteria
    .filter((criterion) => !skipped.has(criterion.id))
    .flatMap((criterion) => [
      // A prompt stored before cues existed has none; it simply shows no ticks.
      ...(criterion.cues ?? []).map((cue) => ({ criterionId: criterion.id, criterionLabel: criterion.label, cue })),
      ...(question.cues ?? []).filter((cue) => cue.criterion === criterion.id).map((cue) => ({ criterionId: criterion.id, criterionLabel: criterion.label, cue })),
    ]);
}
