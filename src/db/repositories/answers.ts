import { and, asc, eq, getTableColumns, isNull, sql } from "drizzle-orm";
import type { AnswerRepository } from "../../core/ports.ts";
import type { Answer } from "../../core/prompts/types.ts";
import type { Db } from "../client.ts";
import { answers, authorParams, members, prompts } from "../schema.ts";
import { rowsOf } from "./reviews.ts";

export const toAnswer = (row: typeof answers.$inferSelect): Answer => ({
  id: row.id,
  promptId: row.promptId,
  userRef: row.userRef,
  body: row.body,
  sourceRef: row.sourceRef,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
  withdrawnAt: row.withdrawnAt,
});

export class DrizzleAnswerRepository implements AnswerRepository {
  constructor(private readonly db: Db) {}

  async upsert(promptId: number, { userRef, displayName }: { userRef: string; displayName: string }, body: string, sourceRef: string | null, now: Date) {
    // The author's membership rides in the same round trip (a data-modifying CTE always runs).
    const author = this.db.$with("author", { userRef: sql<string>`user_ref` }).as(sql`
      insert into ${members} (cohort_id, user_ref, display_name, joined_at)
      select ${prompts.cohortId}, ${userRef}, ${displayName}, ${now.toISOString()}::timestamptz from ${prompts} where ${prompts.id} = ${promptId}
      on conflict (cohort_id, user_ref) do update set display_name = excluded.display_name
      returning user_ref`);
    const [row] = await this.db
      .with(author)
      .insert(answers)
      .values({ promptId, userRef, body, sourceRef, createdAt: now, updatedAt: now })
      .onConflictDoUpdate({
        target: [answers.promptId, answers.userRef],
        set: { body, sourceRef: sql`coalesce(excluded.source_ref, ${answers.sourceRef})`, updatedAt: now, withdrawnAt: null },
        // A redelivery of what is already stored writes nothing, so the caller can stay quiet about it.
        setWhere: sql`${answers.body} is distinct from excluded.body or ${answers.withdrawnAt} is not null
          or ${answers.sourceRef} is distinct from coalesce(excluded.source_ref, ${answers.sourceRef})`,
      })
      // xmax is 0 only for a freshly inserted tuple: tells a new answer from a replacement in one round trip.
      .returning({ ...getTableColumns(answers), inserted: sql<boolean>`(xmax = 0)` });
    if (!row) return { answer: (await this.find(promptId, userRef))!, created: false, changed: false };
    const { inserted, ...stored } = row;
    return { answer: toAnswer(stored), created: inserted, changed: true };
  }

  async get(id: number) {
    const [row] = await this.db.select().from(answers).where(eq(answers.id, id));
    return row ? toAnswer(row) : undefined;
  }

  async findBySource(sourceRef: string) {
    const [row] = await this.db.select().from(answers).where(eq(answers.sourceRef, sourceRef));
    return row ? toAnswer(row) : undefined;
  }

  async find(promptId: number, userRef: string) {
    const [row] = await this.db.select().from(answers).where(and(eq(answers.promptId, promptId), eq(answers.userRef, userRef)));
    return row ? toAnswer(row) : undefined;
  }

  async active(promptId: number) {
    return (await this.db.select().from(answers).where(and(eq(answers.promptId, promptId), isNull(answers.withdrawnAt))).orderBy(asc(answers.id))).map(toAnswer);
  }

  async countsByPrompt(cohortId: number) {
    const rows = await this.db
      .select({ promptId: answers.promptId, count: sql<number>`count(*)::int` })
      .from(answers)
      .innerJoin(prompts, eq(prompts.id, answers.promptId))
      .where(and(eq(prompts.cohortId, cohortId), isNull(answers.withdrawnAt)))
      .groupBy(answers.promptId);
    return new Map(rows.map((r) => [r.promptId, Number(r.count)]));
  }

  async withdraw(id: number, now: Date) {
    const rows = await this.db.update(answers).set({ withdrawnAt: now }).where(and(eq(answers.id, id), isNull(answers.withdrawnAt))).returning({ id: answers.id });
    return rows.length > 0;
  }

  async forUser(userRef: string) {
    return (await this.db.select().from(answers).where(eq(answers.userRef, userRef)).orderBy(asc(answers.id))).map(toAnswer);
  }

  async countActive(cohortId: number, userRef: string) {
    const [row] = await this.db
      .select({ count: sql<number>`count(*)::int` })
      .from(answers)
      .innerJoin(prompts, eq(prompts.id, answers.promptId))
      .where(and(eq(prompts.cohortId, cohortId), eq(answers.userRef, userRef), isNull(answers.withdrawnAt)));
    return Number(row?.count ?? 0);
  }

  async streak(cohortId: number, userRef: string, localDate?: string) {
    // A running bool_and over the cohort's posted prompts, newest first, stops counting at the first one missed.
    const rows = await this.db.execute<{ streak: number }>(sql`
      select count(*)::int as streak from (
        select bool_and(${answers.id} is not null) over (order by ${prompts.localDate} desc) as unbroken
        from ${prompts}
        left join ${answers} on ${answers.promptId} = ${prompts.id} and ${answers.userRef} = ${userRef} and ${answers.withdrawnAt} is null
        where ${prompts.cohortId} = ${cohortId} and ${localDate === undefined ? sql`true` : sql`${prompts.localDate} <= ${localDate}`} and ${prompts.messageRef} is not null
      ) as run where unbroken`);
    return Number(rowsOf<{ streak: number }>(rows)[0]?.streak ?? 0);
  }

  async deleteForUser(userRef: string) {
    // The scoring model's sums over the member's answers go with them, in the same statement.
    const rows = rowsOf<{ id: number }>(
      await this.db.execute(sql`
        with sums as (delete from ${authorParams} where author_ref = ${userRef})
        delete from ${answers} where user_ref = ${userRef} returning id`),
    );
    return rows.map((r) => Number(r.id));
  }
}
