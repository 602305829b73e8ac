import { z } from "zod";

/**
 * The single source of truth for question files: the loader, the test over
 * questions/ and `npm run validate:questions` all parse with this schema.
 * questions/FORMAT.md explains it for authors.
 */

const kebabId = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "expected a kebab-case id such as product-sense");
const text = (max: number) => z.string().trim().min(1, "must not be empty").max(max, `must be at most ${max} characters`);

/** Letters, digits, spaces and the few marks a phrase may use; anything regex-like is refused. */
const phraseSchema = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(60, "must be at most 60 characters")
  .regex(/^[\p{L}\p{N}\s#*'’&$%+\-/.,_=×~():^]+$/u, "a phrase is plain words: letters, digits, spaces, hyphens, # for a number, word* for a prefix")
  .refine((phrase) => !/\*\S/.test(phrase) && phrase !== "*", "* goes at the end of a word (word* means any word starting with word)");

export const cueSchema = z.strictObject({
  label: text(80),
  any: z.array(phraseSchema).min(1, "needs at least one phrase").max(80, "at most 80 phrases"),
  missing: text(200),
  against: z.boolean().default(false),
});

const criterionSchema = z.strictObject({
  id: kebabId,
  label: text(40),
  levels: z.strictObject({ "1": text(400), "3": text(400), "5": text(400) }),
  cues: z.array(cueSchema).min(1, "needs at least one cue").max(4, "at most 4 cues"),
});

export const rubricSchema = z.strictObject({
  id: kebabId,
  label: text(80),
  personal: z.boolean().default(false),
  // Discord allows five rows of buttons per message: one per criterion plus Submit.
  criteria: z
    .array(criterionSchema)
    .min(3, "a rubric needs 3 or 4 criteria")
    .max(4, "a rubric needs 3 or 4 criteria (Discord fits one row per criterion plus Submit)"),
});

/** Company job levels a question targets, e.g. "105" or "105-106" (CVS Health ML engineers use 104-108). */
const levelSchema = z
  .string()
  .regex(/^\d{2,3}(-\d{2,3})?$/, 'expected a level such as "105" or a range such as "105-106"')
  .refine((level) => {
    const [low, high] = level.split("-").map(Number);
    return high === undefined || low! < high;
  }, "a level range must go from lower to higher, e.g. 105-106");

const questionSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "expected a stable id such as humana-pm-001"),
  category: kebabId,
  difficulty: z.number().int("expected 1, 2 or 3").min(1, "expected 1, 2 or 3").max(3, "expected 1, 2 or 3"),
  minutes: z.number().int().min(1).max(120),
  prompt: text(1200),
  hint: text(300).optional(),
  follow_ups: z.array(text(400)).min(1, "needs one or two follow-ups").max(2, "needs one or two follow-ups"),
  outline: z.array(text(400)).min(4, "needs 4-8 outline bullets").max(8, "needs 4-8 outline bullets"),
  rubric: kebabId,
  level: levelSchema.optional(),
  /** Cues this question adds to a criterion of its rubric. */
  cues: z.array(cueSchema.extend({ criterion: kebabId })).max(8, "at most 8 cues of its own").default([]),
  /** Criteria the instant check skips for this question. */
  not_applicable: z.array(kebabId).max(2, "at most 2 criteria can be not applicable").default([]),
});

export const trackFileSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9-]+\/[a-z0-9-]+$/, "expected company/role, e.g. humana/ai-pm"),
    company: text(80),
    role: text(80),
    description: text(400),
    loop: z
      .array(z.strictObject({ round: text(80), minutes: z.number().int().min(5).max(480), tests: text(300) }))
      .min(1, "describe at least one interview round"),
    categories: z.array(z.strictObject({ id: kebabId, label: text(60), round: text(80) })).min(1),
    /** Rubrics only this track uses; kinds every track uses live in questions/rubrics/. */
    rubrics: z.array(rubricSchema).default([]),
    questions: z.array(questionSchema).min(1, "a track needs questions"),
  })
  .superRefine((track, ctx) => {
    const rounds = new Set(track.loop.map((r) => r.round));
    const categories = new Set<string>();
    track.categories.forEach((category, i) => {
      if (categories.has(category.id)) ctx.addIssue({ code: "custom", path: ["categories", i, "id"], message: `duplicate category "${category.id}"` });
      categories.add(category.id);
      if (!rounds.has(category.round)) {
        ctx.addIssue({ code: "custom", path: ["categories", i, "round"], message: `unknown round "${category.round}"; expected one of ${[...rounds].join(", ")}` });
      }
    });
    const rubrics = new Set<string>();
    track.rubrics.forEach((rubric, i) => {
      if (rubrics.has(rubric.id)) ctx.addIssue({ code: "custom", path: ["rubrics", i, "id"], message: `duplicate rubric "${rubric.id}"` });
      rubrics.add(rubric.id);
      const criteria = new Set<string>();
      rubric.criteria.forEach((criterion, j) => {
        if (criteria.has(criterion.id)) {
          ctx.addIssue({ code: "custom", path: ["rubrics", i, "criteria", j, "id"], message: `duplicate criterion "${criterion.id}"` });
        }
        criteria.add(criterion.id);
      });
    });
    const ids = new Set<string>();
    track.questions.forEach((question, i) => {
      if (ids.has(question.id)) ctx.addIssue({ code: "custom", path: ["questions", i, "id"], message: `duplicate id "${question.id}"` });
      ids.add(question.id);
      if (!categories.has(question.category)) {
        ctx.addIssue({ code: "custom", path: ["questions", i, "category"], message: `unknown category "${question.category}"; expected one of ${[...categories].join(", ")}` });
      }
    });
  });

export type TrackFile = z.output<typeof trackFileSchema>;
export type RubricFile = z.output<typeof rubricSchema>;
