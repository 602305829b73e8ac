/**
 * Cue phrases (questions/FORMAT.md) compiled to regular expressions. Authors never
 * write a regular expression, so a cue cannot match inside another word ("A/B" in
 * "about"), and numbers match whether written "3 weeks" or "three weeks".
 */

// "one" is left out: "the one metric" and "one-on-one" are not quantities.
const UNITS = "zero|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen";
const TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety";
const SCALE = "(?:\\s?(?:hundred|thousand|million|billion|k|mm|m|bn)(?![a-z]))?";
const NUMBER = new RegExp(
  `\\d[\\d,]*(?:\\.\\d+)?${SCALE}|\\b(?:(?:${TENS})(?:[\\s-](?:one|${UNITS}))?|${UNITS}|a\\s+(?:hundred|thousand|million|dozen)|dozen)\\b${SCALE}`,
  "gi",
);

/**
 * Every number, in digits or words and with its scale ("2.5 million", "forty thousand",
 * "30k"), becomes "#": the cue phrase "# weeks" then matches "3 weeks" and "three weeks"
 * with a short pattern instead of a long number pattern inlined per phrase.
 */
export function normalizeNumbers(text: string): string {
  return text.replace(NUMBER, "#");
}

// Letters and digits as explicit ranges: a Unicode property class under the "i" flag
// costs V8 tens of milliseconds to compile per pattern.
const WORD_CHAR = "[a-z0-9\\u00c0-\\u024f]";
const BEFORE = `(?<!${WORD_CHAR})`;
const AFTER = `(?!${WORD_CHAR})`;

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

function token(raw: string): string {
  const prefix = raw.endsWith("*") && raw.length > 1;
  const body = prefix ? raw.slice(0, -1) : raw;
  if (prefix) return `${escape(body)}${WORD_CHAR}*`;
  // Plurals and possessives of a word match it: "cohort" meets "cohorts" and "cohort's".
  return /[a-z]$/i.test(body) ? `${escape(body)}(?:'s|s|es)?` : escape(body);
}

/** One phrase as a regular-expression source (without the word boundaries): space or hyphen between words. */
export function phraseSource(phrase: string): string {
  // "# million" or "$#k" in a phrase: the scale is already part of the "#" in the text.
  return normalizeNumbers(phrase.trim())
    .replace(new RegExp(`#${SCALE}`, "gi"), "#")
    .split(/[\s-]+/)
    .filter(Boolean)
    .map(token)
    .join("(?:\\s*-\\s*|\\s+)");
}

const cache = new Map<string, RegExp>();

/**
 * One regular expression matching any of a cue's phrases in text passed through
 * normalizeNumbers, compiled once per phrase list.
 */
export function cueMatcher(phrases: readonly string[]): RegExp {
  const key = phrases.join("\u0000");
  let matcher = cache.get(key);
  if (!matcher) {
    matcher = new RegExp(`${BEFORE}(?:${phrases.map(phraseSource).join("|")})${AFTER}`, "i");
    cache.set(key, matcher);
  }
  return matcher;
}
