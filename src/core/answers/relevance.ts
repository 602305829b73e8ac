import { contentTerms } from "./text.ts";

/**
 * The stemmed content terms of each document, for the relevance test. An answer about
 * a question reuses the question's own subject words (refill, threshold, nurse); an
 * answer to another question, or off-topic text, mostly does not.
 */
export function buildVocabularies(documents: ReadonlyMap<string, string>): Map<string, string[]> {
  return new Map([...documents].map(([id, text]) => [id, [...new Set(contentTerms(text))].sort()]));
}

/** Share of the answer's content words that belong to the vocabulary (0 when it has none). */
export function relevance(vocabulary: readonly string[], text: string): number {
  const terms = contentTerms(text);
  if (terms.length === 0) return 0;
  const known = new Set(vocabulary);
  return terms.filter((term) => known.has(term)).length / terms.length;
}

/**
 * First-person past-tense accounts ("I led", "we shipped", "at my last company"): the
 * shape of a behavioural answer, whose words are the candidate's own, not the prompt's.
 */
export function firstPersonAccounts(text: string): number {
  return (text.match(/\b(?:I|we)\s+(?:\w+ed|led|built|ran|made|took|wrote|chose|set|drove|met|sat|spent|went|found|brought|cut|got|saw|kept|shipped|did|had|was|were|began|began|sought|told|gave|won|lost|left|put|owned|shipped|thought|knew|felt)\b|\bmy (?:last|previous|current|first|old) (?:role|team|job|company|employer|manager)\b|\bat my (?:last|previous|current)\b/giu) ?? []).length;
}
