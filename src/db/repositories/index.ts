import type { Repositories } from "../../core/ports.ts";
import type { Database, Db } from "../client.ts";
import { PGLITE_WRITE_CHUNK_ROWS } from "./bulk-writes.ts";
import { DrizzleAiReviewRepository } from "./ai-reviews.ts";
import { DrizzleAnswerRepository } from "./answers.ts";
import { DrizzleCohortRepository, DrizzleMemberRepository } from "./cohorts.ts";
import { DrizzleDrillRepository } from "./drills.ts";
import { DrizzleFollowUpRepository } from "./follow-ups.ts";
import { DrizzlePointsRepository } from "./points.ts";
import { DrizzlePromptRepository } from "./prompts.ts";
import { DrizzleQuestionRepository } from "./questions.ts";
import { DrizzleReviewRepository } from "./reviews.ts";

export interface RepositoryOptions {
  /** Most rows a bulk write (a close's results, reviewers' parameters and quality points) sends per statement; all in one by default. */
  readonly writeChunkRows?: number;
}

/**
 * PGlite runs statements on the bot's thread, so its bulk writes go in chunks. PostgreSQL runs
 * them in its own process, where chunks only add round trips (a 500-member close took ~20 ms
 * longer, 175-196 ms against 152-164).
 */
export const repositoryOptionsFor = (kind: Database["kind"]): RepositoryOptions => (kind === "pglite" ? { writeChunkRows: PGLITE_WRITE_CHUNK_ROWS } : {});

export function createRepositories(db: Db, { writeChunkRows = Number.POSITIVE_INFINITY }: RepositoryOptions = {}): Repositories {
  return {
    questions: new DrizzleQuestionRepository(db),
    cohorts: new DrizzleCohortRepository(db),
    members: new DrizzleMemberRepository(db),
    prompts: new DrizzlePromptRepository(db),
    answers: new DrizzleAnswerRepository(db),
    followUps: new DrizzleFollowUpRepository(db),
    reviews: new DrizzleReviewRepository(db, writeChunkRows),
    points: new DrizzlePointsRepository(db, writeChunkRows),
    drills: new DrizzleDrillRepository(db),
    aiReviews: new DrizzleAiReviewRepository(db),
  };
}
