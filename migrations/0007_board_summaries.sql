CREATE TABLE "member_quality" (
	"cohort_id" integer NOT NULL,
	"user_ref" text NOT NULL,
	"answers" integer NOT NULL,
	"total" double precision NOT NULL,
	CONSTRAINT "member_quality_cohort_id_user_ref_pk" PRIMARY KEY("cohort_id","user_ref")
);
--> statement-breakpoint
CREATE TABLE "points_totals" (
	"cohort_id" integer NOT NULL,
	"period" text NOT NULL,
	"bucket" text NOT NULL,
	"user_ref" text NOT NULL,
	"points" integer NOT NULL,
	CONSTRAINT "points_totals_cohort_id_period_bucket_user_ref_pk" PRIMARY KEY("cohort_id","period","bucket","user_ref")
);
--> statement-breakpoint
ALTER TABLE "member_quality" ADD CONSTRAINT "member_quality_cohort_id_cohorts_id_fk" FOREIGN KEY ("cohort_id") REFERENCES "public"."cohorts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "points_totals" ADD CONSTRAINT "points_totals_cohort_id_cohorts_id_fk" FOREIGN KEY ("cohort_id") REFERENCES "public"."cohorts"("id") ON DELETE cascade ON UPDATE no action;