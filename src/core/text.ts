import { CoachingError } from "./errors.ts";

/** A UTF-16 surrogate without its partner: half of an emoji, which no database column can hold. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Text a member wrote, checked before it is stored or used in a query: PostgreSQL
 * refuses NUL in text and a lone surrogate has no UTF-8 form, and either would
 * otherwise surface as an internal error. `what` names the text in the refusal.
 */
export function requireStorable(text: string, what: string): string {
  if (text.includes("\u0000") || LONE_SURROGATE.test(text)) {
    throw new CoachingError(
      "bad-text",
      `Your ${what} contains a character that cannot be stored (a NUL byte or half of an emoji), so nothing was saved. Retype it without that character and send it again.`,
    );
  }
  return text;
}

/** Names come from the platform, not from a form we can refuse: repair them instead. */
export function storableName(name: string): string {
  return name.replaceAll("\u0000", "").replace(new RegExp(LONE_SURROGATE.source, "g"), "\uFFFD");
}
