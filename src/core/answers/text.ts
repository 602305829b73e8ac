/**
 * Plain-text analysis the answer check and the loader share: sentences, words, stems,
 * and whether a stretch of text is prose or a list of terms.
 */

/** Function words: frequent in sentences, nearly absent from lists of terms. */
const FUNCTION_WORDS = new Set(
  `a an the and or but if then than so because since while when where which who whom whose that this these those it its
  i me my we our us you your he she they them their his her there here is are was were be been being am do does did done
  have has had having will would shall should can could may might must of to in on at by for with from into onto over under
  about after before between during through until against among per as not no nor only also just very too each every any
  all both some most more less few many much such what how why up down out off again further once own same other another
  let lets let's i'd i'll i'm we'd we'll we're it's that's don't doesn't didn't won't can't isn't aren't wasn't weren't`.split(/\s+/),
);

/** Words too common in any answer to say what it is about. */
const GENERIC_WORDS = new Set(
  `use used using make made get got take took want need needs needed would like also one two first second third next last
  way ways thing things lot lots really well good better best new old high low big small first kind sure able yes know think
  say said see seen look go going come work works worked time times day days week weeks month months year years`.split(/\s+/),
);

export function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu) ?? [];
}

/**
 * A light suffix-stripping stemmer: enough to let "refills", "refilled" and "refilling"
 * meet "refill" when comparing an answer with a question; not a linguistic stemmer.
 */
export function stem(word: string): string {
  let w = word.replace(/['’]s$/, "");
  if (w.length <= 3 || /\d/.test(w)) return w;
  for (const [suffix, replacement] of [
    ["ational", "ate"], ["ization", "ize"], ["isation", "ize"], ["fulness", "ful"], ["iveness", "ive"], ["ements", ""], ["ement", ""],
    ["ments", ""], ["ment", ""], ["ities", ""], ["ity", ""], ["ations", "ate"], ["ation", "ate"], ["ings", ""], ["ing", ""],
    ["ies", "y"], ["ied", "y"], ["edly", ""], ["ed", ""], ["ly", ""], ["es", ""], ["s", ""],
  ] as const) {
    if (w.endsWith(suffix) && w.length - suffix.length >= 3) {
      w = w.slice(0, -suffix.length) + replacement;
      break;
    }
  }
  if (/(.)\1$/.test(w) && !/[lsz]$/.test(w)) w = w.slice(0, -1);
  return w.replace(/e$/, "");
}

/** Stemmed words that can carry topic: no function words, no generic verbs, no bare numbers. */
export function contentTerms(text: string): string[] {
  return words(text)
    .filter((w) => !FUNCTION_WORDS.has(w) && !GENERIC_WORDS.has(w) && w.length > 1 && !/^\d+$/.test(w))
    .map(stem);
}

const ABBREVIATIONS = /\b(e\.g|i\.e|vs|etc|approx|incl|dr|mr|ms|no|fig|cf)\.$/i;

/**
 * Sentences, with line breaks and bullet markers as boundaries too. A period ends a
 * sentence only before whitespace, so decimals ("3.5") and URLs stay whole.
 */
export function sentences(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\r?\n+/)) {
    const body = line.replace(/^\s*(?:[-*•·]|\d+[.)])\s+/, "").trim();
    if (body === "") continue;
    let start = 0;
    for (const match of body.matchAll(/[.!?]+(?=\s+|$)/g)) {
      const end = match.index + match[0].length;
      if (ABBREVIATIONS.test(body.slice(start, end))) continue;
      out.push(body.slice(start, end).trim());
      start = end;
    }
    const rest = body.slice(start).trim();
    if (rest !== "") out.push(rest);
  }
  return out.filter((s) => words(s).length > 0);
}

/**
 * True for a stretch that names terms instead of saying something about them: a
 * comma- or slash-separated run of short items ("drift, PSI, canary, rollback"), or
 * several words with almost no function words ("Key themes drift PSI canary HIPAA").
 */
export function isTermList(sentence: string): boolean {
  const all = words(sentence);
  if (all.length === 0) return true;
  const functionShare = all.filter((w) => FUNCTION_WORDS.has(w)).length / all.length;
  const body = sentence.replace(/^[^:]{0,40}:\s*/, "");
  const items = body.split(/\s*(?:[,;/|•·]|\s-\s|\band\b|\bor\b)\s*/).map((item) => words(item).length).filter((n) => n > 0);
  const shortItems = items.filter((n) => n <= 3).length;
  if (items.length >= 4 && shortItems / items.length >= 0.75 && functionShare < 0.2) return true;
  if (items.length >= 5 && shortItems / items.length >= 0.8 && functionShare < 0.25) return true;
  return all.length >= 6 && functionShare < 0.08;
}
