-- Keeps points_totals and member_quality (0007) equal to what the boards used to compute from
-- the ledger and the scores on every read. Triggers rather than repository code, so that no
-- path that writes the ledger, answers or results (bulk seeding and cascades included) can
-- leave a summary behind. Statement triggers with transition tables: one upsert per statement,
-- however many rows it wrote.

-- A ledger row's board buckets: the week by its Monday (ISO weeks, as luxon's startOf("week")),
-- the month, the season, and all time.
CREATE FUNCTION points_buckets(local_date text, season integer) RETURNS TABLE (period text, bucket text)
LANGUAGE sql STABLE AS $$
  VALUES ('week', to_char(local_date::date - (extract(isodow FROM local_date::date)::int - 1), 'YYYY-MM-DD')),
         ('month', left(local_date, 7)),
         ('season', season::text),
         ('all', '')
$$;--> statement-breakpoint

-- Sums are added, never recomputed, so concurrent awards commute: the upsert waits on a row
-- another transaction holds and then adds to its committed value. Keys in a fixed order so two
-- multi-row statements cannot deadlock. Rows at zero go, so the table holds exactly the
-- ledger's non-zero sums and nothing of a member whose ledger rows were deleted.
CREATE FUNCTION points_totals_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO points_totals (cohort_id, period, bucket, user_ref, points)
  SELECT n.cohort_id, b.period, b.bucket, n.user_ref, sum(n.points)::int
  FROM new_rows n CROSS JOIN LATERAL points_buckets(n.local_date, n.season) b
  GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
  ON CONFLICT (cohort_id, period, bucket, user_ref) DO UPDATE SET points = points_totals.points + excluded.points;
  DELETE FROM points_totals t
  USING (SELECT DISTINCT n.cohort_id, b.period, b.bucket, n.user_ref FROM new_rows n CROSS JOIN LATERAL points_buckets(n.local_date, n.season) b) k
  WHERE t.cohort_id = k.cohort_id AND t.period = k.period AND t.bucket = k.bucket AND t.user_ref = k.user_ref AND t.points = 0;
  RETURN NULL;
END $$;--> statement-breakpoint

CREATE FUNCTION points_totals_after_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO points_totals (cohort_id, period, bucket, user_ref, points)
  SELECT o.cohort_id, b.period, b.bucket, o.user_ref, -sum(o.points)::int
  FROM old_rows o CROSS JOIN LATERAL points_buckets(o.local_date, o.season) b
  WHERE EXISTS (SELECT 1 FROM cohorts c WHERE c.id = o.cohort_id)
  GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
  ON CONFLICT (cohort_id, period, bucket, user_ref) DO UPDATE SET points = points_totals.points + excluded.points;
  DELETE FROM points_totals t
  USING (SELECT DISTINCT o.cohort_id, b.period, b.bucket, o.user_ref FROM old_rows o CROSS JOIN LATERAL points_buckets(o.local_date, o.season) b) k
  WHERE t.cohort_id = k.cohort_id AND t.period = k.period AND t.bucket = k.bucket AND t.user_ref = k.user_ref AND t.points = 0;
  RETURN NULL;
END $$;--> statement-breakpoint

CREATE TRIGGER points_totals_insert AFTER INSERT ON points_ledger REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION points_totals_after_insert();--> statement-breakpoint
CREATE TRIGGER points_totals_delete AFTER DELETE ON points_ledger REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION points_totals_after_delete();--> statement-breakpoint

-- A member's quality row is recomputed from their answers (a mean of floats cannot be
-- un-added exactly). The first statement locks the members' rows, in key order; the second
-- reads in a fresh snapshot, so a transaction that changed the same member and committed
-- while we waited is included rather than overwritten.
CREATE FUNCTION member_quality_refresh(cohort_ids integer[], user_refs text[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF cohort_ids IS NULL THEN RETURN; END IF;
  INSERT INTO member_quality (cohort_id, user_ref, answers, total)
  SELECT DISTINCT k.cohort_id, k.user_ref, 0, 0
  FROM unnest(cohort_ids, user_refs) AS k(cohort_id, user_ref)
  WHERE EXISTS (SELECT 1 FROM cohorts c WHERE c.id = k.cohort_id)
  ORDER BY 1, 2
  ON CONFLICT (cohort_id, user_ref) DO UPDATE SET answers = member_quality.answers;
  WITH fresh AS (
    SELECT k.cohort_id, k.user_ref, count(pa.score)::int AS answers, coalesce(sum(pa.score), 0)::float8 AS total
    FROM (SELECT DISTINCT * FROM unnest(cohort_ids, user_refs) AS u(cohort_id, user_ref)) k
    LEFT JOIN LATERAL (
      SELECT avg(r.score)::float8 AS score
      FROM prompts p
      JOIN answers a ON a.prompt_id = p.id AND a.user_ref = k.user_ref AND a.withdrawn_at IS NULL
      JOIN answer_results r ON r.answer_id = a.id
      WHERE p.cohort_id = k.cohort_id
      GROUP BY a.id
    ) pa ON true
    GROUP BY k.cohort_id, k.user_ref
  ), gone AS (
    DELETE FROM member_quality m USING fresh f WHERE m.cohort_id = f.cohort_id AND m.user_ref = f.user_ref AND f.answers = 0
  )
  UPDATE member_quality m SET answers = f.answers, total = f.total
  FROM fresh f WHERE m.cohort_id = f.cohort_id AND m.user_ref = f.user_ref AND f.answers > 0;
END $$;--> statement-breakpoint

CREATE FUNCTION member_quality_after_results() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM member_quality_refresh(array_agg(p.cohort_id), array_agg(a.user_ref))
    FROM (SELECT DISTINCT answer_id FROM new_rows) r JOIN answers a ON a.id = r.answer_id JOIN prompts p ON p.id = a.prompt_id;
  ELSE
    PERFORM member_quality_refresh(array_agg(p.cohort_id), array_agg(a.user_ref))
    FROM (SELECT DISTINCT answer_id FROM old_rows) r JOIN answers a ON a.id = r.answer_id JOIN prompts p ON p.id = a.prompt_id;
  END IF;
  RETURN NULL;
END $$;--> statement-breakpoint

-- Withdrawing or re-submitting an answer moves it in or out of its member's mean; deleting
-- answers (forget-me) empties it.
CREATE FUNCTION member_quality_after_answers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    PERFORM member_quality_refresh(array_agg(p.cohort_id), array_agg(n.user_ref))
    FROM new_rows n JOIN old_rows o ON o.id = n.id JOIN prompts p ON p.id = n.prompt_id
    WHERE (n.withdrawn_at IS NULL) <> (o.withdrawn_at IS NULL);
  ELSE
    PERFORM member_quality_refresh(array_agg(p.cohort_id), array_agg(o.user_ref))
    FROM old_rows o JOIN prompts p ON p.id = o.prompt_id;
  END IF;
  RETURN NULL;
END $$;--> statement-breakpoint

CREATE TRIGGER member_quality_results_insert AFTER INSERT ON answer_results REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION member_quality_after_results();--> statement-breakpoint
CREATE TRIGGER member_quality_results_delete AFTER DELETE ON answer_results REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION member_quality_after_results();--> statement-breakpoint
CREATE TRIGGER member_quality_answers_update AFTER UPDATE ON answers REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION member_quality_after_answers();--> statement-breakpoint
CREATE TRIGGER member_quality_answers_delete AFTER DELETE ON answers REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION member_quality_after_answers();--> statement-breakpoint

-- Existing data.
INSERT INTO points_totals (cohort_id, period, bucket, user_ref, points)
SELECT l.cohort_id, b.period, b.bucket, l.user_ref, sum(l.points)::int
FROM points_ledger l CROSS JOIN LATERAL points_buckets(l.local_date, l.season) b
GROUP BY 1, 2, 3, 4 HAVING sum(l.points) <> 0;--> statement-breakpoint
SELECT member_quality_refresh(array_agg(k.cohort_id), array_agg(k.user_ref))
FROM (SELECT DISTINCT p.cohort_id, a.user_ref FROM answers a JOIN prompts p ON p.id = a.prompt_id) k;
