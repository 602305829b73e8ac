CREATE TABLE "follow_ups" (
	"answer_id" integer PRIMARY KEY NOT NULL,
	"question" text NOT NULL,
	"body" text,
	"offered_at" timestamp with time zone NOT NULL,
	"answered_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "drill_attempts" ADD COLUMN "follow_up_body" text;--> statement-breakpoint
ALTER TABLE "follow_ups" ADD CONSTRAINT "follow_ups_answer_id_answers_id_fk" FOREIGN KEY ("answer_id") REFERENCES "public"."answers"("id") ON DELETE cascade ON UPDATE no action;