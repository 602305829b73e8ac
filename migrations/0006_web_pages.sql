ALTER TABLE "cohorts" ADD COLUMN "page_token" text;--> statement-breakpoint
ALTER TABLE "drill_attempts" ADD COLUMN "request_key" text;--> statement-breakpoint
ALTER TABLE "cohorts" ADD CONSTRAINT "cohorts_page_token_unique" UNIQUE("page_token");--> statement-breakpoint
ALTER TABLE "drill_attempts" ADD CONSTRAINT "drill_attempts_request_key_unique" UNIQUE("request_key");