import { and, asc, eq, isNotNull, isNull } from "drizzle-orm";
import type { DrillAttempt, DrillCardState, DrillRepository } from "../../core/ports.ts";
import type { Db } from "../client.ts";
import { drillAttempts, drillCards } from "../schema.ts";

const toAttempt = (row: typeof drillAttempts.$inferSelect): DrillAttempt => ({
  id: row.id,
  userRef: row.userRef,
  questionId: row.questionId,
  body: row.body,
  followUpBody: row.followUpBody,
  ratings: row.ratings as Record<string, number> | null,
  createdAt: row.createdAt,
  ratedAt: row.ratedAt,
});

export class DrizzleDrillRepository implements DrillRepository {
  constructor(private readonly db: Db) {}

  async cards(userRef: string) {
    const rows = await this.db.select().from(drillCards).where(eq(drillCards.userRef, userRef)).orderBy(asc(drillCards.dueAt));
    return rows.map((r): DrillCardState => ({ questionId: r.questionId, card: r.card, dueAt: r.dueAt }));
  }

  async saveCard(userRef: string, state: DrillCardState, now: Date) {
    await this.db
      .insert(drillCards)
      .values({ userRef, questionId: state.questionId, card: state.card, dueAt: state.dueAt, updatedAt: now })
      .onConflictDoUpdate({ target: [drillCards.userRef, drillCards.questionId], set: { card: state.card, dueAt: state.dueAt, updatedAt: now } });
  }

  async startAttempt(userRef: string, questionId: string, now: Date, requestKey?: string) {
    const [row] = await this.db.insert(drillAttempts).values({ userRef, questionId, createdAt: now, requestKey }).onConflictDoNothing().returning();
    if (row) return toAttempt(row);
    // Only a request key can conflict: the retried start gets the attempt the first one made.
    const [existing] = await this.db.select().from(drillAttempts).where(eq(drillAttempts.requestKey, requestKey!));
    return toAttempt(existing!);
  }

  async attempts(userRef: string) {
    return (await this.db.select().from(drillAttempts).where(eq(drillAttempts.userRef, userRef)).orderBy(asc(drillAttempts.createdAt), asc(drillAttempts.id))).map(toAttempt);
  }

  async getAttempt(id: number) {
    const [row] = await this.db.select().from(drillAttempts).where(eq(drillAttempts.id, id));
    return row ? toAttempt(row) : undefined;
  }

  async saveAnswer(id: number, body: string) {
    await this.db.update(drillAttempts).set({ body }).where(eq(drillAttempts.id, id));
  }

  async saveFollowUpAnswer(id: number, body: string) {
    await this.db.update(drillAttempts).set({ followUpBody: body }).where(eq(drillAttempts.id, id));
  }

  async rate(id: number, ratings: Readonly<Record<string, number>>, now: Date) {
    const rows = await this.db
      .update(drillAttempts)
      .set({ ratings, ratedAt: now })
      .where(and(eq(drillAttempts.id, id), isNull(drillAttempts.ratedAt)))
      .returning({ id: drillAttempts.id });
    return rows.length > 0;
  }

  async ratedAttempts(userRef: string) {
    return (await this.db.select().from(drillAttempts).where(and(eq(drillAttempts.userRef, userRef), isNotNull(drillAttempts.ratedAt)))).map(toAttempt);
  }

  async deleteForUser(userRef: string) {
    await this.db.delete(drillCards).where(eq(drillCards.userRef, userRef));
    await this.db.delete(drillAttempts).where(eq(drillAttempts.userRef, userRef));
  }
}
