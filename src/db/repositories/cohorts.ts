import { and, asc, eq, getTableColumns, sql, type SQL } from "drizzle-orm";
import type { Cohort, CohortAddress, Member, ScheduleSettings } from "../../core/cohorts/types.ts";
import type { CohortRepository, CohortSettingsPatch, MemberRepository, NextPostMove } from "../../core/ports.ts";
import type { Db } from "../client.ts";
import { cohortAdmins, cohorts, members, skipDates } from "../schema.ts";

const DEFAULTS = { answerCloseTime: "17:00", reviewCloseTime: "09:00", reviewersPerAnswer: 3 } as const;

type CohortRow = typeof cohorts.$inferSelect;

/** A cohort row with its admins and skip dates gathered by the same statement. */
export const cohortSelection = {
  ...getTableColumns(cohorts),
  admins: sql<string[]>`coalesce((select array_agg(${cohortAdmins.userRef} order by ${cohortAdmins.userRef}) from ${cohortAdmins} where ${cohortAdmins.cohortId} = ${cohorts.id}), '{}')`,
  skipDates: sql<string[]>`coalesce((select array_agg(${skipDates.localDate} order by ${skipDates.localDate}) from ${skipDates} where ${skipDates.cohortId} = ${cohorts.id}), '{}')`,
};

export function toCohort(row: CohortRow & { admins: readonly string[]; skipDates: readonly string[] }): Cohort {
  return {
    id: row.id,
    platform: row.platform as Cohort["platform"],
    workspaceId: row.workspaceId,
    channelId: row.channelId,
    trackId: row.trackId,
    postTime: row.postTime,
    timeZone: row.timeZone,
    weekdays: row.weekdays,
    answerCloseTime: row.answerCloseTime,
    reviewCloseTime: row.reviewCloseTime,
    reviewersPerAnswer: row.reviewersPerAnswer,
    remindersEnabled: row.remindersEnabled,
    aiEnabled: row.aiEnabled,
    paused: row.paused,
    season: row.season,
    createdBy: row.createdBy,
    admins: [...row.admins],
    skipDates: [...row.skipDates],
  };
}

export class DrizzleCohortRepository implements CohortRepository {
  constructor(private readonly db: Db) {}

  private async selectOne(where: SQL | undefined): Promise<Cohort | undefined> {
    const [row] = await this.db.select(cohortSelection).from(cohorts).where(where);
    return row ? toCohort(row) : undefined;
  }

  async upsert(address: CohortAddress, settings: ScheduleSettings, createdBy: string, now: Date) {
    const [inserted] = await this.db
      .insert(cohorts)
      .values({ ...address, ...settings, weekdays: [...settings.weekdays], ...DEFAULTS, createdBy, createdAt: now })
      .onConflictDoNothing()
      .returning();
    if (inserted) {
      await this.db.insert(cohortAdmins).values({ cohortId: inserted.id, userRef: createdBy }).onConflictDoNothing();
      return { cohort: await this.get(inserted.id).then((c) => c!), created: true };
    }
    const [updated] = await this.db
      .update(cohorts)
      .set({ ...settings, weekdays: [...settings.weekdays] })
      .where(and(eq(cohorts.platform, address.platform), eq(cohorts.workspaceId, address.workspaceId), eq(cohorts.channelId, address.channelId)))
      .returning({ id: cohorts.id });
    return { cohort: (await this.get(updated!.id))!, created: false };
  }

  find(address: CohortAddress) {
    return this.selectOne(and(eq(cohorts.platform, address.platform), eq(cohorts.workspaceId, address.workspaceId), eq(cohorts.channelId, address.channelId)));
  }

  get(id: number) {
    return this.selectOne(eq(cohorts.id, id));
  }

  async all() {
    return (await this.db.select(cohortSelection).from(cohorts).orderBy(asc(cohorts.id))).map(toCohort);
  }

  async update(id: number, patch: CohortSettingsPatch) {
    await this.db
      .update(cohorts)
      .set({ ...patch, weekdays: patch.weekdays ? [...patch.weekdays] : undefined })
      .where(eq(cohorts.id, id));
    return (await this.get(id))!;
  }

  async setNextPostAt(id: number, at: Date | null) {
    await this.db.update(cohorts).set({ nextPostAt: at }).where(eq(cohorts.id, id));
  }

  async advanceNextPost(moves: readonly NextPostMove[]) {
    if (moves.length === 0) return;
    // Guarded by the value read, so a schedule change made meanwhile is never overwritten.
    const rows = sql.join(
      moves.map((m) => sql`(${m.cohortId}::int, ${m.from?.toISOString() ?? null}::timestamptz, ${m.to?.toISOString() ?? null}::timestamptz)`),
      sql`, `,
    );
    await this.db.execute(sql`
      update ${cohorts} set next_post_at = v.next_at
      from (values ${rows}) as v(id, previous_at, next_at)
      where ${cohorts.id} = v.id and ${cohorts.nextPostAt} is not distinct from v.previous_at`);
  }

  async addSkipDate(id: number, localDate: string) {
    await this.db.insert(skipDates).values({ cohortId: id, localDate }).onConflictDoNothing();
  }

  async addAdmin(id: number, userRef: string) {
    await this.db.insert(cohortAdmins).values({ cohortId: id, userRef }).onConflictDoNothing();
  }

  async removeAdmin(id: number, userRef: string) {
    await this.db.delete(cohortAdmins).where(and(eq(cohortAdmins.cohortId, id), eq(cohortAdmins.userRef, userRef)));
  }

  async ensurePageToken(id: number, candidate: string) {
    const [row] = await this.db
      .update(cohorts)
      .set({ pageToken: sql`coalesce(${cohorts.pageToken}, ${candidate})` })
      .where(eq(cohorts.id, id))
      .returning({ pageToken: cohorts.pageToken });
    return row!.pageToken!;
  }

  async setPageToken(id: number, token: string) {
    await this.db.update(cohorts).set({ pageToken: token }).where(eq(cohorts.id, id));
  }

  async findByPageToken(token: string) {
    return this.selectOne(eq(cohorts.pageToken, token));
  }

  async startSeason(id: number) {
    const [row] = await this.db.update(cohorts).set({ season: sql`${cohorts.season} + 1` }).where(eq(cohorts.id, id)).returning({ season: cohorts.season });
    return row!.season;
  }
}

const toMember = (row: typeof members.$inferSelect): Member => ({
  cohortId: row.cohortId,
  userRef: row.userRef,
  displayName: row.displayName,
  reviewOptIn: row.reviewOptIn,
  showInResults: row.showInResults,
});

export class DrizzleMemberRepository implements MemberRepository {
  constructor(private readonly db: Db) {}

  async touch(cohortId: number, userRef: string, displayName: string, now: Date) {
    const [row] = await this.db
      .insert(members)
      .values({ cohortId, userRef, displayName, joinedAt: now })
      .onConflictDoUpdate({ target: [members.cohortId, members.userRef], set: { displayName } })
      .returning();
    return toMember(row!);
  }

  async forget(userRef: string) {
    await this.db.delete(members).where(eq(members.userRef, userRef));
  }

  async get(cohortId: number, userRef: string) {
    const [row] = await this.db.select().from(members).where(and(eq(members.cohortId, cohortId), eq(members.userRef, userRef)));
    return row ? toMember(row) : undefined;
  }

  async list(cohortId: number) {
    return (await this.db.select().from(members).where(eq(members.cohortId, cohortId)).orderBy(asc(members.userRef))).map(toMember);
  }

  async setReviewOptIn(cohortId: number, userRef: string, optIn: boolean) {
    await this.db.update(members).set({ reviewOptIn: optIn }).where(and(eq(members.cohortId, cohortId), eq(members.userRef, userRef)));
  }

  async setShowInResults(cohortId: number, userRef: string, show: boolean) {
    await this.db.update(members).set({ showInResults: show }).where(and(eq(members.cohortId, cohortId), eq(members.userRef, userRef)));
  }
}
