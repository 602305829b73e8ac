import { createHash } from "node:crypto";
import { and, asc, eq, inArray, isNull, notInArray, sql } from "drizzle-orm";
import type { BankSyncReport, QuestionRepository } from "../../core/ports.ts";
import type { Question, QuestionBank, Track } from "../../core/questions/types.ts";
import type { Db } from "../client.ts";
import { questions, tracks } from "../schema.ts";
import { rowsOf } from "./reviews.ts";

const hash = (value: unknown) => createHash("sha256").update(JSON.stringify(value)).digest("hex");

type StoredTrack = Omit<Track, "questions">;

export class DrizzleQuestionRepository implements QuestionRepository {
  /** The active bank as last parsed, and the fingerprint it was read under. */
  private parsed: { fingerprint: string | null; tracks: readonly Track[] } | undefined;

  constructor(private readonly db: Db) {}

  async sync(bank: QuestionBank, now: Date): Promise<BankSyncReport> {
    return this.db.transaction(async (tx) => {
      const before = new Map(
        (await tx.select({ id: questions.id, hash: questions.contentHash, retiredAt: questions.retiredAt }).from(questions)).map((row) => [row.id, row]),
      );
      let added = 0;
      let changed = 0;
      let unchanged = 0;
      const allIds: string[] = [];
      for (const track of bank.tracks) {
        const { questions: trackQuestions, ...meta } = track;
        await tx
          .insert(tracks)
          .values({ id: track.id, company: track.company, role: track.role, content: meta, contentHash: hash(meta), syncedAt: now })
          .onConflictDoUpdate({
            target: tracks.id,
            set: { company: track.company, role: track.role, content: meta, contentHash: hash(meta), retiredAt: null, syncedAt: now },
          });
        const rows = trackQuestions.map((question) => {
          const contentHash = hash(question);
          const previous = before.get(question.id);
          if (!previous) added++;
          else if (previous.hash !== contentHash || previous.retiredAt !== null) changed++;
          else unchanged++;
          allIds.push(question.id);
          return { id: question.id, trackId: track.id, category: question.category.id, difficulty: question.difficulty, content: question, contentHash, syncedAt: now };
        });
        if (rows.length === 0) continue;
        await tx
          .insert(questions)
          .values(rows)
          .onConflictDoUpdate({
            target: questions.id,
            set: {
              trackId: sql`excluded.track_id`,
              category: sql`excluded.category`,
              difficulty: sql`excluded.difficulty`,
              content: sql`excluded.content`,
              contentHash: sql`excluded.content_hash`,
              retiredAt: null,
              syncedAt: now,
            },
          });
      }
      const trackIds = bank.tracks.map((t) => t.id);
      await tx
        .update(tracks)
        .set({ retiredAt: now })
        .where(and(isNull(tracks.retiredAt), trackIds.length > 0 ? notInArray(tracks.id, trackIds) : undefined));
      const retired = await tx
        .update(questions)
        .set({ retiredAt: now })
        .where(and(isNull(questions.retiredAt), allIds.length > 0 ? notInArray(questions.id, allIds) : undefined))
        .returning({ id: questions.id });
      return { added, changed, unchanged, retired: retired.length };
    });
  }

  async get(id: string): Promise<Question | undefined> {
    const [row] = await this.db.select({ content: questions.content }).from(questions).where(eq(questions.id, id));
    return row?.content as Question | undefined;
  }

  async getMany(ids: readonly string[]) {
    if (ids.length === 0) return new Map<string, Question>();
    const rows = await this.db.select({ id: questions.id, content: questions.content }).from(questions).where(inArray(questions.id, [...ids]));
    return new Map(rows.map((r) => [r.id, r.content as Question]));
  }

  async activeQuestions(trackId: string): Promise<readonly Question[]> {
    const rows = await this.db
      .select({ content: questions.content })
      .from(questions)
      .where(and(eq(questions.trackId, trackId), isNull(questions.retiredAt)))
      .orderBy(asc(questions.id));
    return rows.map((row) => row.content as Question);
  }

  async activeTrack(id: string): Promise<Track | undefined> {
    const [row] = await this.db.select({ content: tracks.content }).from(tracks).where(and(eq(tracks.id, id), isNull(tracks.retiredAt)));
    if (!row) return undefined;
    return { ...(row.content as StoredTrack), questions: await this.activeQuestions(id) };
  }

  /**
   * The active tracks with their questions. Parsing the whole bank takes 15-40 ms of CPU
   * (249 questions), on every /drill, practice page and question lookup, so the parsed bank
   * is kept and read again only when the fingerprint of the active content hashes has
   * changed: one short statement, which also sees a sync made by another replica.
   */
  async activeTracks(): Promise<readonly Track[]> {
    const [{ fingerprint } = { fingerprint: null }] = rowsOf<{ fingerprint: string | null }>(
      await this.db.execute(sql`
        select md5(concat_ws('|',
          (select string_agg(id || ':' || content_hash, ',' order by id) from tracks where retired_at is null),
          (select string_agg(id || ':' || content_hash, ',' order by id) from questions where retired_at is null))) as fingerprint`),
    );
    if (this.parsed?.fingerprint === fingerprint) return this.parsed.tracks;
    const trackRows = await this.db.select({ content: tracks.content }).from(tracks).where(isNull(tracks.retiredAt)).orderBy(asc(tracks.id));
    const questionRows = await this.db
      .select({ content: questions.content })
      .from(questions)
      .where(isNull(questions.retiredAt))
      .orderBy(asc(questions.id));
    const byTrack = new Map<string, Question[]>();
    for (const { content } of questionRows) {
      const question = content as Question;
      const list = byTrack.get(question.trackId);
      if (list) list.push(question);
      else byTrack.set(question.trackId, [question]);
    }
    const active = trackRows.map(({ content }) => {
      const meta = content as StoredTrack;
      return { ...meta, questions: byTrack.get(meta.id) ?? [] };
    });
    this.parsed = { fingerprint, tracks: active };
    return active;
  }
}
