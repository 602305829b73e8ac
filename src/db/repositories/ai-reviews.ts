import { and, eq, inArray, sql } from "drizzle-orm";
import type { AiCriterionScore } from "../../core/ai/port.ts";
import { aiReviewerRef } from "../../core/ai/port.ts";
import type { AiCalibration, AiReviewRepository, AiReviewStatus, ClaimedAiReview, StoredAiReview } from "../../core/ports.ts";
import type { Db } from "../client.ts";
import { aiReviews, aiUsage, answers, cohorts, drillAttempts, followUps, promptSteps, prompts, reviewAssignments, reviewerParams, reviewScores } from "../schema.ts";
import { rowsOf } from "./reviews.ts";

interface ClaimRow {
  id: number;
  answer_id: number | null;
  prompt_id: number | null;
  drill_attempt_id: number | null;
  budget: string;
  model: string;
  attempts: number;
  cohort_id: number | null;
  user_ref: string | null;
  question_id: string | null;
  answer_text: string | null;
  follow_up_question: string | null;
  follow_up_body: string | null;
}

const toStored = (row: { model: string; status: string; scores: unknown }): StoredAiReview => ({
  model: row.model,
  status: row.status as AiReviewStatus,
  scores: ((typeof row.scores === "string" ? JSON.parse(row.scores) : row.scores) ?? []) as AiCriterionScore[],
});

export class DrizzleAiReviewRepository implements AiReviewRepository {
  constructor(private readonly db: Db) {}

  async enqueuePrompt(promptId: number, cohortId: number, model: string, now: Date) {
    const rows = await this.db.execute(sql`
      insert into ${aiReviews} (answer_id, prompt_id, budget, model, status, next_attempt_at, created_at)
      select a.id, a.prompt_id, ${`cohort:${cohortId}`}, ${model}, 'pending', ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz
      from ${answers} a where a.prompt_id = ${promptId} and a.withdrawn_at is null
      on conflict (answer_id, model) do nothing
      returning id`);
    return rowsOf(rows).length;
  }

  async enqueueDrill(attemptId: number, userRef: string, model: string, now: Date) {
    const rows = await this.db
      .insert(aiReviews)
      .values({ drillAttemptId: attemptId, budget: `user:${userRef}`, model, status: "pending", nextAttemptAt: now, createdAt: now })
      .onConflictDoNothing()
      .returning({ id: aiReviews.id });
    return rows.length > 0;
  }

  async claim(model: string, now: Date, leaseMs: number, limit: number): Promise<ClaimedAiReview[]> {
    const at = now.toISOString();
    // One statement: rows locked with skip locked so two replicas claim disjoint rows; a
    // running row whose lease lapsed (its worker died) is due again. Answers of a cohort
    // whose admins turned the AI off wait (and expire at close).
    const rows = rowsOf<ClaimRow>(
      await this.db.execute(sql`
        with due as (
          select r.id from ${aiReviews} r
          where r.status in ('pending', 'running') and r.next_attempt_at <= ${at}::timestamptz and r.model = ${model}
            and (r.status = 'pending' or r.lease_until < ${at}::timestamptz)
            and (r.prompt_id is null or (
              exists (select 1 from ${prompts} p join ${cohorts} c on c.id = p.cohort_id where p.id = r.prompt_id and c.ai_enabled)
              -- Once the close has started, a score could no longer count.
              and not exists (select 1 from ${promptSteps} ps where ps.prompt_id = r.prompt_id and ps.step = 'close')))
          order by r.next_attempt_at, r.id
          limit ${limit}
          for update of r skip locked
        ), claimed as (
          update ${aiReviews} r set status = 'running', attempts = r.attempts + 1, lease_until = ${new Date(now.getTime() + leaseMs).toISOString()}::timestamptz
          from due where r.id = due.id
          returning r.id, r.answer_id, r.prompt_id, r.drill_attempt_id, r.budget, r.model, r.attempts
        )
        select c.*, p.cohort_id, d.user_ref,
          coalesce(p.question_id, d.question_id) as question_id,
          coalesce(a.body, d.body) as answer_text,
          fu.question as follow_up_question,
          coalesce(fu.body, d.follow_up_body) as follow_up_body
        from claimed c
        left join ${answers} a on a.id = c.answer_id
        left join ${prompts} p on p.id = c.prompt_id
        left join ${followUps} fu on fu.answer_id = c.answer_id
        left join ${drillAttempts} d on d.id = c.drill_attempt_id
        order by c.id`),
    );
    return rows.map((row) => ({
      id: row.id,
      subject:
        row.answer_id !== null
          ? { kind: "answer" as const, answerId: row.answer_id, promptId: row.prompt_id!, cohortId: row.cohort_id! }
          : { kind: "drill" as const, attemptId: row.drill_attempt_id!, userRef: row.user_ref! },
      model: row.model,
      budget: row.budget,
      attempt: row.attempts,
      questionId: row.question_id ?? "",
      answerText: row.answer_text ?? "",
      followUp:
        row.follow_up_body !== null && row.follow_up_body !== "" ? { prompt: row.follow_up_question ?? "", answerText: row.follow_up_body } : undefined,
    }));
  }

  async reserveCall(budget: string, day: string, cap: number) {
    if (cap <= 0) return false;
    const rows = await this.db.execute(sql`
      insert into ${aiUsage} (budget, day, calls) values (${budget}, ${day}, 1)
      on conflict (budget, day) do update set calls = ${aiUsage}.calls + 1 where ${aiUsage}.calls < ${cap}
      returning calls`);
    return rowsOf(rows).length > 0;
  }

  async refundCall(budget: string, day: string) {
    await this.db
      .update(aiUsage)
      .set({ calls: sql`greatest(${aiUsage.calls} - 1, 0)` })
      .where(and(eq(aiUsage.budget, budget), eq(aiUsage.day, day)));
  }

  async saveScores(id: number, attempt: number, scores: readonly AiCriterionScore[], now: Date) {
    const rows = await this.db
      .update(aiReviews)
      .set({ status: "scored", scores: [...scores], scoredAt: now, leaseUntil: null, failure: null })
      .where(and(eq(aiReviews.id, id), eq(aiReviews.attempts, attempt), eq(aiReviews.status, "running")))
      .returning({ id: aiReviews.id });
    return rows.length > 0;
  }

  async retryLater(id: number, attempt: number, nextAttemptAt: Date, failure: string, countAttempt: boolean) {
    await this.db
      .update(aiReviews)
      .set({
        status: "pending",
        nextAttemptAt,
        failure,
        leaseUntil: null,
        // A call that never reached the model (the client's own budget) does not use up a try.
        attempts: countAttempt ? aiReviews.attempts : sql`${aiReviews.attempts} - 1`,
      })
      .where(and(eq(aiReviews.id, id), eq(aiReviews.attempts, attempt), eq(aiReviews.status, "running")));
  }

  async giveUp(id: number, attempt: number, status: "failed" | "dropped", failure: string) {
    await this.db
      .update(aiReviews)
      .set({ status, failure, leaseUntil: null })
      .where(and(eq(aiReviews.id, id), eq(aiReviews.attempts, attempt), eq(aiReviews.status, "running")));
  }

  async expirePrompt(promptId: number) {
    await this.db
      .update(aiReviews)
      .set({ status: "expired", leaseUntil: null })
      .where(and(eq(aiReviews.promptId, promptId), inArray(aiReviews.status, ["pending", "running"])));
  }

  async forPrompt(promptId: number) {
    const rows = await this.db
      .select({ answerId: aiReviews.answerId, model: aiReviews.model, status: aiReviews.status, scores: aiReviews.scores })
      .from(aiReviews)
      .where(eq(aiReviews.promptId, promptId));
    return new Map(rows.map((r) => [r.answerId!, toStored(r)]));
  }

  async forAnswer(answerId: number) {
    const [row] = await this.db.select().from(aiReviews).where(eq(aiReviews.answerId, answerId)).limit(1);
    return row ? toStored(row) : undefined;
  }

  async forDrill(attemptId: number) {
    const [row] = await this.db.select().from(aiReviews).where(eq(aiReviews.drillAttemptId, attemptId)).limit(1);
    return row ? toStored(row) : undefined;
  }

  async calibration(cohortId: number, model: string): Promise<AiCalibration> {
    const [row] = rowsOf<{ peer_grades: number; bias: number | null }>(
      await this.db.execute(sql`
        select
          (select count(*)::int from ${reviewScores} rs
             join ${reviewAssignments} ra on ra.id = rs.assignment_id and ra.submitted_at is not null
             join ${aiReviews} ar on ar.answer_id = ra.answer_id and ar.model = ${model} and ar.status = 'scored'
             join ${prompts} p on p.id = ra.prompt_id
             where p.cohort_id = ${cohortId}) as peer_grades,
          -- Weighted by the AI's grades per criterion: a criterion seen on one day says less than one seen on ten.
          (select (sum(bias * count) / nullif(sum(count), 0))::float8 from ${reviewerParams} where cohort_id = ${cohortId} and reviewer_ref = ${aiReviewerRef(model)}) as bias`),
    );
    return { peerGrades: Number(row?.peer_grades ?? 0), bias: row?.bias == null ? undefined : Number(row.bias) };
  }

  async alertOnce(budget: string, day: string, kind: "cap" | "failure", now: Date) {
    const column = kind === "cap" ? "cap_alerted_at" : "failure_alerted_at";
    const rows = await this.db.execute(sql`
      insert into ${aiUsage} (budget, day, calls, ${sql.raw(column)}) values (${budget}, ${day}, 0, ${now.toISOString()}::timestamptz)
      on conflict (budget, day) do update set ${sql.raw(column)} = excluded.${sql.raw(column)} where ${aiUsage}.${sql.raw(column)} is null
      returning budget`);
    return rowsOf(rows).length > 0;
  }
}
