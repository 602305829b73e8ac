import { and, asc, eq, lt, notExists, or, sql } from "drizzle-orm";
import type { PromptRepository, StepStatus } from "../../core/ports.ts";
import type { Prompt, PromptStep } from "../../core/prompts/types.ts";
import type { Db } from "../client.ts";
import { promptSteps, prompts } from "../schema.ts";

const toPrompt = (row: typeof prompts.$inferSelect): Prompt => ({
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
    await this.db.insert(prompts).values({ ...prompt, createdAt: now }).onConflictDoNothing();
    const [row] = await this.db
      .select()
      .from(prompts)
      .where(and(eq(prompts.cohortId, prompt.cohortId), eq(prompts.localDate, prompt.localDate)));
    return toPrompt(row!);
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

  async setPosted(id: number, messageRef: string, threadRef: string | null) {
    await this.db.update(prompts).set({ messageRef, threadRef }).where(eq(prompts.id, id));
  }

  async claimStep(promptId: number, step: PromptStep, now: Date, leaseMs: number) {
    const leaseUntil = new Date(now.getTime() + leaseMs);
    const claimed = await this.db.insert(promptSteps).values({ promptId, step, status: "running", leaseUntil }).onConflictDoNothing().returning({ step: promptSteps.step });
    if (claimed.length > 0) return "fresh" as const;
    // The row's own lock serialises competing retakes: only one sees the expired lease.
    const retaken = await this.db
      .update(promptSteps)
      .set({ leaseUntil, attempts: sql`${promptSteps.attempts} + 1` })
      .where(and(eq(promptSteps.promptId, promptId), eq(promptSteps.step, step), eq(promptSteps.status, "running"), lt(promptSteps.leaseUntil, now)))
      .returning({ step: promptSteps.step });
    return retaken.length > 0 ? ("retaken" as const) : false;
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

  async steps(promptId: number) {
    const rows = await this.db.select({ step: promptSteps.step, status: promptSteps.status }).from(promptSteps).where(eq(promptSteps.promptId, promptId));
    return new Map(rows.map((r) => [r.step as PromptStep, r.status as StepStatus]));
  }
}
