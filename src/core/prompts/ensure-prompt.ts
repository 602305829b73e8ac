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
