-- An update that overwrites stored results (a refit's re-score, forget-me's, a close retried)
-- recomputed each member it touched from all of their answers (0008, 0010): on a 500-member
-- cohort after 30 days, 31 answers and 124 results read back per member for every answer
-- re-scored (forget-me of one member took 15-18 s on in-memory PGlite, 10-12 s with this). An answer's
-- mean moves by what its updated results moved, over its count of results (an update adds or
-- removes none), so that difference is added to its member's total, in one upsert in key
-- order as the other adds. Rows whose key changed (no upsert or re-score does that) still
-- recompute their members. The differences are of float8 means, as the recomputed sums are,
-- so the totals stay within rounding of a recomputation (the summaries test checks 9 digits).
-- PostgreSQL fires an INSERT ... ON CONFLICT DO UPDATE's statement triggers for its updates
-- before those for its inserts, and a data-modifying WITH's after the main statement's: a
-- recomputation in the same statement (a criterion added or dropped) comes after the
-- difference and overwrites it with the sums it reads. Inserts and deletes keep 0010's function.
CREATE FUNCTION member_quality_after_result_updates() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  stale_cohort_ids integer[];
  stale_user_refs text[];
BEGIN
  WITH rekeyed AS (
    SELECT n.answer_id FROM new_rows n WHERE NOT EXISTS (SELECT 1 FROM old_rows o WHERE o.answer_id = n.answer_id AND o.criterion_id = n.criterion_id)
    UNION
    SELECT o.answer_id FROM old_rows o WHERE NOT EXISTS (SELECT 1 FROM new_rows n WHERE n.answer_id = o.answer_id AND n.criterion_id = o.criterion_id)
  ), moved AS (
    SELECT n.answer_id, sum(n.score::float8 - o.score::float8) / (SELECT count(*) FROM answer_results r WHERE r.answer_id = n.answer_id) AS shift
    FROM new_rows n JOIN old_rows o ON o.answer_id = n.answer_id AND o.criterion_id = n.criterion_id
    WHERE n.answer_id NOT IN (SELECT answer_id FROM rekeyed)
    GROUP BY n.answer_id
  ), sums AS (
    SELECT p.cohort_id, a.user_ref, sum(m.shift) AS shift,
      EXISTS (SELECT 1 FROM member_quality q WHERE q.cohort_id = p.cohort_id AND q.user_ref = a.user_ref) AS summed
    FROM moved m JOIN answers a ON a.id = m.answer_id AND a.withdrawn_at IS NULL JOIN prompts p ON p.id = a.prompt_id
    WHERE m.shift <> 0
    GROUP BY p.cohort_id, a.user_ref
  ), added AS (
    INSERT INTO member_quality (cohort_id, user_ref, answers, total)
    SELECT s.cohort_id, s.user_ref, 0, s.shift FROM sums s WHERE s.summed
    ORDER BY 1, 2
    ON CONFLICT (cohort_id, user_ref) DO UPDATE SET total = member_quality.total + excluded.total
  ), stale AS (
    -- Members with no summary row to add to (none, while the summaries are right), and those of re-keyed rows.
    SELECT cohort_id, user_ref FROM sums WHERE NOT summed
    UNION
    SELECT p.cohort_id, a.user_ref FROM rekeyed r JOIN answers a ON a.id = r.answer_id JOIN prompts p ON p.id = a.prompt_id
  )
  SELECT array_agg(cohort_id), array_agg(user_ref) INTO stale_cohort_ids, stale_user_refs FROM stale;
  PERFORM member_quality_refresh(stale_cohort_ids, stale_user_refs);
  RETURN NULL;
END $$;--> statement-breakpoint

DROP TRIGGER member_quality_results_update ON answer_results;--> statement-breakpoint
CREATE TRIGGER member_quality_results_update AFTER UPDATE ON answer_results REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION member_quality_after_result_updates();
