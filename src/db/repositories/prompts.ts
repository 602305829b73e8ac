import { and, asc, eq, getTableColumns, inArray, lt, notExists, or, sql } from "drizzle-orm";
import type { DoneStep, DueWork, PromptContext, PromptRepository, StepClaim, StepStatus } from "../../core/ports.ts";
import type { Question } from "../../core/questions/types.ts";
import type { Prompt, PromptStep } from "../../core/prompts/types.ts";
import type { Db } from "../client.ts";
import { type Column, unnested } from "./bulk-writes.ts";
import { cohorts, promptSteps, prompts, questions } from "../schema.ts";
import { cohortSelection, toCohort } from "./cohorts.ts";
import { rowsOf } from "./reviews.ts";

export const toPrompt = (row: typeof prompts.$inferSelect): Prompt => ({
  id: row.id,
  cohortId: row.cohortId,
  localDate: row.localDate,
  questionId: row.questionId,
  season: row.season,
  postAt: row.postAt,
  answersCloseAt: row.answersCloseAt,
  reviewsCloseAt: row.reviewsCloseAt,
  messageRef: row.messageRef,
  threadRef: row.threadRef,
});

export class DrizzlePromptRepository implements PromptRepository {
  constructor(private readonly db: Db) {}

  async ensure(prompt: Omit<Prompt, "id" | "messageRef" | "threadRef">, now: Date) {
    await this.db.insert(prompts).values({ ...prompt, createdAt: now, nextStepAt: prompt.postAt }).onConflictDoNothing();
    const [row] = await this.db
      .select()
      .from(prompts)
      .where(and(eq(prompts.cohortId, prompt.cohortId), eq(prompts.localDate, prompt.localDate)));
    return toPrompt(row!);
  }

  async ensureMany(list: readonly Omit<Prompt, "id" | "messageRef" | "threadRef">[], now: Date) {
    if (list.length === 0) return [];
    const inserted = await this.db
      .insert(prompts)
      .values(list.map((p) => ({ ...p, createdAt: now, nextStepAt: p.postAt })))
      .onConflictDoNothing()
      .returning();
    const made = new Set(inserted.map((p) => p.cohortId));
    const missing = list.filter((p) => !made.has(p.cohortId));
    const existing =
      missing.length === 0
        ? []
        : await this.db
            .select()
            .from(prompts)
            .where(or(...missing.map((p) => and(eq(prompts.cohortId, p.cohortId), eq(prompts.localDate, p.localDate)))));
    return [...inserted, ...existing].map(toPrompt);
  }

  async forCohorts(cohortIds: readonly number[]) {
    const result = new Map<number, Prompt[]>(cohortIds.map((id) => [id, []]));
    if (cohortIds.length === 0) return result;
    const rows = await this.db.select().from(prompts).where(inArray(prompts.cohortId, [...cohortIds])).orderBy(asc(prompts.localDate));
    for (const row of rows) result.get(row.cohortId)?.push(toPrompt(row));
    return result;
  }

  async context(idOrRef: number | string): Promise<PromptContext | undefined> {
    const [row] = await this.db
      .select({
        prompt: getTableColumns(prompts),
        cohort: cohortSelection,
        question: questions.content,
        steps: sql<unknown>`(select json_object_agg(${promptSteps.step}, ${promptSteps.status}) from ${promptSteps} where ${promptSteps.promptId} = ${prompts.id})`,
      })
      .from(prompts)
      .innerJoin(cohorts, eq(cohorts.id, prompts.cohortId))
      .leftJoin(questions, eq(questions.id, prompts.questionId))
      .where(typeof idOrRef === "number" ? eq(prompts.id, idOrRef) : or(eq(prompts.messageRef, idOrRef), eq(prompts.threadRef, idOrRef)))
      .limit(1);
    if (!row) return undefined;
    const steps = row.steps === null ? {} : ((typeof row.steps === "string" ? JSON.parse(row.steps) : row.steps) as Record<string, StepStatus>);
    return {
      prompt: toPrompt(row.prompt),
      cohort: toCohort(row.cohort),
      steps: new Map(Object.entries(steps) as [PromptStep, StepStatus][]),
      question: (row.question ?? undefined) as Question | undefined,
    };
  }

  async get(id: number) {
    const [row] = await this.db.select().from(prompts).where(eq(prompts.id, id));
    return row ? toPrompt(row) : undefined;
  }

  async findByRef(ref: string) {
    const [row] = await this.db.select().from(prompts).where(or(eq(prompts.messageRef, ref), eq(prompts.threadRef, ref)));
    return row ? toPrompt(row) : undefined;
  }

  async forCohort(cohortId: number) {
    return (await this.db.select().from(prompts).where(eq(prompts.cohortId, cohortId)).orderBy(asc(prompts.localDate))).map(toPrompt);
  }

  async unfinished() {
    const rows = await this.db
      .select()
      .from(prompts)
      .where(
        notExists(
          this.db
            .select({ one: sql`1` })
            .from(promptSteps)
            .where(and(eq(promptSteps.promptId, prompts.id), eq(promptSteps.step, "close"), or(eq(promptSteps.status, "done"), eq(promptSteps.status, "skipped")))),
        ),
      )
      .orderBy(asc(prompts.id));
    return rows.map(toPrompt);
  }

  async claimStep(promptId: number, step: PromptStep, now: Date, leaseMs: number) {
    const leaseUntil = new Date(now.getTime() + leaseMs);
    const claimed = await this.db
      .insert(promptSteps)
      .values({ promptId, step, status: "running", leaseUntil, mayHavePosted: false })
      .onConflictDoNothing()
      .returning({ step: promptSteps.step });
    if (claimed.length > 0) return "fresh" as const;
    // The row's own lock serialises competing retakes: only one sees the expired lease.
    const [retaken] = await this.db
      .update(promptSteps)
      .set({ leaseUntil, attempts: sql`${promptSteps.attempts} + 1` })
      .where(and(eq(promptSteps.promptId, promptId), eq(promptSteps.step, step), eq(promptSteps.status, "running"), lt(promptSteps.leaseUntil, now)))
      .returning({ mayHavePosted: promptSteps.mayHavePosted });
    if (!retaken) return false;
    return retaken.mayHavePosted ? ("retaken" as const) : ("fresh" as const);
  }

  async markMayHavePosted(claims: readonly StepClaim[]) {
    if (claims.length === 0) return;
    // Never cleared: whoever retakes the step later must look for what any earlier worker sent.
    await this.db.execute(
      sql`update ${promptSteps} set may_have_posted = true from (${unnested(claims, CLAIM_INPUT)}) c
          where ${promptSteps.promptId} = c.prompt_id and ${promptSteps.step} = c.step and not ${promptSteps.mayHavePosted}`,
    );
  }

  async renewSteps(claims: readonly StepClaim[], heldUntil: Date, now: Date, leaseMs: number) {
    if (claims.length === 0) return new Set<number>();
    const renewed = await this.db
      .update(promptSteps)
      .set({ leaseUntil: new Date(now.getTime() + leaseMs) })
      .where(
        and(
          or(...claims.map((c) => and(eq(promptSteps.promptId, c.promptId), eq(promptSteps.step, c.step)))),
          eq(promptSteps.status, "running"),
          eq(promptSteps.leaseUntil, heldUntil),
        ),
      )
      .returning({ promptId: promptSteps.promptId });
    return new Set(renewed.map((r) => r.promptId));
  }

  async finishStep(promptId: number, step: PromptStep, status: "done" | "skipped", now: Date) {
    if (status === "skipped") {
      // Skipping never overrides a step someone else already ran or is running.
      await this.db.insert(promptSteps).values({ promptId, step, status, leaseUntil: now, finishedAt: now }).onConflictDoNothing();
      return;
    }
    await this.db
      .insert(promptSteps)
      .values({ promptId, step, status, leaseUntil: now, finishedAt: now })
      .onConflictDoUpdate({ target: [promptSteps.promptId, promptSteps.step], set: { status, finishedAt: now } });
  }

  async recordDone(done: readonly DoneStep[], now: Date) {
    if (done.length === 0) return;
    const at = now.toISOString();
    const steps = sql.join(
      done.map((d) => sql`(${d.promptId}::int, ${d.step}, 'done', ${at}::timestamptz, ${at}::timestamptz)`),
      sql`, `,
    );
    const finish = sql`insert into ${promptSteps} (prompt_id, step, status, lease_until, finished_at) values ${steps}
      on conflict (prompt_id, step) do update set status = excluded.status, finished_at = excluded.finished_at`;
    const posted = done.filter((d) => d.posted);
    if (posted.length === 0) {
      await this.db.execute(finish);
      return;
    }
    const refs = sql.join(
      posted.map((d) => sql`(${d.promptId}::int, ${d.posted!.messageRef}, ${d.posted!.threadRef}::text)`),
      sql`, `,
    );
    // One statement, so a step is never done without its post's references.
    await this.db.execute(sql`with posted as (update ${prompts} set message_ref = v.message_ref, thread_ref = v.thread_ref
      from (values ${refs}) as v(id, message_ref, thread_ref) where ${prompts.id} = v.id) ${finish}`);
  }

  async steps(promptId: number) {
    const rows = await this.db.select({ step: promptSteps.step, status: promptSteps.status }).from(promptSteps).where(eq(promptSteps.promptId, promptId));
    return new Map(rows.map((r) => [r.step as PromptStep, r.status as StepStatus]));
  }

  async dueWork(now: Date): Promise<DueWork> {
    // An idle minute is this one statement: two index probes that stop at the first due row. The
    // full read below (a union joined to cohorts) costs several times as much to plan, measured on
    // PGlite at 10,000 cohorts, and is only worth it when something is due.
    const [probe] = rowsOf<{ due: boolean }>(
      await this.db.execute(sql`
        select exists (select 1 from ${cohorts} where ${cohorts.nextPostAt} <= ${now.toISOString()}::timestamptz or (${cohorts.nextPostAt} is null and not ${cohorts.paused}))
            or exists (select 1 from ${prompts} where ${prompts.nextStepAt} <= ${now.toISOString()}::timestamptz) as due`),
    );
    if (!probe?.due) return { posts: [], steps: [] };
    const rows = await this.db
      .select({ cohort: cohortSelection, promptId: sql<number | null>`due.prompt_id` })
      .from(
        sql`(select ${cohorts.id} as cohort_id, null::int as prompt_id from ${cohorts}
              where ${cohorts.nextPostAt} <= ${now.toISOString()}::timestamptz or (${cohorts.nextPostAt} is null and not ${cohorts.paused})
             union all
             select ${prompts.cohortId}, ${prompts.id} from ${prompts} where ${prompts.nextStepAt} <= ${now.toISOString()}::timestamptz) as due`,
      )
      .innerJoin(cohorts, sql`${cohorts.id} = due.cohort_id`);
    const posts = rows.filter((r) => r.promptId === null).map((r) => ({ cohort: toCohort(r.cohort), checkAt: r.cohort.nextPostAt }));
    const stepRows = rows.filter((r) => r.promptId !== null);
    if (stepRows.length === 0) return { posts, steps: [] };
    const byId = new Map((await this.db.select().from(prompts).where(inArray(prompts.id, stepRows.map((r) => r.promptId!)))).map((p) => [p.id, toPrompt(p)]));
    return { posts, steps: stepRows.flatMap((r) => (byId.has(r.promptId!) ? [{ cohort: toCohort(r.cohort), prompt: byId.get(r.promptId!)! }] : [])) };
  }

  async stepsOf(promptIds: readonly number[]) {
    const result = new Map<number, Map<PromptStep, StepStatus>>(promptIds.map((id) => [id, new Map()]));
    if (promptIds.length === 0) return result;
    const rows = await this.db.select().from(promptSteps).where(inArray(promptSteps.promptId, [...promptIds]));
    for (const row of rows) result.get(row.promptId)?.set(row.step as PromptStep, row.status as StepStatus);
    return result;
  }

  async skipSteps(skips: readonly StepClaim[], now: Date) {
    if (skips.length === 0) return;
    await this.db
      .insert(promptSteps)
      .values(skips.map((s) => ({ promptId: s.promptId, step: s.step, status: "skipped", leaseUntil: now, finishedAt: now })))
      .onConflictDoNothing();
  }

  async claimSteps(claims: readonly StepClaim[], now: Date, leaseMs: number) {
    const claimed = new Map<number, "fresh" | "retaken">();
    if (claims.length === 0) return claimed;
    const leaseUntil = new Date(now.getTime() + leaseMs);
    const inserted = await this.db
      .insert(promptSteps)
      .values(claims.map((c) => ({ promptId: c.promptId, step: c.step, status: "running", leaseUntil, mayHavePosted: false })))
      .onConflictDoNothing()
      .returning({ promptId: promptSteps.promptId });
    for (const row of inserted) claimed.set(row.promptId, "fresh");
    const rest = claims.filter((c) => !claimed.has(c.promptId));
    if (rest.length === 0) return claimed;
    // Claims whose worker died (lease over, never finished) are retaken, one winner per row lock.
    const retaken = await this.db
      .update(promptSteps)
      .set({ leaseUntil, attempts: sql`${promptSteps.attempts} + 1` })
      .where(
        and(
          or(...rest.map((c) => and(eq(promptSteps.promptId, c.promptId), eq(promptSteps.step, c.step)))),
          eq(promptSteps.status, "running"),
          lt(promptSteps.leaseUntil, now),
        ),
      )
      .returning({ promptId: promptSteps.promptId, mayHavePosted: promptSteps.mayHavePosted });
    for (const row of retaken) claimed.set(row.promptId, row.mayHavePosted ? "retaken" : "fresh");
    return claimed;
  }

  async setNextSteps(moves: readonly { promptId: number; at: Date | null }[]) {
    if (moves.length === 0) return;
    const rows = sql.join(
      moves.map((m) => sql`(${m.promptId}::int, ${m.at?.toISOString() ?? null}::timestamptz)`),
      sql`, `,
    );
    await this.db.execute(sql`update ${prompts} set next_step_at = v.at from (values ${rows}) as v(id, at) where ${prompts.id} = v.id`);
  }
}

const CLAIM_INPUT: readonly Column<StepClaim>[] = [
  { name: "prompt_id", type: "int", value: (c) => c.promptId },
  { name: "step", type: "text", value: (c) => c.step },
];
