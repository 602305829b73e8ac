ALTER TABLE "author_params" ADD COLUMN "grades" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "author_params" ADD COLUMN "top" double precision DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "reviewer_params" ADD COLUMN "top" double precision DEFAULT 0 NOT NULL;