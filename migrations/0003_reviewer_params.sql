CREATE TABLE "reviewer_params" (
	"cohort_id" integer NOT NULL,
	"criterion_id" text NOT NULL,
	"reviewer_ref" text NOT NULL,
	"bias" double precision NOT NULL,
	"scale" double precision NOT NULL,
	"reliability" double precision NOT NULL,
	"count" integer NOT NULL,
	"weight" double precision NOT NULL,
	"wx" double precision NOT NULL,
	"wxx" double precision NOT NULL,
	"wv" double precision NOT NULL,
	"wy" double precision NOT NULL,
	"wxy" double precision NOT NULL,
	"wyy" double precision NOT NULL,
	CONSTRAINT "reviewer_params_cohort_id_criterion_id_reviewer_ref_pk" PRIMARY KEY("cohort_id","criterion_id","reviewer_ref")
);
--> statement-breakpoint
CREATE TABLE "scoring_states" (
	"cohort_id" integer PRIMARY KEY NOT NULL,
	"folded_through_prompt_id" integer NOT NULL,
	"closes" integer NOT NULL,
	"closes_at_refit" integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE "reviewer_params" ADD CONSTRAINT "reviewer_params_cohort_id_cohorts_id_fk" FOREIGN KEY ("cohort_id") REFERENCES "public"."cohorts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scoring_states" ADD CONSTRAINT "scoring_states_cohort_id_cohorts_id_fk" FOREIGN KEY ("cohort_id") REFERENCES "public"."cohorts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "review_assignments_prompt_idx" ON "review_assignments" USING btree ("prompt_id","id");