import { and, asc, eq, isNotNull, isNull, sql } from "drizzle-orm";
import type { Grade, ReviewRepository } from "../../core/ports.ts";
import type { CriterionResult, ReviewAssignment } from "../../core/prompts/types.ts";
import type { Db } from "../client.ts";
import { answerResults, answers, prompts, reviewAssignments, reviewScores } from "../schema.ts";

const toAssignment = (row: typeof reviewAssignments.$inferSelect): ReviewAssignment => ({
  id: row.id,
  promptId: row.promptId,
  answerId: row.answerId,
  reviewerRef: row.reviewerRef,
  comment: row.comment,
  submittedAt: row.submittedAt,
});

export class DrizzleReviewRepository implements ReviewRepository {
  constructor(private readonly db: Db) {}

  async assign(promptId: number, pairs: readonly { answerId: number; reviewerRef: string }[], now: Date) {
    if (pairs.length === 0) return;
    await this.db
      .insert(reviewAssignments)
      .values(pairs.map((p) => ({ promptId, answerId: p.answerId, reviewerRef: p.reviewerRef, createdAt: now })))
      .onConflictDoNothing();
  }

  async get(id: number) {
    const [row] = await this.db.select().from(reviewAssignments).where(eq(reviewAssignments.id, id));
    return row ? toAssignment(row) : undefined;
  }

  async forPrompt(promptId: number) {
    return (await this.db.select().from(reviewAssignments).where(eq(reviewAssignments.promptId, promptId)).orderBy(asc(reviewAssignments.id))).map(toAssignment);
  }

  async forReviewer(reviewerRef: string, promptId?: number) {
    const rows = await this.db
      .select()
      .from(reviewAssignments)
      .where(and(eq(reviewAssignments.reviewerRef, reviewerRef), promptId === undefined ? undefined : eq(reviewAssignments.promptId, promptId)))
      .orderBy(asc(reviewAssignments.id));
    return rows.map(toAssignment);
  }

  async recordScore(assignmentId: number, criterionId: string, score: number, now: Date) {
    // The insert only happens while the assignment is unsubmitted, checked in the same statement.
    const rows = await this.db.execute<{ assignment_id: number }>(sql`
      insert into ${reviewScores} (assignment_id, criterion_id, score, updated_at)
      select ${assignmentId}, ${criterionId}, ${score}, ${now.toISOString()}::timestamptz
      where exists (select 1 from ${reviewAssignments} where id = ${assignmentId} and submitted_at is null)
      on conflict (assignment_id, criterion_id) do update set score = excluded.score, updated_at = excluded.updated_at
      returning assignment_id`);
    return rowsOf(rows).length > 0;
  }

  async scores(assignmentId: number) {
    const rows = await this.db.select().from(reviewScores).where(eq(reviewScores.assignmentId, assignmentId));
    return new Map(rows.map((r) => [r.criterionId, r.score]));
  }

  async setComment(assignmentId: number, comment: string) {
    const rows = await this.db
      .update(reviewAssignments)
      .set({ comment })
      .where(and(eq(reviewAssignments.id, assignmentId), isNull(reviewAssignments.submittedAt)))
      .returning({ id: reviewAssignments.id });
    return rows.length > 0;
  }

  async submit(assignmentId: number, now: Date) {
    const rows = await this.db
      .update(reviewAssignments)
      .set({ submittedAt: now })
      .where(and(eq(reviewAssignments.id, assignmentId), isNull(reviewAssignments.submittedAt)))
      .returning({ id: reviewAssignments.id });
    return rows.length > 0;
  }

  async cohortGrades(cohortId: number): Promise<Grade[]> {
    const rows = await this.db
      .select({
        promptId: reviewAssignments.promptId,
        answerId: reviewAssignments.answerId,
        reviewerRef: reviewAssignments.reviewerRef,
        criterionId: reviewScores.criterionId,
        score: reviewScores.score,
      })
      .from(reviewScores)
      .innerJoin(reviewAssignments, eq(reviewScores.assignmentId, reviewAssignments.id))
      .innerJoin(prompts, eq(reviewAssignments.promptId, prompts.id))
      .innerJoin(answers, eq(reviewAssignments.answerId, answers.id))
      .where(and(eq(prompts.cohortId, cohortId), isNotNull(reviewAssignments.submittedAt), isNull(answers.withdrawnAt)))
      .orderBy(asc(reviewAssignments.id), asc(reviewScores.criterionId));
    return rows;
  }

  async saveResults(answerId: number, results: readonly CriterionResult[]) {
    await this.db.transaction(async (tx) => {
      await tx.delete(answerResults).where(eq(answerResults.answerId, answerId));
      if (results.length > 0) await tx.insert(answerResults).values(results.map((r) => ({ answerId, ...r })));
    });
  }

  async results(answerId: number) {
    const rows = await this.db.select().from(answerResults).where(eq(answerResults.answerId, answerId)).orderBy(asc(answerResults.criterionId));
    return rows.map(({ answerId: _answerId, ...result }) => result);
  }

  async deleteForReviewer(reviewerRef: string) {
    const rows = await this.db.delete(reviewAssignments).where(eq(reviewAssignments.reviewerRef, reviewerRef)).returning({ answerId: reviewAssignments.answerId });
    return rows.map((r) => r.answerId);
  }
}

/** postgres.js returns an array, PGlite an object with `rows`. */
export function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : ((result as { rows: T[] }).rows ?? []);
}

