import { and, asc, desc, eq, getTableColumns, gt, isNotNull, isNull, lt, type SQL, sql } from "drizzle-orm";
import type { AuthorParams, CloseInputs, Grade, ReviewContext, ReviewerParams, ResultEstimate, ReviewRepository, ScoringUpdate, SheetAnswer, StepStatus } from "../../core/ports.ts";
import type { CriterionResult, PromptStep, ReviewAssignment } from "../../core/prompts/types.ts";
import type { Question } from "../../core/questions/types.ts";
import type { ReviewPair } from "../../core/reviews/assign-reviewers.ts";
import type { Db } from "../client.ts";
import { chunked, type Column, type Tx, unnested } from "./bulk-writes.ts";
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

  async assign(promptId: number, pairs: readonly ReviewPair[], now: Date) {
    // Pairs travel as two arrays, not as Drizzle's insert of one parameter per value: building
    // that statement for a 2,000-member cohort's 6,000 pairs held the event loop 250-350 ms.
    if (pairs.length === 0) return;
    await this.db.transaction(async (tx) => {
      for (const chunk of chunked(pairs, this.writeChunkRows)) {
        await tx.execute(sql`
          insert into ${reviewAssignments} (prompt_id, answer_id, reviewer_ref, created_at)
          select ${promptId}, answer_id, reviewer_ref, ${now.toISOString()}::timestamptz from (${unnested(chunk, PAIR_INPUT)}) pairs
          on conflict do nothing`);
      }
    });
  }

  async context(assignmentId: number): Promise<ReviewContext | undefined> {
    return (await this.readContexts(eq(reviewAssignments.id, assignmentId), 1)).get(assignmentId);
  }

  async promptContexts(promptId: number, afterAssignmentId: number, limit: number): Promise<ReviewContext[]> {
    const where = and(eq(reviewAssignments.promptId, promptId), gt(reviewAssignments.id, afterAssignmentId))!;
    return [...(await this.readContexts(where, limit)).values()];
  }

  /** Contexts of the assignments `where` picks, in assignment order, at most `limit`. */
  private async readContexts(where: SQL, limit: number): Promise<Map<number, ReviewContext>> {
    // Lookups by key as scalar subqueries, not joins: planning a six-table join cost PGlite more
    // than running it, on every click, on the event loop.
    const rows = await this.db
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
      .where(where)
      .orderBy(asc(reviewAssignments.id))
      .limit(limit);
    const contexts = new Map<number, ReviewContext>();
    for (const row of rows) {
      contexts.set(row.assignment.id, {
        assignment: toAssignment(row.assignment),
        prompt: toPrompt(row.prompt),
        answerBody: row.answerBody,
        followUp: row.followUpQuestion === null ? undefined : { question: row.followUpQuestion, body: row.followUpBody },
        question: row.questionHash === null ? undefined : (this.questionsByHash.get(row.questionHash) ?? (await this.questionContent(row.prompt.questionId))),
        timeZone: row.timeZone,
        scores: new Map(Object.entries(jsonObject<number>(row.scores))),
        steps: new Map(Object.entries(jsonObject<string>(row.steps)) as [PromptStep, StepStatus][]),
      });
    }
    return contexts;
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
    // One row of two arrays, not a row per pair: at 2,000 members, PGlite parsing and mapping
    // 6,000 rows on the bot's thread after the statement made the longest block of opening
    // reviews (24 ms of statement and 21 ms of rows, against the 50 ms the loop may be held).
    const [row] = rowsOf<{ pairs: unknown }>(
      await this.db.execute(sql`
        select json_build_array(array_agg(ra.reviewer_ref), array_agg(a.user_ref)) as pairs
        from ${reviewAssignments} ra join ${answers} a on a.id = ra.answer_id
        where ra.prompt_id = (${previous})`),
    );
    const [reviewerRefs, authorRefs] = columnsOf<[string[], string[]]>(row?.pairs, 2);
    return reviewerRefs.map((reviewerRef, i) => ({ reviewerRef, authorRef: authorRefs[i]! }));
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
    // The grades and the reviewers' and authors' sums travel as one JSON array per column:
    // thousands of driver-parsed rows (each grade repeating its reviewer's parameters) cost the
    // close more than the queries, and a JSON array per row cost the server more than the rest
    // of the query (it looks up how to print each value of each row). Each answer and its scores
    // are read by key: a join hashed every answer of the cohort's history. Two statements, not
    // one, the reviewers' sums (the most numbers to print) in the second: PGlite runs each on
    // this thread, and all of it in one statement was a close's longest block there (~53 ms
    // against ~41 ms); PostgreSQL runs the two side by side.
    const gradesOfPrompt = sql`with grades as materialized (
          select ra.answer_id, ra.reviewer_ref, a.user_ref as author_ref, rs.criterion_id, rs.score
          from ${reviewAssignments} ra
          cross join lateral (select user_ref from ${answers} where id = ra.answer_id and withdrawn_at is null offset 0) a
          cross join lateral (select criterion_id, score from ${reviewScores} where assignment_id = ra.id offset 0) rs
          where ra.prompt_id = ${promptId} and ra.submitted_at is not null
          union all
          -- The AI is one more reviewer (ai:<model>) whose scores the close may fold in.
          select ar.answer_id, 'ai:' || ar.model, a.user_ref, s."criterionId", s.score
          from ${aiReviews} ar
          join ${answers} a on a.id = ar.answer_id
          cross join lateral jsonb_to_recordset(ar.scores) as s("criterionId" text, score int)
          where ar.prompt_id = ${promptId} and ar.status = 'scored' and a.withdrawn_at is null
        )`;
    const [rows, paramRows] = await Promise.all([
      this.db.execute(sql`
        ${gradesOfPrompt}
        select st.folded_through_prompt_id, st.closes, st.closes_at_refit,
               -- The prompt's answer ids first, so both tables are read by index: as a join, the
               -- planner walked every answer of every prompt in id order.
               exists (select 1 from ${answerResults} r where r.answer_id = any (array(select id from ${answers} where prompt_id = ${promptId}))) as scored,
               -- Sorted once, below the aggregates, which keep their input's order: an ORDER BY in
               -- each of the five would sort five times.
               (select json_build_array(array_agg(g.answer_id), array_agg(g.reviewer_ref), array_agg(g.author_ref), array_agg(g.criterion_id), array_agg(g.score))
                from (select * from grades order by answer_id, reviewer_ref, criterion_id) g) as grades,
               (select json_build_array(array_agg(p.criterion_id), array_agg(p.author_ref), ${sql.raw(AUTHOR_COLUMNS.map((c) => `array_agg(p.${c})`).join(", "))})
                from ${authorParams} p
                where p.cohort_id = ${cohortId} and (p.criterion_id, p.author_ref) in (select criterion_id, author_ref from grades)) as authors
        from (select 1) as one
        left join ${scoringStates} st on st.cohort_id = ${cohortId}`),
      this.db.execute(sql`
        ${gradesOfPrompt}
        select json_build_array(array_agg(p.criterion_id), array_agg(p.reviewer_ref), ${sql.raw(PARAM_COLUMNS.map((c) => `array_agg(p.${c})`).join(", "))}) as params
        from ${reviewerParams} p
        where p.cohort_id = ${cohortId} and (p.criterion_id, p.reviewer_ref) in (select criterion_id, reviewer_ref from grades)`),
    ]);
    const [row] = rowsOf<StateRow & { scored: boolean; grades: unknown; authors: unknown }>(rows);
    const paramsRow = rowsOf<{ params: unknown }>(paramRows)[0];
    const state =
      row?.folded_through_prompt_id == null ? undefined : { foldedThroughPromptId: row.folded_through_prompt_id, closes: row.closes!, closesAtRefit: row.closes_at_refit! };
    const [answerIds, reviewerRefs, authorRefs, criterionIds, scores] = columnsOf<[number[], string[], string[], string[], number[]]>(row?.grades, 5);
    const grades = answerIds.map((answerId, i): Grade => ({ promptId, answerId, reviewerRef: reviewerRefs[i]!, authorRef: authorRefs[i]!, criterionId: criterionIds[i]!, score: scores[i]! }));
    const [paramCriteria, paramRefs, bias, scale, reliability, count, weight, wx, wxx, wv, wy, wxy, wyy, top] = columnsOf<[string[], string[], ...number[][]]>(paramsRow?.params, 14);
    const params = paramCriteria.map(
      (criterionId, i): ReviewerParams => ({
        criterionId,
        reviewerRef: paramRefs[i]!,
        bias: bias![i]!,
        scale: scale![i]!,
        reliability: reliability![i]!,
        stats: { count: count![i]!, weight: weight![i]!, wx: wx![i]!, wxx: wxx![i]!, wv: wv![i]!, wy: wy![i]!, wxy: wxy![i]!, wyy: wyy![i]!, top: top![i]! },
      }),
    );
    const [authorCriteria, authorRefsOfSums, aCount, aWeight, wz, wzz, aWv, aGrades, aTop] = columnsOf<[string[], string[], ...number[][]]>(row?.authors, 9);
    const authors = authorCriteria.map(
      (criterionId, i): AuthorParams => ({
        criterionId,
        authorRef: authorRefsOfSums[i]!,
        stats: { count: aCount![i]!, weight: aWeight![i]!, wz: wz![i]!, wzz: wzz![i]!, wv: aWv![i]!, grades: aGrades![i]!, top: aTop![i]! },
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

  async saveResults(results: ReadonlyMap<number, readonly CriterionResult[]>) {
    // Half a bulk write's rows, as rescoreResults: these overwrite stored results, and each
    // update also moves its member's quality row (migration 0016), a second write per answer.
    await storeResults(this.db, results, this.writeChunkRows / 2);
  }

  async saveClose(cohortId: number, results: ReadonlyMap<number, readonly CriterionResult[]>, scoring: ScoringUpdate | undefined) {
    // Two transactions side by side (PostgreSQL runs them on two connections; PGlite in turn),
    // each all or nothing. Whichever of the two commits alone, a retry is right: results without
    // the state moved are overwritten by a close that folds the prompt again, and a state moved
    // without results makes the retry refit (refitDue: the prompt is already folded in). Both
    // settle before this fails, so a retry never starts beside a write still running.
    const writes = await Promise.allSettled([
      scoring ? this.db.transaction((tx) => storeReviewerParams(tx, cohortId, scoring, this.writeChunkRows)) : Promise.resolve(true),
      this.db.transaction((tx) => storeResults(tx, results, this.writeChunkRows)),
    ]);
    for (const write of writes) if (write.status === "rejected") throw write.reason;
    return (writes[0] as PromiseFulfilledResult<boolean>).value;
  }

  async rescoreResults(estimates: ReadonlyMap<number, readonly ResultEstimate[]>) {
    // Statement by statement, no transaction: each row is overwritten with a refit's estimate, so a
    // rescoring cut short leaves older estimates for the next refit to replace, nothing wrong.
    // Half a bulk write's rows on PGlite: an update also moves its members' quality rows (migration 0016).
    for (const chunk of chunked(estimates, Math.min(this.writeChunkRows / 2, RESCORE_CHUNK_ROWS), ([, list]) => list.length)) {
      const rows = chunk.flatMap(([answerId, list]) => list.map((estimate) => ({ answerId, ...estimate })));
      // Rows whose stored values already match are left alone: each update moves its member's quality row too.
      await this.db.execute(sql`
        update ${answerResults} r set score = i.score, uncertainty = i.uncertainty
        from (${unnested(rows, ESTIMATE_INPUT)}) i
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

  async sheetPage(promptId: number, afterAnswerId: number, limit: number): Promise<SheetAnswer[]> {
    const rows = await this.db
      .select({
        answer: getTableColumns(answers),
        results: sql<unknown>`(
          select json_agg(json_build_object('criterionId', ${answerResults.criterionId}, 'score', ${answerResults.score}, 'uncertainty', ${answerResults.uncertainty},
                                            'plainMean', ${answerResults.plainMean}, 'gradeCount', ${answerResults.gradeCount}) order by ${answerResults.criterionId})
          from ${answerResults} where ${answerResults.answerId} = ${answers.id})`,
        reviewsReceived: sql<number>`(select count(*)::int from ${reviewAssignments} where ${reviewAssignments.answerId} = ${answers.id} and ${reviewAssignments.submittedAt} is not null)`,
        followUpAnswer: sql<string | null>`(select ${followUps.body} from ${followUps} where ${followUps.answerId} = ${answers.id})`,
      })
      .from(answers)
      .where(and(eq(answers.promptId, promptId), isNull(answers.withdrawnAt), gt(answers.id, afterAnswerId)))
      .orderBy(asc(answers.id))
      .limit(limit);
    return rows.map((r) => ({ answer: toAnswer(r.answer), results: jsonValue<CriterionResult[]>(r.results, []), reviewsReceived: Number(r.reviewsReceived), followUpAnswer: r.followUpAnswer }));
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

/** A JSON array of `count` column arrays, as closeInputs builds them; each column empty (not null) over no rows. */
const columnsOf = <T extends unknown[][]>(value: unknown, count: number): T => jsonValue<(unknown[] | null)[]>(value, []).concat(new Array(count).fill(null)).slice(0, count).map((column) => column ?? []) as T;

const jsonObject = <T>(value: unknown): Record<string, T> => jsonValue<Record<string, T>>(value, {});

/** postgres.js returns an array, PGlite an object with `rows`. */
export function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : ((result as { rows: T[] }).rows ?? []);
}

const PARAM_INPUT: readonly Column<ReviewerParams>[] = [
  { name: "criterion_id", type: "text", value: (p) => p.criterionId },
  { name: "reviewer_ref", type: "text", value: (p) => p.reviewerRef },
  { name: "bias", type: "float8", value: (p) => p.bias },
  { name: "scale", type: "float8", value: (p) => p.scale },
  { name: "reliability", type: "float8", value: (p) => p.reliability },
  ...PARAM_COLUMNS.slice(3).map((c): Column<ReviewerParams> => ({ name: c, type: c === "count" ? "int" : "float8", value: (p) => p.stats[c as Exclude<(typeof PARAM_COLUMNS)[number], "bias" | "scale" | "reliability">] })),
];
const AUTHOR_INPUT: readonly Column<AuthorParams>[] = [
  { name: "criterion_id", type: "text", value: (a) => a.criterionId },
  { name: "author_ref", type: "text", value: (a) => a.authorRef },
  ...AUTHOR_COLUMNS.map((c): Column<AuthorParams> => ({ name: c, type: c === "count" || c === "grades" ? "int" : "float8", value: (a) => a.stats[c] })),
];

/**
 * CTEs `<name>_updated` and `<name>_added` that store the rows of CTE `name` in `table` under
 * the cohort: the rows it has are updated by key, the rest inserted, `guard` (a condition,
 * or empty) on both. Not one ON CONFLICT upsert: that locks each row it finds before updating
 * it, and a close's 2,000 reviewers' and 2,000 authors' rows, nearly all already there, took
 * about half again as long that way. The insert keeps its ON CONFLICT for a row that another
 * writer added after this statement's snapshot.
 */
function storeRows(table: typeof reviewerParams | typeof authorParams, name: string, cohortId: number, refColumn: string, columns: readonly string[], guard: SQL) {
  const input = sql.raw(name);
  const ref = sql.raw(refColumn);
  return sql`${sql.raw(`${name}_updated`)} as (
      update ${table} p set ${sql.raw(columns.map((c) => `${c} = i.${c}`).join(", "))}
      from ${input} i
      where p.cohort_id = ${cohortId} and p.criterion_id = i.criterion_id and p.${ref} = i.${ref} ${guard}
    ),
    ${sql.raw(`${name}_added`)} as (
      insert into ${table} (cohort_id, criterion_id, ${ref}, ${sql.raw(columns.join(", "))})
      select ${cohortId}, criterion_id, ${ref}, ${sql.raw(columns.join(", "))} from ${input} i
      where not exists (select 1 from ${table} p where p.cohort_id = ${cohortId} and p.criterion_id = i.criterion_id and p.${ref} = i.${ref}) ${guard}
      on conflict (cohort_id, criterion_id, ${ref}) do update set ${sql.raw(columns.map((c) => `${c} = excluded.${c}`).join(", "))}
    )`;
}
const storeParams = (cohortId: number, guard: SQL) => storeRows(reviewerParams, "input", cohortId, "reviewer_ref", PARAM_COLUMNS, guard);
const storeAuthors = (cohortId: number, guard: SQL) => storeRows(authorParams, "author_input", cohortId, "author_ref", AUTHOR_COLUMNS, guard);
const noGuard = sql``;

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
  const whenMoved = sql`and exists (select 1 from moved)`;
  const result = rowsOf<{ moved: number }>(
    await tx.execute(sql`
      with input as (${unnested(first, PARAM_INPUT)}),
      author_input as (${unnested(firstAuthors, AUTHOR_INPUT)}),
      moved as (${moved}),
      ${storeParams(cohortId, whenMoved)},
      ${storeAuthors(cohortId, whenMoved)}
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
    await tx.execute(sql`with input as (${unnested(chunk, PARAM_INPUT)}), ${storeParams(cohortId, noGuard)} select 1`);
  }
  for (const chunk of restAuthors) {
    await tx.execute(sql`with author_input as (${unnested(chunk, AUTHOR_INPUT)}), ${storeAuthors(cohortId, noGuard)} select 1`);
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
    const rows = chunk.flatMap(([answerId, list]) => list.map((result) => ({ answerId, ...result })));
    await db.execute(sql`
      with input as (${unnested(rows, RESULT_INPUT)}),
      dropped as (
        delete from ${answerResults} r
        where r.answer_id = any (${`{${chunk.map(([answerId]) => answerId).join(",")}}`}::int[])
          and (r.answer_id, r.criterion_id) not in (select answer_id, criterion_id from input)
      )
      insert into ${answerResults} (answer_id, criterion_id, score, uncertainty, plain_mean, grade_count)
      select answer_id, criterion_id, score, uncertainty, plain_mean, grade_count from input
      on conflict (answer_id, criterion_id) do update
        set score = excluded.score, uncertainty = excluded.uncertainty, plain_mean = excluded.plain_mean, grade_count = excluded.grade_count`);
  }
}

const PAIR_INPUT: readonly Column<ReviewPair>[] = [
  { name: "answer_id", type: "int", value: (p) => p.answerId },
  { name: "reviewer_ref", type: "text", value: (p) => p.reviewerRef },
];
const ESTIMATE_INPUT: readonly Column<ResultEstimate & { answerId: number }>[] = [
  { name: "answer_id", type: "int", value: (r) => r.answerId },
  { name: "criterion_id", type: "text", value: (r) => r.criterionId },
  { name: "score", type: "real", value: (r) => r.score },
  { name: "uncertainty", type: "real", value: (r) => r.uncertainty },
];
const RESULT_INPUT: readonly Column<CriterionResult & { answerId: number }>[] = [
  ...ESTIMATE_INPUT,
  { name: "plain_mean", type: "real", value: (r) => r.plainMean },
  { name: "grade_count", type: "int", value: (r) => r.gradeCount },
];
