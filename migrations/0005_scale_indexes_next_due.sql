ALTER TABLE "cohorts" ADD COLUMN "next_post_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "prompts" ADD COLUMN "next_step_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "answers_user_ref_idx" ON "answers" USING btree ("user_ref");--> statement-breakpoint
CREATE INDEX "cohorts_next_post_at_idx" ON "cohorts" USING btree ("next_post_at");--> statement-breakpoint
CREATE INDEX "points_ledger_cohort_date_idx" ON "points_ledger" USING btree ("cohort_id","local_date","user_ref","points");--> statement-breakpoint
CREATE INDEX "points_ledger_cohort_season_idx" ON "points_ledger" USING btree ("cohort_id","season","user_ref","points");--> statement-breakpoint
CREATE INDEX "points_ledger_kind_source_prefix_idx" ON "points_ledger" USING btree ("kind","source" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "prompts_next_step_at_idx" ON "prompts" USING btree ("next_step_at");