import { and, asc, eq, or, type SQL, sql } from "drizzle-orm";
import type { CohortAddress } from "../../core/cohorts/types.ts";
import type { LeaderboardLimits, LeaderboardRead, LedgerEntry, LedgerPosition, PointsPeriod, PointsRepository } from "../../core/ports.ts";
import type { Db } from "../client.ts";
import { chunked, type Column, unnested } from "./bulk-writes.ts";
import { cohorts, memberQuality, members, pointsLedger, pointsTotals } from "../schema.ts";
import { cohortSelection, toCohort } from "./cohorts.ts";
import { rowsOf } from "./reviews.ts";

/**
 * Sources are stored with a generation suffix ("#0", "#1", ...): a reversal closes a
 * generation, so the same event can be awarded again afterwards (an answer withdrawn
 * and then re-submitted) while the unique (kind, source) key still blocks duplicates.
 */
const REVERSAL = "reversal";

/**
 * What a ledger entry costs a statement, in rows of a plain bulk write: the points_totals trigger
 * (migration 0008) upserts its member's sum in four periods. Measured on PGlite: 500 entries took
 * 45-75 ms, 500 answer results 15-23 ms.
 */
const ROWS_PER_ENTRY = 4;

export class DrizzlePointsRepository implements PointsRepository {
  private readonly leaderboardQuery;

  constructor(
    private readonly db: Db,
    private readonly writeChunkRows: number,
  ) {
    this.leaderboardQuery = prepareLeaderboard(db);
  }

  async award(entry: LedgerEntry, now: Date) {
    const [awarded] = await this.awardMany([entry], now);
    return awarded ?? false;
  }

  async awardMany(entries: readonly LedgerEntry[], now: Date) {
    const inserted = new Set<string>();
    // Chunk by chunk, each on its own: every entry is idempotent by source, so a retry after a failure
    // part-way awards the rest (as after a crash between a close's results and its awards), and no
    // chunk keeps its members' totals locked while the next one runs.
    const perStatement = Math.max(1, Math.floor(this.writeChunkRows / ROWS_PER_ENTRY));
    for (const chunk of chunked(entries, perStatement)) for (const source of await insertEntries(this.db, chunk, now)) inserted.add(source);
    return entries.map((e) => inserted.has(`${e.kind}:${e.source}`));
  }

  async reverse(kind: string, source: string, now: Date) {
    return (await this.reverseMany(kind, [source], now)) > 0;
  }

  async reverseMany(kind: string, sources: readonly string[], now: Date) {
    let reversed = 0;
    // A reversal is an entry like any other: as many a statement as awardMany sends.
    for (const chunk of chunked(sources, Math.max(1, Math.floor(this.writeChunkRows / ROWS_PER_ENTRY)))) {
      // A source's current generation is how many reversals it has had; its entry of that
      // generation, if there is one, gets a reversal of that generation (so a second call finds nothing).
      const result = await this.db.execute<{ id: number }>(sql`
        insert into ${pointsLedger} (cohort_id, user_ref, season, kind, source, points, local_date, created_at)
        select o.cohort_id, o.user_ref, o.season, ${REVERSAL}, o.kind || ':' || o.source, -o.points, o.local_date, ${now.toISOString()}::timestamptz
        from (select *, ${kind} || ':' || source || '#' as prefix from (${unnested(chunk, SOURCE_INPUT)}) t) s
        -- By key, source by source (see generationOf): as a join, the planner hashed every ledger row of the kind.
        cross join lateral (
          select * from ${pointsLedger} o where o.kind = ${kind} and o.source = s.source || '#' || ${generationOf(sql`s.prefix`)} limit 1
        ) o
        on conflict do nothing
        returning id`);
      reversed += rowsOf(result).length;
    }
    return reversed;
  }

  async leaderboard(address: CohortAddress, period: PointsPeriod, at: Date, viewerRef: string, limits: LeaderboardLimits): Promise<LeaderboardRead | undefined> {
    const { platform, workspaceId, channelId } = address;
    const [row] = await this.leaderboardQuery.execute({ platform, workspaceId, channelId, period, at: at.toISOString(), viewerRef, ...limits });
    if (!row) return undefined;
    const { board, quality, ...cohort } = row;
    return {
      cohort: toCohort(cohort),
      board: board.map((r) => ({ rank: r.rank, position: r.position, userRef: r.user_ref, displayName: r.display_name, points: r.points })),
      quality: quality.map((r) => ({ rank: r.rank, userRef: r.user_ref, displayName: r.display_name, score: r.score, answers: r.answers })),
    };
  }

  async totalsFor(cohortId: number, userRef: string, season: number) {
    const rows = await this.db
      .select({ period: pointsTotals.period, points: pointsTotals.points })
      .from(pointsTotals)
      .where(
        and(
          eq(pointsTotals.cohortId, cohortId),
          eq(pointsTotals.userRef, userRef),
          or(and(eq(pointsTotals.period, "season"), eq(pointsTotals.bucket, String(season))), eq(pointsTotals.period, "all")),
        ),
      );
    const of = (period: string) => rows.find((r) => r.period === period)?.points ?? 0;
    return { season: of("season"), all: of("all") };
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

  async ledgerPage(cohortId: number, after: LedgerPosition | undefined, limit: number) {
    // Along points_ledger_cohort_date_idx: a cohort's rows from a date on, each date's few in id order.
    const rows = await this.db
      .select({ id: pointsLedger.id, cohortId: pointsLedger.cohortId, userRef: pointsLedger.userRef, season: pointsLedger.season, kind: pointsLedger.kind, source: pointsLedger.source, points: pointsLedger.points, localDate: pointsLedger.localDate })
      .from(pointsLedger)
      .where(and(eq(pointsLedger.cohortId, cohortId), after === undefined ? undefined : sql`(${pointsLedger.localDate}, ${pointsLedger.id}) > (${after.localDate}, ${after.id})`))
      .orderBy(asc(pointsLedger.localDate), asc(pointsLedger.id))
      .limit(limit);
    return rows;
  }

  async deleteForUser(userRef: string) {
    return (await this.db.delete(pointsLedger).where(eq(pointsLedger.userRef, userRef)).returning({ id: pointsLedger.id })).length;
  }
}

const SOURCE_INPUT: readonly Column<string>[] = [{ name: "source", type: "text", value: (source) => source }];
const LEDGER_INPUT: readonly Column<LedgerEntry>[] = [
  { name: "cohort_id", type: "int", value: (e) => e.cohortId },
  { name: "user_ref", type: "text", value: (e) => e.userRef },
  { name: "season", type: "int", value: (e) => e.season },
  { name: "kind", type: "text", value: (e) => e.kind },
  { name: "source", type: "text", value: (e) => e.source },
  { name: "points", type: "int", value: (e) => e.points },
  { name: "local_date", type: "text", value: (e) => e.localDate },
];

/**
 * A source's current generation, given its reversals' source prefix ("kind:source#"): how many
 * times it was reversed. Its reversals come in sequence (#0, #1, ...), each reversing the entry
 * of its generation, so that is the first generation with no reversal, looked up one by one on
 * the unique (kind, source) index: one or two lookups for a source. Counting them with a prefix
 * range instead left the choice of index to the planner, and with statistics from before a burst
 * of reversals (forget-me makes thousands) it read every reversal for every source: 0.7-1.2 s a
 * statement of 500. Each lookup is a LATERAL ... LIMIT 1, which the planner cannot turn into a
 * join: as EXISTS, with the same stale statistics, it became a semi-join that hashed all of the
 * ledger's reversals (15,719 rows, 15 ms on PGlite) for a statement of 5 sources.
 */
const generationOf = (prefix: SQL) => sql`(
  with recursive reversed(generation) as (
    select 0
    union all
    select generation + 1 from reversed
    cross join lateral (select 1 from ${pointsLedger} r where r.kind = ${REVERSAL} and r.source = ${prefix} || generation limit 1) found
  )
  select max(generation) from reversed)`;

/**
 * Inserts the entries not yet awarded and returns their "kind:source" keys, in one statement
 * however many entries: the rows travel as one array per column. Each entry's generation is
 * found in the same statement (generationOf).
 */
async function insertEntries(db: Db, entries: readonly LedgerEntry[], now: Date): Promise<Set<string>> {
  const result = await db.execute<{ source: string }>(sql`
    insert into ${pointsLedger} (cohort_id, user_ref, season, kind, source, points, local_date, created_at)
    select v.cohort_id, v.user_ref, v.season, v.kind,
      v.source || '#' || ${generationOf(sql`v.prefix`)},
      v.points, v.local_date, ${now.toISOString()}::timestamptz
    from (select *, kind || ':' || source || '#' as prefix from (${unnested(entries, LEDGER_INPUT, { ordinality: "i" })}) t) v
    order by v.i
    on conflict do nothing
    returning kind || ':' || source as source`);
  return new Set(rowsOf<{ source: string }>(result).map((r) => r.source.replace(/#\d+$/, "")));
}

/**
 * A leaderboard reply's reads as one prepared statement: one round trip, parsed and planned
 * once per connection. Drizzle sends other statements unnamed, and postgres.js then waits
 * for the server to describe the parameters before it binds them: a second round trip,
 * and a fresh parse and plan on every call.
 *
 * The bucket is the one points_buckets (migration 0008) files a ledger row dated today in
 * the cohort's time zone under, so a board always reads the bucket today's points go to.
 * Both rankings read the maintained summaries (points_totals, member_quality): about one
 * row per member, never the ledger or the scores.
 */
function prepareLeaderboard(db: Db) {
  const [period, at, viewerRef, top, qualityTop, priorAnswers] = (["period", "at", "viewerRef", "top", "qualityTop", "qualityPriorAnswers"] as const).map((name) => sql.placeholder(name));
  const board = sql<{ rank: number; position: number; user_ref: string; display_name: string; points: number }[]>`(
    with ranked as (
      select t.user_ref, t.points, m.display_name,
        rank() over (order by t.points desc)::int as rank,
        row_number() over (order by t.points desc, m.display_name, t.user_ref)::int as position
      from ${pointsTotals} t join ${members} m on m.cohort_id = t.cohort_id and m.user_ref = t.user_ref
      where t.cohort_id = ${cohorts.id} and t.period = ${period} and t.points <> 0
        and t.bucket = (select b.bucket from points_buckets(to_char(${at}::timestamptz at time zone ${cohorts.timeZone}, 'YYYY-MM-DD'), ${cohorts.season}) b where b.period = ${period})
    ), viewer as (
      select position from ranked where user_ref = ${viewerRef}
    )
    -- The viewer's position as a scalar, found once: as a joined row it was searched for again beside every member.
    select coalesce(json_agg(r order by r.position), '[]') from ranked r
    where r.position <= ${top} or r.position between (select position from viewer) - 1 and (select position from viewer) + 1)`;
  // The cohort's mean per answer is the ratio of the summed per-member sums.
  const quality = sql<{ rank: number; user_ref: string; display_name: string | null; score: number; answers: number }[]>`(
    with cohort_mean as (
      select sum(total) / sum(answers) as mean from ${memberQuality} where cohort_id = ${cohorts.id}
    ), shrunk as (
      select q.user_ref, q.answers, m.display_name, (q.total + ${priorAnswers} * c.mean) / (q.answers + ${priorAnswers}) as score
      from ${memberQuality} q cross join cohort_mean c
      left join ${members} m on m.cohort_id = q.cohort_id and m.user_ref = q.user_ref
      where q.cohort_id = ${cohorts.id}
    ), ranked as (
      select rank() over (order by round(score * 100) desc)::int as rank,
        row_number() over (order by round(score * 100) desc, coalesce(display_name, 'former member'), user_ref) as place,
        user_ref, display_name, score::float8 as score, answers
      from shrunk
    )
    select coalesce(json_agg(json_build_object('rank', rank, 'user_ref', user_ref, 'display_name', display_name, 'score', score, 'answers', answers) order by place), '[]')
    from ranked where place <= ${qualityTop})`;
  return db
    .select({ ...cohortSelection, board, quality })
    .from(cohorts)
    .where(and(eq(cohorts.platform, sql.placeholder("platform")), eq(cohorts.workspaceId, sql.placeholder("workspaceId")), eq(cohorts.channelId, sql.placeholder("channelId"))))
    .prepare("leaderboard");
}

