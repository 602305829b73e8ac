import { stringify } from "csv-stringify/sync";
import { requireAdmin } from "../cohorts/manage-cohort.ts";
import { localDateOf } from "../cohorts/schedule.ts";
import type { Actor, CohortAddress } from "../cohorts/types.ts";
import type { CoachDeps } from "../deps.ts";
import type { Question } from "../questions/types.ts";
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
  const [members, prompts, ledger] = await Promise.all([deps.repos.members.list(cohort.id), deps.repos.prompts.forCohort(cohort.id), deps.repos.points.all(cohort.id)]);
  const byRef = new Map(members.map((m) => [m.userRef, m]));
  const nameOf = (userRef: string) => {
    const member = byRef.get(userRef);
    return member?.showInResults ? member.displayName : PRIVATE_MEMBER;
  };

  const questions = new Map<string, Question | undefined>();
  const criteria = new Map<string, string>();
  const answerRows: { date: string; question: string; member: string; answer: string; followUp: string; scores: Map<string, number>; overall: string; reviews: number }[] = [];
  for (const prompt of prompts) {
    if (!questions.has(prompt.questionId)) questions.set(prompt.questionId, await deps.repos.questions.get(prompt.questionId));
    const question = questions.get(prompt.questionId);
    for (const criterion of question?.rubric.criteria ?? []) if (!criteria.has(criterion.id)) criteria.set(criterion.id, criterion.label);
    const [answers, assignments] = await Promise.all([deps.repos.answers.active(prompt.id), deps.repos.reviews.forPrompt(prompt.id)]);
    const [results, followUps] = await Promise.all([
      Promise.all(answers.map((answer) => deps.repos.reviews.results(answer.id))),
      deps.repos.followUps.answered(answers.map((a) => a.id)),
    ]);
    answers.forEach((answer, i) => {
      const answerResults = results[i]!;
      answerRows.push({
        date: prompt.localDate,
        question: question?.prompt ?? prompt.questionId,
        member: nameOf(answer.userRef),
        answer: answer.body,
        followUp: followUps.get(answer.id)?.body ?? "",
        scores: new Map(answerResults.map((r) => [r.criterionId, r.score])),
        overall: answerResults.length > 0 ? overallScore(answerResults).toFixed(2) : "",
        reviews: assignments.filter((a) => a.answerId === answer.id && a.submittedAt !== null).length,
      });
    });
  }

  const criterionIds = [...criteria.keys()];
  const answersCsv = toCsv(
    ["Date", "Question", "Member", "Answer", "Follow-up answer", ...criterionIds.map((id) => `${criteria.get(id)} (corrected)`), "Overall score", "Reviews received"],
    answerRows.map((row) => [row.date, row.question, row.member, row.answer, row.followUp, ...criterionIds.map((id) => row.scores.get(id)?.toFixed(2) ?? ""), row.overall, row.reviews]),
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
