import { and, eq, inArray, isNotNull } from "drizzle-orm";
import type { FollowUp, FollowUpRepository } from "../../core/ports.ts";
import type { Db } from "../client.ts";
import { followUps } from "../schema.ts";

const toFollowUp = (row: typeof followUps.$inferSelect): FollowUp => ({ answerId: row.answerId, question: row.question, body: row.body });

export class DrizzleFollowUpRepository implements FollowUpRepository {
  constructor(private readonly db: Db) {}

  async offer(answerId: number, question: string, now: Date) {
    const rows = await this.db.insert(followUps).values({ answerId, question, offeredAt: now }).onConflictDoNothing().returning({ answerId: followUps.answerId });
    return rows.length > 0;
  }

  async get(answerId: number) {
    const [row] = await this.db.select().from(followUps).where(eq(followUps.answerId, answerId));
    return row ? toFollowUp(row) : undefined;
  }

  async saveAnswer(answerId: number, body: string, now: Date) {
    const rows = await this.db.update(followUps).set({ body, answeredAt: now }).where(eq(followUps.answerId, answerId)).returning({ answerId: followUps.answerId });
    return rows.length > 0;
  }

  async clearAnswer(answerId: number) {
    await this.db.update(followUps).set({ body: null, answeredAt: null }).where(eq(followUps.answerId, answerId));
  }

  async answered(answerIds: readonly number[]) {
    if (answerIds.length === 0) return new Map<number, FollowUp>();
    const rows = await this.db
      .select()
      .from(followUps)
      .where(and(inArray(followUps.answerId, [...answerIds]), isNotNull(followUps.body)));
    return new Map(rows.map((row) => [row.answerId, toFollowUp(row)]));
  }
}
