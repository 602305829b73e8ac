import type { Context, Hono } from "hono";
import { html } from "hono/html";
import type { Coach } from "../core/coach.ts";
import { isCoachingError } from "../core/errors.ts";
import { leaderboardPeriods, parsePeriod, type LeaderboardRow } from "../core/points/leaderboard.ts";
import { countChart, scoreChart } from "./chart.ts";
import { page, type Html } from "./layout.ts";

const PERIOD_LABELS = { week: "This week", month: "This month", season: "This season", all: "All time" } as const;

/** Read-only cohort pages, reachable only through the link the bots hand out. There is deliberately no index of cohorts. */
export function mountCohortPages(app: Hono, coach: Coach): void {
  app.get("/c/:token", async (c: Context) => {
    c.header("x-robots-tag", "noindex, nofollow");
    const token = c.req.param("token") ?? "";
    const viewer = c.req.query("v");
    let period;
    try {
      period = parsePeriod(c.req.query("period"));
    } catch (error) {
      if (!isCoachingError(error)) throw error;
      return c.html(page({ title: "Cohort", message: { kind: "error", text: error.message }, body: html`<h1>Unknown period</h1><p><a href="${selfLink(token, viewer, "week")}">Show this week</a></p>` }), 400);
    }
    let view;
    try {
      view = await coach.cohortPage(token, viewer, period);
    } catch (error) {
      if (!isCoachingError(error)) throw error;
      return c.html(page({ title: "Link not valid", message: { kind: "error", text: error.message }, body: html`<h1>This link does not open a cohort</h1>` }), 404);
    }
    const board = view.leaderboard;
    const mine = (r: LeaderboardRow) => board.me !== undefined && r.userRef === board.me.userRef;
    const rows = (list: readonly LeaderboardRow[]) => list.map((r) => html`<tr class="${mine(r) ? "me" : ""}"><td class="num">${r.rank}</td><td>${r.displayName}${mine(r) ? " (you)" : ""}</td><td class="num">${r.points}</td></tr>`);
    const body: Html = html`<h1>Cohort page: ${view.trackId}</h1>
<p class="meta">Read-only. Answers are never shown here; members who chose privacy appear without their names. Dates in ${view.timeZone}.</p>
<h2 id="leaderboard">Leaderboard: ${board.label}</h2>
<nav aria-label="Leaderboard period"><ul class="tabs">${leaderboardPeriods.map((p) => html`<li><a href="${selfLink(token, viewer, p)}" ${p === period ? html`aria-current="page"` : ""}>${PERIOD_LABELS[p]}</a></li>`)}</ul></nav>
${board.top.length === 0
  ? html`<p>No points in this period yet.</p>`
  : html`<table aria-labelledby="leaderboard"><thead><tr><th scope="col" class="num">Rank</th><th scope="col">Member</th><th scope="col" class="num">Points</th></tr></thead><tbody>
${rows(board.top)}
${board.around.length > 0 ? html`<tr><td colspan="3" class="meta">Around you</td></tr>${rows(board.around)}` : ""}
</tbody></table>`}
${view.viewerKnown ? html`<p>${board.me ? `You are #${board.me.rank} with ${board.me.points} points.` : "You have no points in this period yet."}</p>` : ""}
${board.quality.length > 0
  ? html`<h2 id="quality">Answer quality</h2><table aria-labelledby="quality"><thead><tr><th scope="col" class="num">Rank</th><th scope="col">Member</th><th scope="col" class="num">Score</th><th scope="col" class="num">Answers</th></tr></thead><tbody>
${board.quality.map((q) => html`<tr><td class="num">${q.rank}</td><td>${q.displayName}</td><td class="num">${q.score.toFixed(2)}</td><td class="num">${q.answers}</td></tr>`)}</tbody></table>`
  : ""}
<h2>Participation</h2>
${countChart({ id: "participation", title: "Answers per posted day", bars: view.participation.map((p) => ({ label: p.localDate, value: p.answers })) })}
<h2>Criteria over time</h2>
${view.criteria.length === 0 ? html`<p>No reviewed answers yet.</p>` : ""}
${view.criteria.map((cr) => html`<h3>${cr.label}</h3>${scoreChart({ id: `criterion-${cr.criterionId}`, title: `${cr.label}, cohort average`, points: cr.points.map((p) => ({ label: p.localDate, value: p.mean })) })}`)}
<h2 id="questions">Question history</h2>
${view.questions.length === 0
  ? html`<p>No questions posted yet.</p>`
  : html`<table aria-labelledby="questions"><thead><tr><th scope="col">Date</th><th scope="col">Question</th><th scope="col" class="num">Answers</th><th scope="col" class="num">Average</th></tr></thead><tbody>
${view.questions.map((q) => html`<tr><td>${q.localDate}</td><td><strong>${q.company}, ${q.category}:</strong> ${q.prompt}</td><td class="num">${q.answers}</td><td class="num">${q.mean === undefined ? "-" : q.mean.toFixed(2)}</td></tr>`)}
</tbody></table>`}`;
    return c.html(page({ title: `Cohort ${view.trackId}`, body }));
  });
}

const selfLink = (token: string, viewer: string | undefined, period: string) => `/c/${encodeURIComponent(token)}?${new URLSearchParams({ ...(viewer ? { v: viewer } : {}), period }).toString()}`;
