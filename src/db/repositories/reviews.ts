import { and, asc, desc, eq, getTableColumns, isNotNull, isNull, lt, sql } from "drizzle-orm";
import type { AuthorParams, CloseInputs, Grade, ReviewContext, ReviewerParams, ResultEstimate, ReviewRepository, ScoringUpdate, SheetRow, StepStatus } from "../../core/ports.ts";
import type { CriterionResult, PromptStep, ReviewAssignment } from "../../core/prompts/types.ts";
import type { Question } from "../../core/questions/types.ts";
import type { Db } from "../client.ts";
import { chunked, type Tx } from "./bulk-writes.ts";
import { aiReviews, answerResults, answers, authorParams, cohorts, followUps, promptSteps, prompts, questions, reviewAssignments, reviewerParams, reviewScores, scoringStates } from "../schema.ts";
import { toAnswer } from "./answers.ts";
import { toPrompt } from "./prompts.ts";

/** Assignments per page of a cohort's grades (about 2,400 rows with 4 criteria): each page keeps PGlite's hold on the thread short. */
const ASSIGNMENT_PAGE = 600;
/** Distinct question contents kept by hash; a bank holds a few hundred questions. */
const QUESTION_CACHE_ENTRIES = 512;
const PARAM_COLUMNS = ["bias", "scale", "reliability", "count", "weight", "wx", "wxx", "wv", "wy", "wxy", "wyy", "top"] as const;
const AUTHOR_COLUMNS = ["count", "weight", "wz", "wzz", "wv", "grades", "top"] as const;

interface GradeRow {
  prompt_id: number;
  answer_id: number;
  reviewer_ref: string;
  author_ref: string;
  criterion_id: string;
  score: number;
}
interface StateRow {
  folded_through_prompt_id: number | null;
  closes: number | null;
  closes_at_refit: number | null;
}

const toGrade = (row: GradeRow): Grade => ({
  promptId: row.prompt_id,
  answerId: row.answer_id,
  reviewerRef: row.reviewer_ref,
  authorRef: row.author_ref,
  criterionId: row.criterion_id,
  score: row.score,
});

const toAssignment = (row: typeof reviewAssignments.$inferSelect): ReviewAssignment => ({
  id: row.id,
  promptId: row.promptId,
  answerId: row.answerId,
  reviewerRef: row.reviewerRef,
  comment: row.comment,
  submittedAt: row.submittedAt,
});

export class DrizzleReviewRepository implements ReviewRepository {
  /**
   * Question content by its hash, so a hash can never name stale content. Every rubric click
   * reads its review's context, and the question (8 KB of JSON with the rubric) was half of that
   * statement's cost; on PGlite that statement holds the event loop, and other clicks' acks wait.
   */
  private readonly questionsByHash = new Map<string, Question>();

  constructor(
    private readonly db: Db,
    private readonly writeChunkRows: number,
  ) {}

  async assign(promptId: number, pairs: readonly { answerId: number; reviewerRef: string }[], now: Date) {
    if (pairs.length === 0) return;
    await this.db
      .insert(reviewAssignments)
      .values(pairs.map((p) => ({ promptId, answerId: p.answerId, reviewerRef: p.reviewerRef, createdAt: now })))
      .onConflictDoNothing();
  }

  async context(assignmentId: number): Promise<ReviewContext | undefined> {
    // Lookups by key as scalar subqueries, not joins: planning a six-table join cost PGlite more
    // than running it, on every click, on the event loop.
    const [row] = await this.db
      .select({
        assignment: getTableColumns(reviewAssignments),
        prompt: getTableColumns(prompts),
        answerBody: answers.body,
        followUpQuestion: sql<string | null>`(select ${followUps.question} from ${followUps} where ${followUps.answerId} = ${reviewAssignments.answerId})`,
        followUpBody: sql<string | null>`(select ${followUps.body} from ${followUps} where ${followUps.answerId} = ${reviewAssignments.answerId})`,
        questionHash: sql<string | null>`(select ${questions.contentHash} from ${questions} where ${questions.id} = ${prompts.questionId})`,
        timeZone: sql<string>`(select ${cohorts.timeZone} from ${cohorts} where ${cohorts.id} = ${prompts.cohortId})`,
        scores: sql<unknown>`(select json_object_agg(${reviewScores.criterionId}, ${reviewScores.score}) from ${reviewScores} where ${reviewScores.assignmentId} = ${reviewAssignments.id})`,
        steps: sql<unknown>`(select json_object_agg(${promptSteps.step}, ${promptSteps.status}) from ${promptSteps} where ${promptSteps.promptId} = ${prompts.id})`,
      })
      .from(reviewAssignments)
      .innerJoin(prompts, eq(prompts.id, reviewAssignments.promptId))
      .innerJoin(answers, eq(answers.id, reviewAssignments.answerId))
      .where(eq(reviewAssignments.id, assignmentId));
    if (!row) return undefined;
    return {
      assignment: toAssignment(row.assignment),
      prompt: toPrompt(row.prompt),
      answerBody: row.answerBody,
      followUp: row.followUpQuestion === null ? undefined : { question: row.followUpQuestion, body: row.followUpBody },
      question: row.questionHash === null ? undefined : (this.questionsByHash.get(row.questionHash) ?? (await this.questionContent(row.prompt.questionId))),
      timeZone: row.timeZone,
      scores: new Map(Object.entries(jsonObject<number>(row.scores))),
      steps: new Map(Object.entries(jsonObject<string>(row.steps)) as [PromptStep, StepStatus][]),
    };
  }

  /** Reads a question once per content: a sync that changes it changes its hash. */
  private async questionContent(id: string): Promise<Question | undefined> {
    const [row] = await this.db.select({ content: questions.content, hash: questions.contentHash }).from(questions).where(eq(questions.id, id));
    if (!row) return undefined;
    const question = row.content as Question;
    if (this.questionsByHash.size >= QUESTION_CACHE_ENTRIES) this.questionsByHash.delete(this.questionsByHash.keys().next().value!);
    this.questionsByHash.set(row.hash, question);
    return question;
  }

  async peerScores(assignmentId: number) {
    const rows = await this.db.execute<{ criterion_id: string; mean: number; count: number }>(sql`
      select s.criterion_id, avg(s.score)::float8 as mean, count(*)::int as count
      from ${reviewAssignments} mine
      join ${reviewAssignments} other on other.answer_id = mine.answer_id and other.id <> mine.id and other.submitted_at is not null
      join ${reviewScores} s on s.assignment_id = other.id
      where mine.id = ${assignmentId}
      group by s.criterion_id`);
    return new Map(rowsOf<{ criterion_id: string; mean: number; count: number }>(rows).map((r) => [r.criterion_id, { mean: Number(r.mean), count: Number(r.count) }]));
  }

  async get(id: number) {
    const [row] = await this.db.select().from(reviewAssignments).where(eq(reviewAssignments.id, id));
    return row ? toAssignment(row) : undefined;
  }

  async forPrompt(promptId: number) {
    return (await this.db.select().from(reviewAssignments).where(eq(reviewAssignments.promptId, promptId)).orderBy(asc(reviewAssignments.id))).map(toAssignment);
  }

  async pairsBefore(cohortId: number, localDate: string) {
    const previous = this.db
      .select({ id: prompts.id })
      .from(prompts)
      .where(and(eq(prompts.cohortId, cohortId), lt(prompts.localDate, localDate)))
      .orderBy(desc(prompts.localDate))
      .limit(1);
    return this.db
      .select({ reviewerRef: reviewAssignments.reviewerRef, authorRef: answers.userRef })
      .from(reviewAssignments)
      .innerJoin(answers, eq(answers.id, reviewAssignments.answerId))
      .where(eq(reviewAssignments.promptId, sql`(${previous})`));
  }

  async forReviewer(reviewerRef: string, promptId?: number) {
    const rows = await this.db
      .select()
      .from(reviewAssignments)
      .where(and(eq(reviewAssignments.reviewerRef, reviewerRef), promptId === undefined ? undefined : eq(reviewAssignments.promptId, promptId)))
      .orderBy(asc(reviewAssignments.id));
    return rows.map(toAssignment);
  }

  async recordScore(assignmentId: number, criterionId: string, score: number, actionAt: Date, now: Date) {
    // One statement: stored only while the assignment is unsubmitted, and only over an older click,
    // so whichever replica writes last, the newest click is what stays.
    const rows = await this.db.execute<{ assignment_id: number }>(sql`
      insert into ${reviewScores} (assignment_id, criterion_id, score, updated_at, action_at)
      select ${assignmentId}, ${criterionId}, ${score}, ${now.toISOString()}::timestamptz, ${actionAt.toISOString()}::timestamptz
      where exists (select 1 from ${reviewAssignments} where id = ${assignmentId} and submitted_at is null)
      on conflict (assignment_id, criterion_id) do update set score = excluded.score, updated_at = excluded.updated_at, action_at = excluded.action_at
        where excluded.action_at >= ${reviewScores}.action_at
      returning assignment_id`);
    if (rowsOf(rows).length > 0) return "stored";
    const [assignment] = await this.db.select({ submittedAt: reviewAssignments.submittedAt }).from(reviewAssignments).where(eq(reviewAssignments.id, assignmentId));
    return assignment && assignment.submittedAt === null ? "superseded" : "closed";
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

  async cohortGrades(cohortId: number, throughPromptId: number): Promise<Grade[]> {
    // Paged by assignment, in (prompt, id) order along review_assignments_prompt_idx, so no
    // single statement holds the event loop: PGlite runs each query on this thread, and a
    // 30-day cohort has over 100,000 grades. Each page comes back as one JSON array: parsing
    // 2,400 rows field by field cost more than the page's query.
    const grades: Grade[] = [];
    let after = { promptId: 0, assignmentId: 0 };
    for (;;) {
      const [row] = rowsOf<{ page: unknown }>(
        await this.db.execute(sql`
          with page as (
            select ra.id, ra.prompt_id, ra.answer_id, ra.reviewer_ref, a.user_ref
            from ${reviewAssignments} ra
            join ${answers} a on a.id = ra.answer_id
            where ra.prompt_id in (select id from ${prompts} where cohort_id = ${cohortId} and id <= ${throughPromptId})
              and (ra.prompt_id, ra.id) > (${after.promptId}, ${after.assignmentId})
              and ra.submitted_at is not null and a.withdrawn_at is null
            order by ra.prompt_id, ra.id
            limit ${ASSIGNMENT_PAGE}
          )
          -- Lateral, so each page reads its scores by primary key; a hash join would scan them all per page.
          select json_agg(json_build_array(page.prompt_id, page.id, page.answer_id, page.reviewer_ref, page.user_ref, rs.criterion_id, rs.score) order by page.prompt_id, page.id, rs.criterion_id) as page
          from page left join lateral (select criterion_id, score from ${reviewScores} where assignment_id = page.id offset 0) rs on true`),
      );
      // An assignment without scores still moves the page on: its criterion is null.
      const page = jsonValue<[number, number, number, string, string, string | null, number | null][]>(row?.page, []);
      for (const [promptId, , answerId, reviewerRef, authorRef, criterionId, score] of page) {
        if (criterionId !== null) grades.push({ promptId, answerId, reviewerRef, authorRef, criterionId, score: score! });
      }
      const last = page.at(-1);
      if (!last) break;
      after = { promptId: last[0], assignmentId: last[1] };
    }
    // The AI's scores, one review per answer: far fewer rows than the peers', read at once.
    const ai = rowsOf<GradeRow>(
      await this.db.execute(sql`
        select ar.prompt_id, ar.answer_id, 'ai:' || ar.model as reviewer_ref, a.user_ref as author_ref, s."criterionId" as criterion_id, s.score
        from ${aiReviews} ar
        join ${answers} a on a.id = ar.answer_id
        cross join lateral jsonb_to_recordset(ar.scores) as s("criterionId" text, score int)
        where ar.prompt_id in (select id from ${prompts} where cohort_id = ${cohortId} and id <= ${throughPromptId})
          and ar.status = 'scored' and a.withdrawn_at is null
        order by ar.prompt_id, ar.answer_id, s."criterionId"`),
    );
    for (const row of ai) grades.push(toGrade(row));
    return grades;
  }

  async closeInputs(cohortId: number, promptId: number): Promise<CloseInputs> {
    // The grades and the reviewers' and authors' sums travel as JSON arrays of arrays: thousands
    // of driver-parsed rows (each grade repeating its reviewer's parameters) cost the close more
    // than the queries. Two statements, not one, the reviewers' sums (the most numbers to print)
    // in the second: PGlite runs each on this thread, and the three aggregates together held the
    // event loop for the longest block of a close; PostgreSQL runs the two side by side.
    const gradesOfPrompt = sql`with grades as (
          select ra.answer_id, ra.reviewer_ref, a.user_ref as author_ref, rs.criterion_id, rs.score
          from ${reviewAssignments} ra
          join ${answers} a on a.id = ra.answer_id
          cross join lateral (select criterion_id, score from ${reviewScores} where assignment_id = ra.id offset 0) rs
          where ra.prompt_id = ${promptId} and ra.submitted_at is not null and a.withdrawn_at is null
          union all
          -- The AI is one more reviewer (ai:<model>) whose scores the close may fold in.
          select ar.answer_id, 'ai:' || ar.model, a.user_ref, s."criterionId", s.score
          from ${aiReviews} ar
          join ${answers} a on a.id = ar.answer_id
          cross join lateral jsonb_to_recordset(ar.scores) as s("criterionId" text, score int)
          where ar.prompt_id = ${promptId} and ar.status = 'scored' and a.withdrawn_at is null
        )`;
    const [rows, paramRows] = await Promise.all([
      // One row, from a single row so the state comes back even when nobody graded.
      this.db.execute(sql`
        ${gradesOfPrompt}
        select st.folded_through_prompt_id, st.closes, st.closes_at_refit,
               -- The prompt's answer ids first, so both tables are read by index: as a join, the
               -- planner walked every answer of every prompt in id order.
               exists (select 1 from ${answerResults} r where r.answer_id = any (array(select id from ${answers} where prompt_id = ${promptId}))) as scored,
               (select json_agg(json_build_array(g.answer_id, g.reviewer_ref, g.author_ref, g.criterion_id, g.score) order by g.answer_id, g.reviewer_ref, g.criterion_id) from grades g) as grades,
               (select json_agg(json_build_array(p.criterion_id, p.author_ref, ${sql.raw(AUTHOR_COLUMNS.map((c) => `p.${c}`).join(", "))}))
                from ${authorParams} p
                where p.cohort_id = ${cohortId} and (p.criterion_id, p.author_ref) in (select criterion_id, author_ref from grades)) as authors
        from (select 1) as one
        left join ${scoringStates} st on st.cohort_id = ${cohortId}`),
      this.db.execute(sql`
        ${gradesOfPrompt}
        select json_agg(json_build_array(p.criterion_id, p.reviewer_ref, ${sql.raw(PARAM_COLUMNS.map((c) => `p.${c}`).join(", "))})) as params
        from ${reviewerParams} p
        where p.cohort_id = ${cohortId} and (p.criterion_id, p.reviewer_ref) in (select criterion_id, reviewer_ref from grades)`),
    ]);
    const [row] = rowsOf<StateRow & { scored: boolean; grades: unknown; authors: unknown }>(rows);
    const state =
      row?.folded_through_prompt_id == null ? undefined : { foldedThroughPromptId: row.folded_through_prompt_id, closes: row.closes!, closesAtRefit: row.closes_at_refit! };
    const grades = jsonValue<[number, string, string, string, number][]>(row?.grades, []).map(
      ([answerId, reviewerRef, authorRef, criterionId, score]): Grade => ({ promptId, answerId, reviewerRef, authorRef, criterionId, score }),
    );
    const params = jsonValue<[string, string, ...number[]][]>(rowsOf<{ params: unknown }>(paramRows)[0]?.params, []).map(
      ([criterionId, reviewerRef, bias, scale, reliability, count, weight, wx, wxx, wv, wy, wxy, wyy, top]): ReviewerParams => ({
        criterionId,
        reviewerRef,
        bias: bias!,
        scale: scale!,
        reliability: reliability!,
        stats: { count: count!, weight: weight!, wx: wx!, wxx: wxx!, wv: wv!, wy: wy!, wxy: wxy!, wyy: wyy!, top: top! },
      }),
    );
    const authors = jsonValue<[string, string, ...number[]][]>(row?.authors, []).map(
      ([criterionId, authorRef, count, weight, wz, wzz, wv, grades, top]): AuthorParams => ({
        criterionId,
        authorRef,
        stats: { count: count!, weight: weight!, wz: wz!, wzz: wzz!, wv: wv!, grades: grades!, top: top! },
      }),
    );
    return { grades, params, authors, state, scored: row?.scored === true };
  }

  async saveReviewerParams(cohortId: number, scoring: ScoringUpdate) {
    return this.db.transaction((tx) => storeReviewerParams(tx, cohortId, scoring, this.writeChunkRows));
  }

  async dropReviewerParams(cohortId: number) {
    await this.db.transaction(async (tx) => {
      await tx.delete(scoringStates).where(eq(scoringStates.cohortId, cohortId));
      await tx.delete(reviewerParams).where(eq(reviewerParams.cohortId, cohortId));
      await tx.delete(authorParams).where(eq(authorParams.cohortId, cohortId));
    });
  }

  async saveResults(answerId: number, results: readonly CriterionResult[]) {
    await storeResults(this.db, new Map([[answerId, results]]), this.writeChunkRows);
  }

  async saveClose(cohortId: number, results: ReadonlyMap<number, readonly CriterionResult[]>, scoring: ScoringUpdate | undefined) {
    // One transaction, so a close interrupted half-way leaves either all of it or none: a
    // retry then finds the state folded only when the results are stored too.
    return this.db.transaction(async (tx) => {
      const stored = scoring ? await storeReviewerParams(tx, cohortId, scoring, this.writeChunkRows) : true;
      await storeResults(tx, results, this.writeChunkRows);
      return stored;
    });
  }

  async rescoreResults(estimates: ReadonlyMap<number, readonly ResultEstimate[]>) {
    // Statement by statement, no transaction: each row is overwritten with a refit's estimate, so a
    // rescoring cut short leaves older estimates for the next refit to replace, nothing wrong.
    // Half a bulk write's rows on PGlite: an update also refreshes its members' quality, and 500 rows took 21 ms at the median there, 48-110 ms at worst.
    for (const chunk of chunked(estimates, Math.min(this.writeChunkRows / 2, RESCORE_CHUNK_ROWS), ([, list]) => list.length)) {
      const rows = JSON.stringify(chunk.flatMap(([answerId, list]) => list.map((r) => ({ answer_id: answerId, criterion_id: r.criterionId, score: r.score, uncertainty: r.uncertainty }))));
      // Rows whose stored values already match are left alone: an update fires the members' quality refresh.
      await this.db.execute(sql`
        update ${answerResults} r set score = i.score, uncertainty = i.uncertainty
        from json_to_recordset(${rows}::json) as i(answer_id int, criterion_id text, score real, uncertainty real)
        where r.answer_id = i.answer_id and r.criterion_id = i.criterion_id
          and (r.score, r.uncertainty) is distinct from (i.score, i.uncertainty)`);
    }
  }

  async promptResults(promptId: number) {
    const rows = await this.db
      .select(getTableColumns(answerResults))
      .from(answerResults)
      .innerJoin(answers, eq(answers.id, answerResults.answerId))
      .where(and(eq(answers.promptId, promptId), isNull(answers.withdrawnAt)))
      .orderBy(asc(answerResults.answerId), asc(answerResults.criterionId));
    const results = new Map<number, CriterionResult[]>();
    for (const { answerId, ...result } of rows) {
      let list = results.get(answerId);
      if (!list) results.set(answerId, (list = []));
      list.push(result);
    }
    return results;
  }

  async criterionAverages(cohortId: number, userRef: string) {
    const rows = await this.db.execute<{ id: string; label: string | null; average: number; answers: number }>(sql`
      select r.criterion_id as id,
        min(jsonb_path_query_first(q.content, '$.rubric.criteria[*] ? (@.id == $id).label', jsonb_build_object('id', r.criterion_id)) #>> '{}') as label,
        avg(r.score)::float8 as average, count(*)::int as answers
      from ${prompts} p
      join ${answers} a on a.prompt_id = p.id and a.user_ref = ${userRef} and a.withdrawn_at is null
      join ${answerResults} r on r.answer_id = a.id
      left join ${questions} q on q.id = p.question_id
      where p.cohort_id = ${cohortId}
      group by r.criterion_id
      order by avg(r.score), r.criterion_id`);
    return rowsOf<{ id: string; label: string | null; average: number; answers: number }>(rows).map((r) => ({
      id: r.id,
      label: r.label ?? r.id,
      average: Number(r.average),
      answers: Number(r.answers),
    }));
  }

  async cohortSheet(cohortId: number): Promise<SheetRow[]> {
    const rows = await this.db
      .select({ prompt: getTableColumns(prompts), answer: getTableColumns(answers), result: getTableColumns(answerResults) })
      .from(prompts)
      .leftJoin(answers, and(eq(answers.promptId, prompts.id), isNull(answers.withdrawnAt)))
      .leftJoin(answerResults, eq(answerResults.answerId, answers.id))
      .where(eq(prompts.cohortId, cohortId))
      .orderBy(asc(prompts.localDate), asc(answers.id), asc(answerResults.criterionId));
    return rows.map((r) => ({
      prompt: toPrompt(r.prompt),
      answer: r.answer && toAnswer(r.answer),
      result: r.result && { criterionId: r.result.criterionId, score: r.result.score, uncertainty: r.result.uncertainty, plainMean: r.result.plainMean, gradeCount: r.result.gradeCount },
    }));
  }

  async results(answerId: number) {
    const rows = await this.db.select().from(answerResults).where(eq(answerResults.answerId, answerId)).orderBy(asc(answerResults.criterionId));
    return rows.map(({ answerId: _answerId, ...result }) => result);
  }

  async resultTotalsForUser(userRef: string) {
    const rows = await this.db
      .select({ criterionId: answerResults.criterionId, total: sql<number>`sum(${answerResults.score})::float8`, count: sql<number>`count(*)::int` })
      .from(answerResults)
      .innerJoin(answers, eq(answers.id, answerResults.answerId))
      .where(eq(answers.userRef, userRef))
      .groupBy(answerResults.criterionId);
    return new Map(rows.map((r) => [r.criterionId, { total: Number(r.total), count: Number(r.count) }]));
  }

  async cohortResults(cohortId: number) {
    return this.db
      .select({ promptId: answers.promptId, answerId: answers.id, userRef: answers.userRef, criterionId: answerResults.criterionId, score: answerResults.score })
      .from(answerResults)
      .innerJoin(answers, eq(answers.id, answerResults.answerId))
      .innerJoin(prompts, eq(prompts.id, answers.promptId))
      .where(and(eq(prompts.cohortId, cohortId), isNull(answers.withdrawnAt)))
      .orderBy(asc(prompts.localDate), asc(answers.id));
  }

  async submittedByAnswer(cohortId: number) {
    const rows = await this.db
      .select({ answerId: reviewAssignments.answerId, count: sql<number>`count(*)::int` })
      .from(reviewAssignments)
      .innerJoin(prompts, eq(prompts.id, reviewAssignments.promptId))
      .where(and(eq(prompts.cohortId, cohortId), isNotNull(reviewAssignments.submittedAt)))
      .groupBy(reviewAssignments.answerId);
    return new Map(rows.map((r) => [r.answerId, Number(r.count)]));
  }

  async countSubmitted(cohortId: number, reviewerRef: string) {
    const [row] = await this.db
      .select({ count: sql<number>`count(*)::int` })
      .from(reviewAssignments)
      .innerJoin(prompts, eq(prompts.id, reviewAssignments.promptId))
      .where(and(eq(prompts.cohortId, cohortId), eq(reviewAssignments.reviewerRef, reviewerRef), isNotNull(reviewAssignments.submittedAt)));
    return Number(row?.count ?? 0);
  }

  async deleteForReviewer(reviewerRef: string) {
    const rows = await this.db.delete(reviewAssignments).where(eq(reviewAssignments.reviewerRef, reviewerRef)).returning({ answerId: reviewAssignments.answerId });
    return rows.map((r) => r.answerId);
  }
}

/**
 * Most rows a rescoring statement carries on PostgreSQL too: each statement's JSON is built on
 * the bot's thread, and a 500-member cohort's 62,000 results in one held the event loop for
 * over 100 ms.
 */
const RESCORE_CHUNK_ROWS = 2_000;

/** json aggregates arrive parsed from one driver and as text from another, or null over no rows. */
function jsonValue<T>(value: unknown, empty: T): T {
  if (value === null || value === undefined) return empty;
  return (typeof value === "string" ? JSON.parse(value) : value) as T;
}

const jsonObject = <T>(value: unknown): Record<string, T> => jsonValue<Record<string, T>>(value, {});

/** postgres.js returns an array, PGlite an object with `rows`. */
export function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : ((result as { rows: T[] }).rows ?? []);
}


const paramRows = (params: readonly ReviewerParams[]) =>
  JSON.stringify(params.map((p) => ({ criterion_id: p.criterionId, reviewer_ref: p.reviewerRef, bias: p.bias, scale: p.scale, reliability: p.reliability, ...p.stats })));
const paramInput = (rows: string) => sql`select * from json_to_recordset(${rows}::json) as t(criterion_id text, reviewer_ref text, bias float8, scale float8, reliability float8,
  count int, weight float8, wx float8, wxx float8, wv float8, wy float8, wxy float8, wyy float8, top float8)`;
const upsertParams = (cohortId: number) => sql`
  insert into ${reviewerParams} (cohort_id, criterion_id, reviewer_ref, ${sql.raw(PARAM_COLUMNS.join(", "))})
  select ${cohortId}, criterion_id, reviewer_ref, ${sql.raw(PARAM_COLUMNS.join(", "))} from input`;
const onParamConflict = sql.raw(`on conflict (cohort_id, criterion_id, reviewer_ref) do update set ${PARAM_COLUMNS.map((c) => `${c} = excluded.${c}`).join(", ")}`);

const authorRows = (authors: readonly AuthorParams[]) => JSON.stringify(authors.map((a) => ({ criterion_id: a.criterionId, author_ref: a.authorRef, ...a.stats })));
const authorInput = (rows: string) =>
  sql`select * from json_to_recordset(${rows}::json) as t(criterion_id text, author_ref text, count int, weight float8, wz float8, wzz float8, wv float8, grades int, top float8)`;
const upsertAuthors = (cohortId: number) => sql`
  insert into ${authorParams} (cohort_id, criterion_id, author_ref, ${sql.raw(AUTHOR_COLUMNS.join(", "))})
  select ${cohortId}, criterion_id, author_ref, ${sql.raw(AUTHOR_COLUMNS.join(", "))} from author_input`;
const onAuthorConflict = sql.raw(`on conflict (cohort_id, criterion_id, author_ref) do update set ${AUTHOR_COLUMNS.map((c) => `${c} = excluded.${c}`).join(", ")}`);

/**
 * Moves the cohort's scoring state from `expected` to `next` and upserts the reviewers'
 * parameters and the authors' sums, at most `chunkRows` rows per statement: the first
 * statement moves the state, a refit's next two drop the reviewers and authors it no longer
 * saw, the rest only upsert, inside the caller's transaction. When another writer moved the
 * state first, stores nothing and drops the state (its sums and ours would double count), so
 * the next close refits.
 */
async function storeReviewerParams(tx: Tx, cohortId: number, { expected, next, params, authors, replace }: ScoringUpdate, chunkRows: number): Promise<boolean> {
  const [first = [], ...rest] = chunked(params, chunkRows);
  // The authors ride in the first statement when they fit beside its parameters, else in statements of their own.
  const together = first.length + authors.length <= chunkRows;
  const firstAuthors = together ? authors : [];
  const restAuthors = together ? [] : chunked(authors, chunkRows);
  const moved = expected
    ? sql`update ${scoringStates} set folded_through_prompt_id = ${next.foldedThroughPromptId}, closes = ${next.closes}, closes_at_refit = ${next.closesAtRefit}
        where cohort_id = ${cohortId} and folded_through_prompt_id = ${expected.foldedThroughPromptId} and closes = ${expected.closes} and closes_at_refit = ${expected.closesAtRefit}
        returning cohort_id`
    : sql`insert into ${scoringStates} (cohort_id, folded_through_prompt_id, closes, closes_at_refit)
        values (${cohortId}, ${next.foldedThroughPromptId}, ${next.closes}, ${next.closesAtRefit})
        on conflict do nothing returning cohort_id`;
  const result = rowsOf<{ moved: number }>(
    await tx.execute(sql`
      with input as (${paramInput(paramRows(first))}),
      author_input as (${authorInput(authorRows(firstAuthors))}),
      moved as (${moved}),
      saved as (${upsertParams(cohortId)} where exists (select 1 from moved) ${onParamConflict}),
      saved_authors as (${upsertAuthors(cohortId)} where exists (select 1 from moved) ${onAuthorConflict})
      select count(*)::int as moved from moved`),
  );
  if (Number(result[0]?.moved ?? 0) === 0) {
    await tx.delete(scoringStates).where(eq(scoringStates.cohortId, cohortId));
    return false;
  }
  if (replace) {
    // The whole refit's keys: reviewers and authors it no longer saw (forgotten ones) go. Each in
    // a statement of its own, not beside the first upsert: on PGlite, which runs statements on
    // this thread, that one statement was a refit's longest block.
    // not in, not "not exists": a hashed subplan whatever the planner guesses of the JSON's size.
    const kept = JSON.stringify(params.map((p) => ({ criterion_id: p.criterionId, reviewer_ref: p.reviewerRef })));
    await tx.execute(sql`
      delete from ${reviewerParams} p
      where p.cohort_id = ${cohortId}
        and (p.criterion_id, p.reviewer_ref) not in (select criterion_id, reviewer_ref from json_to_recordset(${kept}::json) as k(criterion_id text, reviewer_ref text))`);
    const keptAuthors = JSON.stringify(authors.map((a) => ({ criterion_id: a.criterionId, author_ref: a.authorRef })));
    await tx.execute(sql`
      delete from ${authorParams} p
      where p.cohort_id = ${cohortId}
        and (p.criterion_id, p.author_ref) not in (select criterion_id, author_ref from json_to_recordset(${keptAuthors}::json) as k(criterion_id text, author_ref text))`);
  }
  // The state moved in this transaction, so its row lock keeps other writers out until the rest is stored.
  for (const chunk of rest) {
    await tx.execute(sql`with input as (${paramInput(paramRows(chunk))}) ${upsertParams(cohortId)} ${onParamConflict}`);
  }
  for (const chunk of restAuthors) {
    await tx.execute(sql`with author_input as (${authorInput(authorRows(chunk))}) ${upsertAuthors(cohortId)} ${onAuthorConflict}`);
  }
  return true;
}

/**
 * Replaces the stored results of the given answers (none for an answer with an empty list),
 * about `chunkRows` rows per statement: an answer's results always travel together, as each
 * statement drops the criteria its answers no longer have.
 */
async function storeResults(db: Db | Tx, results: ReadonlyMap<number, readonly CriterionResult[]>, chunkRows: number): Promise<void> {
  for (const chunk of chunked(results, chunkRows, ([, list]) => list.length)) {
    const rows = JSON.stringify(
      chunk.flatMap(([answerId, list]) =>
        list.map((r) => ({ answer_id: answerId, criterion_id: r.criterionId, score: r.score, uncertainty: r.uncertainty, plain_mean: r.plainMean, grade_count: r.gradeCount })),
      ),
    );
    await db.execute(sql`
      with input as (
        select * from json_to_recordset(${rows}::json) as t(answer_id int, criterion_id text, score real, uncertainty real, plain_mean real, grade_count int)
      ),
      dropped as (
        delete from ${answerResults} r
        where r.answer_id in (select value::int from json_array_elements_text(${JSON.stringify(chunk.map(([answerId]) => answerId))}::json))
          and (r.answer_id, r.criterion_id) not in (select answer_id, criterion_id from input)
      )
      insert into ${answerResults} (answer_id, criterion_id, score, uncertainty, plain_mean, grade_count)
      select answer_id, criterion_id, score, uncertainty, plain_mean, grade_count from input
      on conflict (answer_id, criterion_id) do update
        set score = excluded.score, uncertainty = excluded.uncertainty, plain_mean = excluded.plain_mean, grade_count = excluded.grade_count`);
  }
}
