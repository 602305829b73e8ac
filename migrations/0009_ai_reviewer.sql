CREATE TABLE "ai_reviews" (
	"id" serial PRIMARY KEY NOT NULL,
	"answer_id" integer,
	"prompt_id" integer,
	"drill_attempt_id" integer,
	"budget" text NOT NULL,
	"model" text NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"lease_until" timestamp with time zone,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"scores" jsonb,
	"failure" text,
	"created_at" timestamp with time zone NOT NULL,
	"scored_at" timestamp with time zone,
	CONSTRAINT "ai_reviews_answer_model_unique" UNIQUE("answer_id","model"),
	CONSTRAINT "ai_reviews_drill_model_unique" UNIQUE("drill_attempt_id","model")
);
--> statement-breakpoint
CREATE TABLE "ai_usage" (
	"budget" text NOT NULL,
	"day" text NOT NULL,
	"calls" integer DEFAULT 0 NOT NULL,
	"cap_alerted_at" timestamp with time zone,
	"failure_alerted_at" timestamp with time zone,
	CONSTRAINT "ai_usage_budget_day_pk" PRIMARY KEY("budget","day")
);
--> statement-breakpoint
ALTER TABLE "cohorts" ADD COLUMN "ai_enabled" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "ai_reviews" ADD CONSTRAINT "ai_reviews_answer_id_answers_id_fk" FOREIGN KEY ("answer_id") REFERENCES "public"."answers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ai_reviews" ADD CONSTRAINT "ai_reviews_prompt_id_prompts_id_fk" FOREIGN KEY ("prompt_id") REFERENCES "public"."prompts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ai_reviews" ADD CONSTRAINT "ai_reviews_drill_attempt_id_drill_attempts_id_fk" FOREIGN KEY ("drill_attempt_id") REFERENCES "public"."drill_attempts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ai_reviews_prompt_idx" ON "ai_reviews" USING btree ("prompt_id");--> statement-breakpoint
CREATE INDEX "ai_reviews_due_idx" ON "ai_reviews" USING btree ("next_attempt_at") WHERE status in ('pending', 'running');