CREATE TABLE "answer_results" (
	"answer_id" integer NOT NULL,
	"criterion_id" text NOT NULL,
	"score" real NOT NULL,
	"uncertainty" real NOT NULL,
	"plain_mean" real NOT NULL,
	"grade_count" integer NOT NULL,
	CONSTRAINT "answer_results_answer_id_criterion_id_pk" PRIMARY KEY("answer_id","criterion_id")
);
--> statement-breakpoint
CREATE TABLE "answers" (
	"id" serial PRIMARY KEY NOT NULL,
	"prompt_id" integer NOT NULL,
	"user_ref" text NOT NULL,
	"body" text NOT NULL,
	"source_ref" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"withdrawn_at" timestamp with time zone,
	CONSTRAINT "answers_prompt_user_unique" UNIQUE("prompt_id","user_ref")
);
--> statement-breakpoint
CREATE TABLE "cohort_admins" (
	"cohort_id" integer NOT NULL,
	"user_ref" text NOT NULL,
	CONSTRAINT "cohort_admins_cohort_id_user_ref_pk" PRIMARY KEY("cohort_id","user_ref")
);
--> statement-breakpoint
CREATE TABLE "cohorts" (
	"id" serial PRIMARY KEY NOT NULL,
	"platform" text NOT NULL,
	"workspace_id" text NOT NULL,
	"channel_id" text NOT NULL,
	"track_id" text NOT NULL,
	"post_time" text NOT NULL,
	"time_zone" text NOT NULL,
	"weekdays" integer[] NOT NULL,
	"answer_close_time" text NOT NULL,
	"review_close_time" text NOT NULL,
	"reviewers_per_answer" integer NOT NULL,
	"reminders_enabled" boolean DEFAULT true NOT NULL,
	"paused" boolean DEFAULT false NOT NULL,
	"season" integer DEFAULT 1 NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "cohorts_channel_unique" UNIQUE("platform","workspace_id","channel_id")
);
--> statement-breakpoint
CREATE TABLE "drill_attempts" (
	"id" serial PRIMARY KEY NOT NULL,
	"user_ref" text NOT NULL,
	"question_id" text NOT NULL,
	"body" text,
	"ratings" jsonb,
	"created_at" timestamp with time zone NOT NULL,
	"rated_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "drill_cards" (
	"user_ref" text NOT NULL,
	"question_id" text NOT NULL,
	"card" jsonb NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "drill_cards_user_ref_question_id_pk" PRIMARY KEY("user_ref","question_id")
);
--> statement-breakpoint
CREATE TABLE "members" (
	"cohort_id" integer NOT NULL,
	"user_ref" text NOT NULL,
	"display_name" text NOT NULL,
	"review_opt_in" boolean DEFAULT false NOT NULL,
	"show_in_results" boolean DEFAULT true NOT NULL,
	"joined_at" timestamp with time zone NOT NULL,
	CONSTRAINT "members_cohort_id_user_ref_pk" PRIMARY KEY("cohort_id","user_ref")
);
--> statement-breakpoint
CREATE TABLE "points_ledger" (
	"id" serial PRIMARY KEY NOT NULL,
	"cohort_id" integer NOT NULL,
	"user_ref" text NOT NULL,
	"season" integer NOT NULL,
	"kind" text NOT NULL,
	"source" text NOT NULL,
	"points" integer NOT NULL,
	"local_date" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "points_ledger_kind_source_unique" UNIQUE("kind","source")
);
--> statement-breakpoint
CREATE TABLE "prompt_steps" (
	"prompt_id" integer NOT NULL,
	"step" text NOT NULL,
	"status" text NOT NULL,
	"lease_until" timestamp with time zone NOT NULL,
	"attempts" integer DEFAULT 1 NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "prompt_steps_prompt_id_step_pk" PRIMARY KEY("prompt_id","step")
);
--> statement-breakpoint
CREATE TABLE "prompts" (
	"id" serial PRIMARY KEY NOT NULL,
	"cohort_id" integer NOT NULL,
	"local_date" text NOT NULL,
	"question_id" text NOT NULL,
	"season" integer NOT NULL,
	"post_at" timestamp with time zone NOT NULL,
	"answers_close_at" timestamp with time zone NOT NULL,
	"reviews_close_at" timestamp with time zone NOT NULL,
	"message_ref" text,
	"thread_ref" text,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "prompts_cohort_date_unique" UNIQUE("cohort_id","local_date")
);
--> statement-breakpoint
CREATE TABLE "review_assignments" (
	"id" serial PRIMARY KEY NOT NULL,
	"prompt_id" integer NOT NULL,
	"answer_id" integer NOT NULL,
	"reviewer_ref" text NOT NULL,
	"comment" text,
	"submitted_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "review_assignments_answer_reviewer_unique" UNIQUE("answer_id","reviewer_ref")
);
--> statement-breakpoint
CREATE TABLE "review_scores" (
	"assignment_id" integer NOT NULL,
	"criterion_id" text NOT NULL,
	"score" integer NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "review_scores_assignment_id_criterion_id_pk" PRIMARY KEY("assignment_id","criterion_id")
);
--> statement-breakpoint
CREATE TABLE "skip_dates" (
	"cohort_id" integer NOT NULL,
	"local_date" text NOT NULL,
	CONSTRAINT "skip_dates_cohort_id_local_date_pk" PRIMARY KEY("cohort_id","local_date")
);
--> statement-breakpoint
ALTER TABLE "answer_results" ADD CONSTRAINT "answer_results_answer_id_answers_id_fk" FOREIGN KEY ("answer_id") REFERENCES "public"."answers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "answers" ADD CONSTRAINT "answers_prompt_id_prompts_id_fk" FOREIGN KEY ("prompt_id") REFERENCES "public"."prompts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cohort_admins" ADD CONSTRAINT "cohort_admins_cohort_id_cohorts_id_fk" FOREIGN KEY ("cohort_id") REFERENCES "public"."cohorts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "members" ADD CONSTRAINT "members_cohort_id_cohorts_id_fk" FOREIGN KEY ("cohort_id") REFERENCES "public"."cohorts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "points_ledger" ADD CONSTRAINT "points_ledger_cohort_id_cohorts_id_fk" FOREIGN KEY ("cohort_id") REFERENCES "public"."cohorts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "prompt_steps" ADD CONSTRAINT "prompt_steps_prompt_id_prompts_id_fk" FOREIGN KEY ("prompt_id") REFERENCES "public"."prompts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "prompts" ADD CONSTRAINT "prompts_cohort_id_cohorts_id_fk" FOREIGN KEY ("cohort_id") REFERENCES "public"."cohorts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_assignments" ADD CONSTRAINT "review_assignments_prompt_id_prompts_id_fk" FOREIGN KEY ("prompt_id") REFERENCES "public"."prompts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_assignments" ADD CONSTRAINT "review_assignments_answer_id_answers_id_fk" FOREIGN KEY ("answer_id") REFERENCES "public"."answers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_scores" ADD CONSTRAINT "review_scores_assignment_id_review_assignments_id_fk" FOREIGN KEY ("assignment_id") REFERENCES "public"."review_assignments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "skip_dates" ADD CONSTRAINT "skip_dates_cohort_id_cohorts_id_fk" FOREIGN KEY ("cohort_id") REFERENCES "public"."cohorts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "answers_source_ref_idx" ON "answers" USING btree ("source_ref");--> statement-breakpoint
CREATE INDEX "drill_attempts_user_idx" ON "drill_attempts" USING btree ("user_ref");--> statement-breakpoint
CREATE INDEX "points_ledger_cohort_user_idx" ON "points_ledger" USING btree ("cohort_id","user_ref");--> statement-breakpoint
CREATE INDEX "prompts_message_ref_idx" ON "prompts" USING btree ("message_ref");--> statement-breakpoint
CREATE INDEX "prompts_thread_ref_idx" ON "prompts" USING btree ("thread_ref");--> statement-breakpoint
CREATE INDEX "review_assignments_reviewer_idx" ON "review_assignments" USING btree ("reviewer_ref");