import { windowsFor, type DayWindows } from "../cohorts/schedule.ts";
import type { Cohort } from "../cohorts/types.ts";
import type { CoachDeps } from "../deps.ts";
import { CoachingError } from "../errors.ts";
import { pickQuestion } from "../questions/pick-question.ts";
import type { Track } from "../questions/types.ts";
import type { Prompt } from "./types.ts";

export type TrackLoader = (trackId: string) => Promise<Track | undefined>;

/**
 * Creates the cohort's prompt for `localDate` once; later calls return the same row.
 * A tick that makes many prompts passes a memoised `loadTrack` so each track is read once.
 */
export async function ensurePrompt(
  deps: CoachDeps,
  cohort: Cohort,
  localDate: string,
  windows: DayWindows = windowsFor(cohort, localDate),
  loadTrack: TrackLoader = (id) => deps.repos.questions.activeTrack(id),
): Promise<Prompt> {
  const history = await deps.repos.prompts.forCohort(cohort.id);
  const existing = history.find((p) => p.localDate === localDate);
  if (existing) return existing;
  const track = await loadTrack(cohort.trackId);
  const question = track
    ? pickQuestion({ track, questions: track.questions, cohortId: cohort.id, localDate, history: history.map((p) => p.questionId) })
    : undefined;
  if (!question) throw new CoachingError("no-questions", `Track "${cohort.trackId}" has no active questions.`);
  return deps.repos.prompts.ensure(
    { cohortId: cohort.id, localDate, questionId: question.id, season: cohort.season, ...windows },
    deps.clock.now(),
  );
}

/**
 * The day's prompt for many cohorts at once (a tick's worth): histories read in one
 * statement, prompts made in one more. Cohorts whose track has no active question are
 * left out and logged; the tick looks at them again next minute.
 */
export async function ensurePrompts(
  deps: CoachDeps,
  days: readonly { readonly cohort: Cohort; readonly localDate: string; readonly windows: DayWindows }[],
  loadTrack: TrackLoader,
): Promise<{ made: readonly { cohort: Cohort; prompt: Prompt }[]; failed: ReadonlySet<number> }> {
  const histories = await deps.repos.prompts.forCohorts(days.map((d) => d.cohort.id));
  const failed = new Set<number>();
  const wanted = [];
  for (const { cohort, localDate, windows } of days) {
    const history = histories.get(cohort.id) ?? [];
    if (history.some((p) => p.localDate === localDate)) continue;
    const track = await loadTrack(cohort.trackId);
    const question = track && pickQuestion({ track, questions: track.questions, cohortId: cohort.id, localDate, history: history.map((p) => p.questionId) });
    if (!question) {
      deps.log.error({ cohortId: cohort.id, trackId: cohort.trackId }, "could not create today's prompt: the track has no active questions");
      failed.add(cohort.id);
      continue;
    }
    wanted.push({ cohortId: cohort.id, localDate, questionId: question.id, season: cohort.season, ...windows });
  }
  const made = new Map((await deps.repos.prompts.ensureMany(wanted, deps.clock.now())).map((p) => [p.cohortId, p]));
  for (const { cohort, localDate } of days) {
    const existing = histories.get(cohort.id)?.find((p) => p.localDate === localDate);
    if (existing) made.set(cohort.id, existing);
  }
  return { made: days.flatMap(({ cohort }) => (made.has(cohort.id) ? [{ cohort, prompt: made.get(cohort.id)! }] : [])), failed };
}
