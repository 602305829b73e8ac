-- A close stores the first results of every answer of its prompt. Recomputing each of those
-- members from all of their answers (0008) read every result of the cohort's history on every
-- close: 62,000 rows for 500 members after 30 days, the largest part of a close's wall time.
-- An answer scored for the first time only adds its mean to its member's sums, so those are
-- added, in one upsert in key order, as points_totals adds points (adds commute with
-- concurrent ones). An answer that had results before (a criterion added to a stored score)
-- changes a mean already summed: its member is recomputed, as before.
CREATE OR REPLACE FUNCTION member_quality_after_results() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  stale_cohort_ids integer[];
  stale_user_refs text[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    WITH scored AS (
      SELECT p.cohort_id, a.user_ref, avg(n.score)::float8 AS score,
        count(*) = (SELECT count(*) FROM answer_results r WHERE r.answer_id = n.answer_id) AS first_scores
      FROM new_rows n JOIN answers a ON a.id = n.answer_id AND a.withdrawn_at IS NULL JOIN prompts p ON p.id = a.prompt_id
      GROUP BY p.cohort_id, a.user_ref, n.answer_id
    ), sums AS (
      SELECT cohort_id, user_ref, bool_and(first_scores) AS only_first_scores, count(*)::int AS answers, sum(score) AS total
      FROM scored GROUP BY cohort_id, user_ref
    ), added AS (
      INSERT INTO member_quality (cohort_id, user_ref, answers, total)
      SELECT s.cohort_id, s.user_ref, s.answers, s.total FROM sums s
      WHERE s.only_first_scores AND EXISTS (SELECT 1 FROM cohorts c WHERE c.id = s.cohort_id)
      ORDER BY 1, 2
      ON CONFLICT (cohort_id, user_ref) DO UPDATE SET answers = member_quality.answers + excluded.answers, total = member_quality.total + excluded.total
    )
    SELECT array_agg(cohort_id), array_agg(user_ref) INTO stale_cohort_ids, stale_user_refs FROM sums WHERE NOT only_first_scores;
    PERFORM member_quality_refresh(stale_cohort_ids, stale_user_refs);
  ELSE
    PERFORM member_quality_refresh(array_agg(p.cohort_id), array_agg(a.user_ref))
    FROM (SELECT DISTINCT answer_id FROM old_rows) r JOIN answers a ON a.id = r.answer_id JOIN prompts p ON p.id = a.prompt_id;
  END IF;
  RETURN NULL;
END $$;--> statement-breakpoint

-- A re-score that overwrites stored results (an upsert) moves its members' means too: before,
-- only inserted and deleted results refreshed them.
CREATE TRIGGER member_quality_results_update AFTER UPDATE ON answer_results REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION member_quality_after_results();
