import type { Context, Hono } from "hono";
import { html } from "hono/html";
import type { Coach } from "../core/coach.ts";
import { checkVerdict, quote } from "../core/answers/check-answer.ts";
import { isCoachingError } from "../core/errors.ts";
import type { AnswerCheck } from "../core/messages.ts";
import type { AttemptView } from "../core/practice/practice.ts";
import type { Question } from "../core/questions/types.ts";
import { scoreChart } from "./chart.ts";
import { page, type Html } from "./layout.ts";
import { formNonce, type Sessions } from "./session.ts";

const MAX_ANSWER_CHARS = 8_000;

const nav = html`<nav aria-label="Practice room"><a href="/">Practice</a> · <a href="/drills">Drills</a> · <a href="/history">History</a></nav>`;

type Message = { kind: "error" | "ok"; text: string } | undefined;

const csrfField = (token: string) => html`<input type="hidden" name="csrf" value="${token}">`;
const expired: Message = { kind: "error", text: "This form has expired (the page was open across a restart, or came from elsewhere). Nothing was saved. Reload the page and send it again." };

/** The solo practice room: a third adapter over Coach, with no rule of its own. */
export function mountPracticeRoom(app: Hono, coach: Coach, sessions: Sessions): void {
  const render = (c: Context, title: string, body: Html, message?: Message, status: 200 | 400 | 403 | 404 = 200, script?: string) =>
    c.html(page({ title, nav, message, body, script }), status);

  /** Runs a form post; a refused CSRF token or a coaching error re-renders with the reason and nothing changed. */
  const failure = (error: unknown): Message => {
    if (isCoachingError(error)) return { kind: "error", text: error.message };
    throw error;
  };

  app.get("/", async (c) => {
    const userRef = sessions.userRef(c);
    const [tracks, due] = await Promise.all([coach.tracks(), coach.dueDrills(userRef)]);
    return render(
      c,
      "Practice room",
      html`<h1>Practice room</h1>
<p>Answer one interview question a day, see what your answer shows and misses, rate yourself on the rubric, and drill what you rate lowest.</p>
<form method="get" action="/practice" class="card">
  <label for="track">Track</label>
  <select id="track" name="track" required>
    ${tracks.map((t) => html`<option value="${t.id}">${t.company}: ${t.role} (${t.questions.length} questions)</option>`)}
  </select>
  <button type="submit">Today's question</button>
</form>
<h2>Due today</h2>
${dueList(due)}`,
    );
  });

  app.get("/practice", async (c) => questionPage(c, c.req.query("track"), undefined, ""));

  const questionPage = async (c: Context, trackId: string | undefined, message: Message, draft: string, status: 200 | 400 | 403 = 200) => {
    const userRef = sessions.userRef(c);
    let today;
    try {
      today = await coach.todaysQuestion(userRef, trackId);
    } catch (error) {
      return render(c, "Unknown track", html`<h1>Choose a track</h1><p><a href="/">Back to the tracks</a></p>`, failure(error), 404);
    }
    const { question, track } = today;
    return render(
      c,
      `${question.company}: today's question`,
      html`<h1>Today's question</h1>
${questionHeader(question)}
${today.attempt ? html`<p class="message ok" role="status">You answered this today. <a href="/attempt/${today.attempt.id}">See your check and rate yourself</a>, or send a new answer to replace it.</p>` : ""}
<p>Time box: <strong>${question.minutes} minutes</strong>. <span class="timer" role="timer" aria-label="Time left" data-seconds="${question.minutes * 60}" id="timer">${question.minutes}:00</span> left</p>
<form method="post" action="/practice/answer">
  ${csrfField(sessions.csrfToken(c))}
  <input type="hidden" name="track" value="${track.id}">
  <label for="answer">Your answer</label>
  <textarea id="answer" name="answer" maxlength="${MAX_ANSWER_CHARS}" aria-describedby="answer-help" required>${draft}</textarea>
  <p id="answer-help" class="meta">Up to ${MAX_ANSWER_CHARS.toLocaleString("en-US")} characters. Ctrl+Enter sends.</p>
  <button type="submit">Check my answer</button>
</form>`,
      message,
      status,
      COUNTDOWN_SCRIPT,
    );
  };

  app.post("/practice/answer", async (c) => {
    const form = await c.req.parseBody();
    const trackId = typeof form.track === "string" ? form.track : undefined;
    const text = typeof form.answer === "string" ? form.answer : "";
    if (!sessions.verify(c, form.csrf)) return questionPage(c, trackId, expired, text, 403);
    try {
      const { attemptId } = await coach.answerToday(sessions.userRef(c), trackId, text);
      return c.redirect(`/attempt/${attemptId}`, 303);
    } catch (error) {
      return questionPage(c, trackId, failure(error), text, 400);
    }
  });

  const attemptPage = async (c: Context, message: Message, status: 200 | 400 | 403 | 404 = 200, draft = "") => {
    const attemptId = Number(c.req.param("id"));
    let view: AttemptView;
    try {
      if (!Number.isSafeInteger(attemptId)) throw new Error("not an id");
      view = await coach.attempt(attemptId, sessions.userRef(c));
    } catch (error) {
      if (error instanceof Error && !isCoachingError(error) && error.message !== "not an id") throw error;
      return render(c, "Not found", html`<h1>That practice answer is not yours or does not exist</h1><p><a href="/">Back to the practice room</a></p>`, undefined, 404);
    }
    const token = sessions.csrfToken(c);
    const { attempt, question, check, followUp } = view;
    const flash = message ?? (c.req.query("rated") === "1" ? { kind: "ok" as const, text: "Saved. Your ratings are on the history chart." } : undefined);
    return render(
      c,
      `${question.company}: your answer`,
      html`<h1>${attempt.body === null ? "Drill" : "Your answer"}</h1>
${questionHeader(question)}
${attempt.body === null
  ? html`<p>Time box: <strong>${question.minutes} minutes</strong>. <span class="timer" role="timer" aria-label="Time left" data-seconds="${question.minutes * 60}" id="timer">${question.minutes}:00</span> left</p>
<form method="post" action="/attempt/${attempt.id}/answer">
  ${csrfField(token)}
  <label for="answer">Your answer</label>
  <textarea id="answer" name="answer" maxlength="${MAX_ANSWER_CHARS}" required>${draft}</textarea>
  <button type="submit">Check my answer</button>
</form>`
  : html`<h2>What you wrote</h2><div class="card"><p style="white-space: pre-wrap">${attempt.body}</p></div>
${check ? checkSection("Instant check", check) : ""}
${followUp
  ? html`<h2>The interviewer pushes back</h2><div class="card"><p class="prompt">${followUp.question}</p></div>
${followUp.answer !== undefined && !attempt.ratings ? html`<h3>Your reply</h3><p style="white-space: pre-wrap">${followUp.answer}</p>` : ""}
${followUp.check ? checkSection("Check of your reply", followUp.check) : ""}
${attempt.ratings
  ? ""
  : html`<form method="post" action="/attempt/${attempt.id}/follow-up">
  ${csrfField(token)}
  <label for="follow-up">${followUp.answer === undefined ? "Your reply to the follow-up (optional: you can rate yourself without it)" : "Replace your reply"}</label>
  <textarea id="follow-up" name="answer" maxlength="${MAX_ANSWER_CHARS}" required style="min-height: 6rem"></textarea>
  <button type="submit">Send my reply</button>
</form>`}`
  : ""}
<h2>A strong answer covers</h2><ol>${question.outline.map((o) => html`<li>${o}</li>`)}</ol>
${attempt.ratings
  ? html`<h2>Your ratings</h2><ul>${question.rubric.criteria.map((cr) => html`<li>${cr.label}: <strong>${attempt.ratings?.[cr.id] ?? "-"}</strong> of 5</li>`)}</ul><p><a href="/history">See your history</a></p>${aiSection(view, attempt.id)}`
  : ratingForm(question, attempt.id, token)}`}`,
      flash,
      status,
      attempt.body === null ? COUNTDOWN_SCRIPT : undefined,
    );
  };

  app.get("/attempt/:id", (c) => attemptPage(c, undefined));

  app.post("/attempt/:id/answer", async (c) => {
    const form = await c.req.parseBody();
    const text = typeof form.answer === "string" ? form.answer : "";
    if (!sessions.verify(c, form.csrf)) return attemptPage(c, expired, 403, text);
    try {
      await coach.answerDrill({ attemptId: Number(c.req.param("id")), userRef: sessions.userRef(c), text });
      return c.redirect(`/attempt/${c.req.param("id")}`, 303);
    } catch (error) {
      return attemptPage(c, failure(error), 400, text);
    }
  });

  app.post("/attempt/:id/follow-up", async (c) => {
    const form = await c.req.parseBody();
    if (!sessions.verify(c, form.csrf)) return attemptPage(c, expired, 403);
    try {
      await coach.answerDrillFollowUp({ attemptId: Number(c.req.param("id")), userRef: sessions.userRef(c), text: typeof form.answer === "string" ? form.answer : "" });
      return c.redirect(`/attempt/${c.req.param("id")}`, 303);
    } catch (error) {
      return attemptPage(c, failure(error), 400);
    }
  });

  app.post("/attempt/:id/rate", async (c) => {
    const form = await c.req.parseBody();
    if (!sessions.verify(c, form.csrf)) return attemptPage(c, expired, 403);
    const attemptId = Number(c.req.param("id"));
    const userRef = sessions.userRef(c);
    try {
      const before = await coach.attempt(attemptId, userRef);
      if (before.attempt.ratedAt) return attemptPage(c, { kind: "error", text: "You already rated this answer; the first rating stands and nothing changed." }, 400);
      const ratings = Object.fromEntries(before.question.rubric.criteria.map((cr) => [cr.id, Number(form[`rating-${cr.id}`])]));
      await coach.rateDrill({ attemptId, userRef, ratings });
      return c.redirect(`/attempt/${attemptId}?rated=1`, 303);
    } catch (error) {
      return attemptPage(c, failure(error), 400);
    }
  });

  app.get("/drills", async (c) => {
    const userRef = sessions.userRef(c);
    const [tracks, due] = await Promise.all([coach.tracks(), coach.dueDrills(userRef)]);
    return render(c, "Drills", drillsBody(tracks, due, sessions.csrfToken(c), c.req.query("track")));
  });

  app.post("/drills/start", async (c) => {
    const form = await c.req.parseBody();
    const userRef = sessions.userRef(c);
    const trackId = typeof form.track === "string" ? form.track : undefined;
    const rerender = async (message: Message, status: 400 | 403) => {
      const [tracks, due] = await Promise.all([coach.tracks(), coach.dueDrills(userRef)]);
      return render(c, "Drills", drillsBody(tracks, due, sessions.csrfToken(c), trackId), message, status);
    };
    if (!sessions.verify(c, form.csrf)) return rerender(expired, 403);
    try {
      const card = await coach.drill({ userRef, trackId, requestKey: typeof form.nonce === "string" ? form.nonce.slice(0, 64) : undefined });
      return c.redirect(`/attempt/${card.attemptId}`, 303);
    } catch (error) {
      return rerender(failure(error), 400);
    }
  });

  app.get("/history", async (c) => {
    const history = await coach.practiceHistory(sessions.userRef(c));
    return render(
      c,
      "History",
      html`<h1>Your history</h1>
${history.criteria.length === 0 ? html`<p>No rated answers yet. <a href="/">Answer today's question</a> and rate yourself to start your charts.</p>` : ""}
${history.criteria.map((series) => html`<h2>${series.label}</h2>${scoreChart({ id: `chart-${series.criterionId}`, title: `${series.label}, self-rating over time`, points: series.points.map((p) => ({ label: p.localDate, value: p.score })) })}`)}
${history.attempts.length > 0
  ? html`<h2>Rated answers</h2><table><thead><tr><th scope="col">Date</th><th scope="col">Question</th><th scope="col" class="num">Average</th></tr></thead><tbody>
${history.attempts.map(({ attempt, question }) => {
  const values = Object.values(attempt.ratings ?? {});
  const average = values.reduce((s, v) => s + v, 0) / Math.max(values.length, 1);
  return html`<tr><td>${attempt.createdAt.toISOString().slice(0, 10)}</td><td><a href="/attempt/${attempt.id}">${question.company}: ${question.category.label}</a></td><td class="num">${average.toFixed(1)}</td></tr>`;
})}
</tbody></table>`
  : ""}`,
    );
  });
}

/** The AI reviewer's view after the self-rating: ready, on its way (shown on reload), or not coming. */
function aiSection(view: AttemptView, attemptId: number): Html | string {
  const ai = view.ai;
  if (!ai) return "";
  if (ai.status === "pending") {
    return html`<h2>The AI reviewer</h2><p class="ai-pending">The AI reviewer (${ai.model}) is reading your answer. <a href="/attempt/${attemptId}">Reload this page</a> in a minute to compare its scores with yours.</p>`;
  }
  if (ai.status === "unavailable") return html`<h2>The AI reviewer</h2><p>The AI reviewer could not score this answer this time.</p>`;
  return html`<h2>The AI reviewer (${ai.comparison.model})</h2>
<ul class="ai-review">${ai.comparison.criteria.map((c) => html`<li>${c.label}: you <strong>${c.self ?? "-"}</strong>, AI <strong>${c.ai}</strong>. ${c.justification}</li>`)}</ul>
<p>Its uncorrected view: no peers calibrate drills. It changes nothing in your schedule.</p>`;
}

function questionHeader(question: Question): Html {
  return html`<p class="meta">${question.company} · ${question.role} · ${question.category.label} (${question.category.round}) · difficulty ${question.difficulty} of 3${question.level ? ` · level ${question.level}` : ""}</p>
<div class="card"><p class="prompt">${question.prompt}</p>${question.hint ? html`<p class="meta">Hint: ${question.hint}</p>` : ""}</div>`;
}

/**
 * The instant check as the core returns it: a verdict when the answer is off the question
 * or only a list; otherwise per criterion the cues shown (quoting the sentence that shows
 * each), those that count against, and those worth adding.
 */
function checkSection(title: string, check: AnswerCheck): Html {
  const verdict = checkVerdict(check);
  if (verdict) return html`<h2>${title}</h2><p class="message error">${verdict}</p>`;
  const all = [...check.shown, ...check.against, ...check.missing];
  const criteria = [...new Map(all.map((s) => [s.criterionId, s.criterionLabel])).entries()];
  return html`<h2>${title}</h2>
<p class="meta">A nudge, not a score: which observable cues of the rubric your answer shows.</p>
${criteria.map(
  ([id, label]) => html`<h3>${label}</h3><ul>
${check.shown.filter((s) => s.criterionId === id).map((s) => html`<li class="shown"><span aria-hidden="true">✓</span> <strong>Shows:</strong> ${s.label}${s.evidence ? html`<blockquote>${quote(s.evidence)}</blockquote>` : ""}</li>`)}
${check.against.filter((s) => s.criterionId === id).map((s) => html`<li class="missing"><span aria-hidden="true">!</span> <strong>Counts against:</strong> ${s.missing}${s.evidence ? html`<blockquote>${quote(s.evidence)}</blockquote>` : ""}</li>`)}
${check.missing.filter((s) => s.criterionId === id).map((s) => html`<li class="missing"><span aria-hidden="true">✗</span> <strong>Worth adding:</strong> ${s.missing}</li>`)}
</ul>`,
)}`;
}

function ratingForm(question: Question, attemptId: number, token: string): Html {
  return html`<h2>Rate yourself</h2>
<form method="post" action="/attempt/${attemptId}/rate">
  ${csrfField(token)}
  ${question.rubric.criteria.map(
    (cr) => html`<fieldset>
  <legend>${cr.label}</legend>
  <p class="levels">1: ${cr.levels[1]}<br>3: ${cr.levels[3]}<br>5: ${cr.levels[5]}</p>
  <div class="scale">${[1, 2, 3, 4, 5].map((v) => html`<label><input type="radio" name="rating-${cr.id}" value="${v}" required> ${v}</label>`)}</div>
</fieldset>`,
  )}
  <button type="submit">Save my ratings</button>
</form>`;
}

function dueList(due: Awaited<ReturnType<Coach["dueDrills"]>>): Html {
  if (due.length === 0) return html`<p>Nothing is due. Rated answers come back here when spaced repetition says it is time.</p>`;
  return html`<ul>${due.map((d) => html`<li>${d.question.company}: ${d.question.category.label}, due ${d.dueAt.toISOString().slice(0, 10)}</li>`)}</ul>`;
}

function drillsBody(tracks: Awaited<ReturnType<Coach["tracks"]>>, due: Awaited<ReturnType<Coach["dueDrills"]>>, token: string, selected: string | undefined): Html {
  return html`<h1>Drills</h1>
<p>A drill serves what spaced repetition says is due, else a new question aimed at the criterion you rate lowest.</p>
<h2>Due today</h2>
${dueList(due)}
<form method="post" action="/drills/start" class="card">
  ${csrfField(token)}
  <input type="hidden" name="nonce" value="${formNonce()}">
  <label for="drill-track">Track</label>
  <select id="drill-track" name="track" required>
    ${tracks.map((t) => html`<option value="${t.id}" ${t.id === selected ? "selected" : ""}>${t.company}: ${t.role}</option>`)}
  </select>
  <button type="submit">Start a drill</button>
</form>`;
}

/** The only script: the time-box countdown, and Ctrl+Enter to send an answer. */
const COUNTDOWN_SCRIPT = `(() => {
  const timer = document.getElementById("timer");
  if (timer) {
    let left = Number(timer.dataset.seconds);
    const show = () => { const m = Math.floor(Math.abs(left) / 60), s = Math.abs(left) % 60; timer.textContent = (left < 0 ? "-" : "") + m + ":" + String(s).padStart(2, "0"); };
    setInterval(() => { left -= 1; show(); if (left === 0) timer.setAttribute("aria-live", "assertive"); }, 1000);
  }
  const answer = document.getElementById("answer");
  if (answer) answer.addEventListener("keydown", (e) => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) answer.form.requestSubmit(); });
})();`;
