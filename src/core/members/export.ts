import { stringify } from "csv-stringify/sync";
import { requireAdmin } from "../cohorts/manage-cohort.ts";
import { localDateOf } from "../cohorts/schedule.ts";
import type { Actor, CohortAddress } from "../cohorts/types.ts";
import type { CoachDeps } from "../deps.ts";
import type { CriterionResult } from "../prompts/types.ts";
import { overallScore } from "../scores/close-prompt.ts";

export interface ExportFile {
  readonly filename: string;
  readonly content: string;
}

/** Members who keep their results private appear under this, never by name. */
export const PRIVATE_MEMBER = "(private)";

/**
 * Spreadsheet-ready CSV: a byte-order mark so Excel reads UTF-8, CRLF line ends, and
 * cells that start with = + - @ tab or CR prefixed with ' so a member's answer can never
 * run as a formula in the organizer's spreadsheet (csv-stringify's escape_formulas).
 */
const toCsv = (header: readonly string[], rows: readonly (readonly (string | number)[])[]) =>
  stringify([header, ...rows], { bom: true, record_delimiter: "windows", escape_formulas: true });

/** Lowercase letters, digits and dashes, so the name is safe on every file system. */
const slug = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");

/**
 * Two sheets: one row per answer (date, question, member, answer, follow-up answer, each criterion's
 * bias-corrected score, overall score, reviews received) and the points ledger.
 */
export async function exportCohort(deps: CoachDeps, address: CohortAddress, actor: Actor): Promise<{ files: readonly ExportFile[] }> {
  const cohort = await requireAdmin(deps, address, actor);
  // A fixed number of cohort-wide reads, however many prompts and answers there are.
  const [members, sheet, ledger, reviewCounts, followUps] = await Promise.all([
    deps.repos.members.list(cohort.id),
    deps.repos.reviews.cohortSheet(cohort.id),
    deps.repos.points.all(cohort.id),
    deps.repos.reviews.submittedByAnswer(cohort.id),
    deps.repos.followUps.answeredInCohort(cohort.id),
  ]);
  const questions = await deps.repos.questions.getMany([...new Set(sheet.map((row) => row.prompt.questionId))]);
  const byRef = new Map(members.map((m) => [m.userRef, m]));
  const nameOf = (userRef: string) => {
    const member = byRef.get(userRef);
    return member?.showInResults ? member.displayName : PRIVATE_MEMBER;
  };

  const criteria = new Map<string, string>();
  // The sheet comes in date, answer, criterion order: one entry per prompt, then per answer with its results.
  const answerRows = new Map<number, { date: string; question: string; member: string; answer: string; followUp: string; results: CriterionResult[]; reviews: number }>();
  for (const { prompt, answer, result } of sheet) {
    const question = questions.get(prompt.questionId);
    for (const criterion of question?.rubric.criteria ?? []) if (!criteria.has(criterion.id)) criteria.set(criterion.id, criterion.label);
    if (!answer) continue;
    let row = answerRows.get(answer.id);
    if (!row) {
      row = {
        date: prompt.localDate,
        question: question?.prompt ?? prompt.questionId,
        member: nameOf(answer.userRef),
        answer: answer.body,
        followUp: followUps.get(answer.id)?.body ?? "",
        results: [],
        reviews: reviewCounts.get(answer.id) ?? 0,
      };
      answerRows.set(answer.id, row);
    }
    if (result) row.results.push(result);
  }

  const criterionIds = [...criteria.keys()];
  const answersCsv = toCsv(
    ["Date", "Question", "Member", "Answer", "Follow-up answer", ...criterionIds.map((id) => `${criteria.get(id)} (corrected)`), "Overall score", "Reviews received"],
    [...answerRows.values()].map((row) => {
      const scores = new Map(row.results.map((r) => [r.criterionId, r.score]));
      const overall = row.results.length > 0 ? overallScore(row.results).toFixed(2) : "";
      return [row.date, row.question, row.member, row.answer, row.followUp, ...criterionIds.map((id) => scores.get(id)?.toFixed(2) ?? ""), overall, row.reviews];
    }),
  );
  const pointsCsv = toCsv(
    ["Date", "Member", "Points", "For", "Season"],
    ledger.map((entry) => [entry.localDate, nameOf(entry.userRef), entry.points, entry.kind, entry.season]),
  );
  const stem = `cohort-${slug(cohort.trackId)}-${cohort.platform}-${slug(cohort.channelId)}-${localDateOf(deps.clock.now(), cohort.timeZone)}`;
  return {
    files: [
      { filename: `${stem}-answers.csv`, content: answersCsv },
      { filename: `${stem}-points.csv`, content: pointsCsv },
    ],
  };
}
