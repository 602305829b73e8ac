CREATE TABLE "author_params" (
	"cohort_id" integer NOT NULL,
	"criterion_id" text NOT NULL,
	"author_ref" text NOT NULL,
	"count" integer NOT NULL,
	"weight" double precision NOT NULL,
	"wz" double precision NOT NULL,
	"wzz" double precision NOT NULL,
	"wv" double precision NOT NULL,
	CONSTRAINT "author_params_cohort_id_criterion_id_author_ref_pk" PRIMARY KEY("cohort_id","criterion_id","author_ref")
);
--> statement-breakpoint
ALTER TABLE "author_params" ADD CONSTRAINT "author_params_cohort_id_cohorts_id_fk" FOREIGN KEY ("cohort_id") REFERENCES "public"."cohorts"("id") ON DELETE cascade ON UPDATE no action;