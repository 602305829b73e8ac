import { and, asc, eq, sql } from "drizzle-orm";
import type { Cohort, CohortAddress, Member, ScheduleSettings } from "../../core/cohorts/types.ts";
import type { CohortRepository, CohortSettingsPatch, MemberRepository } from "../../core/ports.ts";
import type { Db } from "../client.ts";
import { cohortAdmins, cohorts, members, skipDates } from "../schema.ts";

const DEFAULTS = { answerCloseTime: "17:00", reviewCloseTime: "09:00", reviewersPerAnswer: 3 } as const;

type CohortRow = typeof cohorts.$inferSelect;

export class DrizzleCohortRepository implements CohortRepository {
  constructor(private readonly db: Db) {}

  private async toCohort(row: CohortRow): Promise<Cohort> {
    const [admins, skips] = await Promise.all([
      this.db.select({ userRef: cohortAdmins.userRef }).from(cohortAdmins).where(eq(cohortAdmins.cohortId, row.id)).orderBy(asc(cohortAdmins.userRef)),
      this.db.select({ localDate: skipDates.localDate }).from(skipDates).where(eq(skipDates.cohortId, row.id)).orderBy(asc(skipDates.localDate)),
    ]);
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
      paused: row.paused,
      season: row.season,
      createdBy: row.createdBy,
      admins: admins.map((a) => a.userRef),
      skipDates: skips.map((s) => s.localDate),
    };
  }

  async upsert(address: CohortAddress, settings: ScheduleSettings, createdBy: string, now: Date) {
    const [inserted] = await this.db
      .insert(cohorts)
      .values({ ...address, ...settings, weekdays: [...settings.weekdays], ...DEFAULTS, createdBy, createdAt: now })
      .onConflictDoNothing()
      .returning();
    if (inserted) {
      await this.db.insert(cohortAdmins).values({ cohortId: inserted.id, userRef: createdBy }).onConflictDoNothing();
      return { cohort: await this.toCohort(inserted), created: true };
    }
    const [updated] = await this.db
      .update(cohorts)
      .set({ ...settings, weekdays: [...settings.weekdays] })
      .where(and(eq(cohorts.platform, address.platform), eq(cohorts.workspaceId, address.workspaceId), eq(cohorts.channelId, address.channelId)))
      .returning();
    return { cohort: await this.toCohort(updated!), created: false };
  }

  async find(address: CohortAddress) {
    const [row] = await this.db
      .select()
      .from(cohorts)
      .where(and(eq(cohorts.platform, address.platform), eq(cohorts.workspaceId, address.workspaceId), eq(cohorts.channelId, address.channelId)));
    return row ? this.toCohort(row) : undefined;
  }

  async get(id: number) {
    const [row] = await this.db.select().from(cohorts).where(eq(cohorts.id, id));
    return row ? this.toCohort(row) : undefined;
  }

  async all() {
    const rows = await this.db.select().from(cohorts).orderBy(asc(cohorts.id));
    return Promise.all(rows.map((row) => this.toCohort(row)));
  }

  async update(id: number, patch: CohortSettingsPatch) {
    const [row] = await this.db
      .update(cohorts)
      .set({ ...patch, weekdays: patch.weekdays ? [...patch.weekdays] : undefined })
      .where(eq(cohorts.id, id))
      .returning();
    return this.toCohort(row!);
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
