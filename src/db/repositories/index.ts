import type { Repositories } from "../../core/ports.ts";
import type { Db } from "../client.ts";
import { DrizzleAiReviewRepository } from "./ai-reviews.ts";
import { DrizzleAnswerRepository } from "./answers.ts";
import { DrizzleCohortRepository, DrizzleMemberRepository } from "./cohorts.ts";
import { DrizzleDrillRepository } from "./drills.ts";
import { DrizzleFollowUpRepository } from "./follow-ups.ts";
import { DrizzlePointsRepository } from "./points.ts";
import { DrizzlePromptRepository } from "./prompts.ts";
import { DrizzleQuestionRepository } from "./questions.ts";
import { DrizzleReviewRepository } from "./reviews.ts";

export function createRepositories(db: Db): Repositories {
  return {
    questions: new DrizzleQuestionRepository(db),
    cohorts: new DrizzleCohortRepository(db),
    members: new DrizzleMemberRepository(db),
    prompts: new DrizzlePromptRepository(db),
    answers: new DrizzleAnswerRepository(db),
    followUps: new DrizzleFollowUpRepository(db),
    reviews: new DrizzleReviewRepository(db),
    points: new DrizzlePointsRepository(db),
    drills: new DrizzleDrillRepository(db),
    aiReviews: new DrizzleAiReviewRepository(db),
  };
}
