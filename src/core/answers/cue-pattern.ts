/**
 * Cue phrases (questions/FORMAT.md) compiled to regular expressions. Authors never
 * write a regular expression, so a cue cannot match inside another word ("A/B" in
 * "about"), and numbers match whether written "3 weeks" or "three weeks".
 */

const UNITS = "zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen";
const TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety";
const SCALES = "hundred|thousand|million|billion|k|m|mm|bn";
const NUMBER_WORD = `(?:(?:${TENS})(?:[\\s-](?:${UNITS}))?|${UNITS}|a\\s+(?:hundred|thousand|million|dozen|half)|half|dozen|a\\s+few|several|double|triple)`;
const DIGITS = `[-+~]?\\d[\\d,]*(?:\\.\\d+)?`;
/** A number in digits or words, with an optional scale word ("2.5 million", "forty thousand", "30k"). */
export const NUMBER = `(?:(?:${DIGITS}|${NUMBER_WORD})(?:\\s?(?:${SCALES})\\b)?(?:\\s?(?:%|percent|x|pp|pts|bps))?)`;

const BEFORE = "(?<![\\p{L}\\p{N}])";
const AFTER = "(?![\\p{L}\\p{N}])";

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

function token(raw: string): string {
  const prefix = raw.endsWith("*") && raw.length > 1;
  const body = prefix ? raw.slice(0, -1) : raw;
  const source = body
    .split("#")
    .map(escape)
    .join(NUMBER);
  if (prefix) return `${source}[\\p{L}\\p{N}]*`;
  // Plurals and possessives of a word match it: "cohort" meets "cohorts" and "cohort's".
  return /[\p{L}]$/u.test(body) ? `${source}(?:'s|s|es)?` : source;
}

/** One phrase as a regular-expression source: whole words, space or hyphen between words. */
export function phraseSource(phrase: string): string {
  const tokens = phrase.trim().split(/[\s-]+/).filter(Boolean);
  return `${BEFORE}${tokens.map(token).join("(?:\\s*-\\s*|\\s+)")}${AFTER}`;
}

const cache = new Map<string, RegExp>();

/** One regular expression matching any of a cue's phrases, compiled once per phrase list. */
export function cueMatcher(phrases: readonly string[]): RegExp {
  const key = phrases.join("\u0000");
  let matcher = cache.get(key);
  if (!matcher) {
    matcher = new RegExp(phrases.map(phraseSource).join("|"), "iu");
    cache.set(key, matcher);
  }
  return matcher;
}
