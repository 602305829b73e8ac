import { IANAZone } from "luxon";
import { CoachingError } from "../errors.ts";
import { requireStorable } from "../text.ts";

// Maps, not object literals: the keys come from what organizers type, and "constructor" must not find Object's.
const dayIndex = new Map<string, number>([["mon", 1], ["tue", 2], ["wed", 3], ["thu", 4], ["fri", 5], ["sat", 6], ["sun", 7]]);
const dayAliases = new Map<string, readonly number[]>([
  ["weekdays", [1, 2, 3, 4, 5]],
  ["daily", [1, 2, 3, 4, 5, 6, 7]],
  ["everyday", [1, 2, 3, 4, 5, 6, 7]],
  ["weekends", [6, 7]],
]);

export function parseTime(value: string): string {
  const match = /^([01]?\d|2[0-3])[:.h]([0-5]\d)$/i.exec(value.trim());
  if (!match) throw new CoachingError("bad-time", `"${value}" is not a time. Use 24-hour HH:MM, for example 09:00 or 17:30.`);
  return `${match[1]!.padStart(2, "0")}:${match[2]}`;
}

/** Node 20's zone list still carries these old names; members know the current ones. */
export const currentZoneNames: ReadonlyMap<string, string> = new Map([
  ["Asia/Calcutta", "Asia/Kolkata"],
  ["Europe/Kiev", "Europe/Kyiv"],
  ["Asia/Saigon", "Asia/Ho_Chi_Minh"],
  ["Asia/Katmandu", "Asia/Kathmandu"],
  ["America/Godthab", "America/Nuuk"],
  ["Pacific/Enderbury", "Pacific/Kanton"],
  ["Asia/Rangoon", "Asia/Yangon"],
  ["Atlantic/Faeroe", "Atlantic/Faroe"],
]);

/** Zone names as they are spelt, old and current, keyed by lower case. */
let spellings: Map<string, string> | undefined;
const spelling = (zone: string) => {
  spellings ??= new Map([...Intl.supportedValuesOf("timeZone"), ...currentZoneNames.values(), "UTC"].map((name) => [name.toLowerCase(), name]));
  return spellings.get(zone.toLowerCase());
};

/**
 * Accepts any IANA name the runtime knows, current ones included (Asia/Kolkata, Europe/Kyiv),
 * and keeps the name the organizer chose: Intl would turn Asia/Kolkata into Asia/Calcutta.
 * Only the letter case is fixed (america/new_york reads back as America/New_York).
 * Offsets and abbreviations are refused.
 */
export function parseTimeZone(value: string): string {
  const zone = value.trim();
  if ((zone.includes("/") || zone.toUpperCase() === "UTC") && IANAZone.isValidZone(zone)) return spelling(zone) ?? zone;
  throw new CoachingError("bad-zone", `"${value}" is not a time zone. Use an Area/City name such as America/New_York or Europe/London.`);
}

/** "mon-fri", "mon,wed,fri", "daily", "weekdays", "weekends", "sat-sun". */
export function parseWeekdays(value: string): number[] {
  const text = value.trim().toLowerCase();
  const alias = dayAliases.get(text);
  if (alias) return [...alias];
  const days = new Set<number>();
  for (const part of text.split(",")) {
    const range = /^([a-z]{3})(?:-([a-z]{3}))?$/.exec(part.trim());
    const from = range ? dayIndex.get(range[1]!) : undefined;
    const to = range?.[2] ? dayIndex.get(range[2]) : from;
    if (from === undefined || to === undefined) {
      throw new CoachingError("bad-days", `"${value}" is not a set of days. Use mon-fri, mon,wed,fri or daily.`);
    }
    for (let d = from; ; d = (d % 7) + 1) {
      days.add(d);
      if (d === to) break;
    }
  }
  return [...days].sort((a, b) => a - b);
}

export function parseLocalDate(value: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  const date = match ? new Date(`${value.trim()}T00:00:00Z`) : undefined;
  if (!match || !date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value.trim()) {
    throw new CoachingError("bad-date", `"${value}" is not a date. Use YYYY-MM-DD, for example 2026-12-24.`);
  }
  return value.trim();
}

export interface ScheduleArgs {
  readonly trackId: string;
  readonly postTime?: string;
  readonly timeZone?: string;
  readonly weekdays?: readonly number[];
}

const zoneAreas = new Set(["africa", "america", "antarctica", "arctic", "asia", "atlantic", "australia", "europe", "indian", "pacific", "etc"]);
/**
 * Zone-shaped, valid or not (a known area such as Europe/...), so a misspelt zone gets the
 * zone's error rather than "unknown track".
 */
const looksLikeZone = (token: string) =>
  token.toUpperCase() === "UTC" || zoneAreas.has(token.split("/")[0]!.toLowerCase()) || IANAZone.isValidZone(token);

/**
 * Reads `[track] [HH:MM] [Area/City] [days]` in any order, telling each argument apart
 * by its shape (a track is `company/role` that is no time zone; a second one is taken for a zone), so organizers need not
 * remember positions. Without a track in the words, `currentTrack` is kept (schedule);
 * setup, which has none yet, must be given one.
 */
export function parseScheduleArgs(tokens: readonly string[], currentTrack?: string): ScheduleArgs {
  let trackId: string | undefined;
  let postTime: string | undefined;
  let timeZone: string | undefined;
  let weekdays: number[] | undefined;
  for (const token of tokens.map((t) => t.trim()).filter((t) => t !== "").map((t) => requireStorable(t, "command"))) {
    if (/^\d/.test(token)) postTime = parseTime(token);
    else if (looksLikeZone(token) || (token.includes("/") && trackId !== undefined)) timeZone = parseTimeZone(token);
    else if (token.includes("/")) trackId = token.toLowerCase();
    else weekdays = parseWeekdays(token);
  }
  trackId ??= currentTrack;
  if (!trackId) throw new CoachingError("bad-arguments", "Say which track to use, for example: setup humana/ai-pm 09:00 America/New_York mon-fri");
  return { trackId, postTime, timeZone, weekdays };
}
