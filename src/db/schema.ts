import { sql } from "drizzle-orm";
import { integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Question content is stored whole (prompt, outline and the rubric it was scored with)
 * so a prompt posted months ago still renders and its scores still resolve after the
 * YAML file changed or dropped the question.
 */
export const tracks = pgTable("tracks", {
  id: text("id").primaryKey(),
  company: text("company").notNull(),
  role: text("role").notNull(),
  content: jsonb("content").notNull(),
  contentHash: text("content_hash").notNull(),
  retiredAt: timestamp("retired_at", { withTimezone: true }),
  syncedAt: timestamp("synced_at", { withTimezone: true }).notNull().default(sql`now()`),
});

export const questions = pgTable("questions", {
  id: text("id").primaryKey(),
  trackId: text("track_id").notNull(),
  category: text("category").notNull(),
  difficulty: integer("difficulty").notNull(),
  content: jsonb("content").notNull(),
  contentHash: text("content_hash").notNull(),
  retiredAt: timestamp("retired_at", { withTimezone: true }),
  syncedAt: timestamp("synced_at", { withTimezone: true }).notNull().default(sql`now()`),
});
