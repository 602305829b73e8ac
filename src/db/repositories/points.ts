import { and, asc, desc, eq, gte, like, lte, sql, sum } from "drizzle-orm";
import type { LedgerEntry, PointsRepository } from "../../core/ports.ts";
import type { Db } from "../client.ts";
import { pointsLedger } from "../schema.ts";
import { rowsOf } from "./reviews.ts";

/**
 * Sources are stored with a generation suffix ("#0", "#1", ...): a reversal closes a
 * generation, so the same event can be awarded again afterwards (an answer withdrawn
 * and then re-submitted) while the unique (kind, source) key still blocks duplicates.
 */
const REVERSAL = "reversal";

export class DrizzlePointsRepository implements PointsRepository {
  constructor(private readonly db: Db) {}

  private async generation(kind: string, source: string): Promise<number> {
    const [row] = await this.db
      .select({ count: sql<number>`count(*)::int` })
      .from(pointsLedger)
      .where(and(eq(pointsLedger.kind, REVERSAL), like(pointsLedger.source, `${escapeLike(`${kind}:${source}#`)}%`)));
    return row?.count ?? 0;
  }

  async award(entry: LedgerEntry, now: Date) {
    const [awarded] = await this.awardMany([entry], now);
    return awarded ?? false;
  }

  async awardMany(entries: readonly LedgerEntry[], now: Date) {
    if (entries.length === 0) return [];
    // Each entry's generation is counted in the same statement, over the prefix index (~>=~ / ~<~ are its byte-order operators).
    const values = sql.join(
      entries.map(
        (e, i) =>
          sql`(${i}::int, ${e.cohortId}::int, ${e.userRef}::text, ${e.season}::int, ${e.kind}::text, ${e.source}::text, ${e.points}::int, ${e.localDate}::text, ${`${e.kind}:${e.source}#`}::text)`,
      ),
      sql`, `,
    );
    const rows = await this.db.execute<{ source: string }>(sql`
      insert into ${pointsLedger} (cohort_id, user_ref, season, kind, source, points, local_date, created_at)
      select v.cohort_id, v.user_ref, v.season, v.kind,
        v.source || '#' || (select count(*) from ${pointsLedger} r where r.kind = ${REVERSAL} and r.source ~>=~ v.prefix and r.source ~<~ (v.prefix || chr(1114111))),
        v.points, v.local_date, ${now.toISOString()}::timestamptz
      from (values ${values}) as v(i, cohort_id, user_ref, season, kind, source, points, local_date, prefix)
      order by v.i
      on conflict do nothing
      returning kind || ':' || source as source`);
    const inserted = new Set(rowsOf<{ source: string }>(rows).map((r) => r.source.replace(/#\d+$/, "")));
    return entries.map((e) => inserted.has(`${e.kind}:${e.source}`));
  }

  async reverse(kind: string, source: string, now: Date) {
    const generation = await this.generation(kind, source);
    const [original] = await this.db
      .select()
      .from(pointsLedger)
      .where(and(eq(pointsLedger.kind, kind), eq(pointsLedger.source, `${source}#${generation}`)))
      .orderBy(desc(pointsLedger.id));
    if (!original) return false;
    const rows = await this.db
      .insert(pointsLedger)
      .values({
        cohortId: original.cohortId,
        userRef: original.userRef,
        season: original.season,
        kind: REVERSAL,
        source: `${kind}:${source}#${generation}`,
        points: -original.points,
        localDate: original.localDate,
        createdAt: now,
      })
      .onConflictDoNothing()
      .returning({ id: pointsLedger.id });
    return rows.length > 0;
  }

  async totals(cohortId: number, filter: { season?: number; fromDate?: string; toDate?: string }) {
    const rows = await this.db
      .select({ userRef: pointsLedger.userRef, points: sum(pointsLedger.points).mapWith(Number) })
      .from(pointsLedger)
      .where(
        and(
          eq(pointsLedger.cohortId, cohortId),
          filter.season === undefined ? undefined : eq(pointsLedger.season, filter.season),
          filter.fromDate === undefined ? undefined : gte(pointsLedger.localDate, filter.fromDate),
          filter.toDate === undefined ? undefined : lte(pointsLedger.localDate, filter.toDate),
        ),
      )
      .groupBy(pointsLedger.userRef);
    return rows;
  }

  private async entries(cohortId: number, userRef?: string) {
    const rows = await this.db
      .select()
      .from(pointsLedger)
      .where(and(eq(pointsLedger.cohortId, cohortId), userRef === undefined ? undefined : eq(pointsLedger.userRef, userRef)))
      .orderBy(asc(pointsLedger.id));
    return rows.map((r) => ({ cohortId: r.cohortId, userRef: r.userRef, season: r.season, kind: r.kind, source: r.source, points: r.points, localDate: r.localDate, createdAt: r.createdAt }));
  }

  entriesFor(cohortId: number, userRef: string) {
    return this.entries(cohortId, userRef);
  }

  all(cohortId: number) {
    return this.entries(cohortId);
  }

  async deleteForUser(userRef: string) {
    return (await this.db.delete(pointsLedger).where(eq(pointsLedger.userRef, userRef)).returning({ id: pointsLedger.id })).length;
  }
}

const escapeLike = (value: string) => value.replace(/[\\%_]/g, (c) => `\\${c}`);
