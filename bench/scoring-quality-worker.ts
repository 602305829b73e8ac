/**
 * One process of the scoring bench's quality part: bench/scoring.ts forks a few of these
 * (bench/process-pool.ts) and sends them synthetic cohorts to simulate; each answers with
 * the quality of the scores recorded after each day count. The work is deterministic, so
 * splitting it changes how long the bench takes, never its figures.
 */
import { serveJobsIfForked } from "./process-pool.ts";
import { quality, simulateCloses, syntheticCohort, type Quality, type Scenario } from "./synthetic-reviews.ts";

export interface QualityJob {
  scenario: Scenario;
  members: number;
  seed: number;
  dayCounts: readonly number[];
}
/** Per day count: the quality of the scores stored after that day's close, and the RMSE of those each close told its authors. */
export type QualityJobResult = { job: QualityJob; byDayCount: (Quality & { rmseToldAtClose: number })[] };

export async function runQualityJob(job: QualityJob): Promise<QualityJobResult> {
  const cohort = syntheticCohort(job.scenario, job.members, Math.max(...job.dayCounts), job.seed * 1000 + job.members);
  const { told, storedAfter } = await simulateCloses(cohort, job.dayCounts);
  return { job, byDayCount: job.dayCounts.map((days) => ({ ...quality(cohort, storedAfter.get(days)!, days), rmseToldAtClose: quality(cohort, told, days).rmseModel })) };
}

serveJobsIfForked(import.meta.url, runQualityJob);
