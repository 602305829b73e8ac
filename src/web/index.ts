import { getRequestListener } from "@hono/node-server";
import { Hono } from "hono";
import { csrf } from "hono/csrf";
import { html } from "hono/html";
import { HTTPException } from "hono/http-exception";
import type { Coach } from "../core/coach.ts";
import type { RequestHandler } from "../http/server.ts";
import type { Logger } from "../logger.ts";
import { page } from "./layout.ts";
import { mountCohortPages } from "./cohort-pages.ts";
import { mountPracticeRoom } from "./practice-room.ts";
import { Sessions } from "./session.ts";

/**
 * The web adapter: Hono routes served through the existing node:http server (one port
 * with /healthz and /slack/events). Hono because it is small (no dependencies), typed,
 * maintained, and ships the cookie, CSRF and escaping HTML helpers these pages need.
 */
export function createWebHandler(options: { readonly coach: Coach; readonly practiceRoom: boolean; readonly log: Logger }): RequestHandler {
  const app = new Hono();
  const sessions = new Sessions();
  // Refuses cross-site form posts by Origin / Sec-Fetch-Site; the per-session token covers clients that send neither.
  app.use(csrf());
  app.use(async (c, next) => {
    await next();
    c.header("x-content-type-options", "nosniff");
    c.header("referrer-policy", "no-referrer");
    c.header("x-frame-options", "DENY");
  });
  mountCohortPages(app, options.coach);
  if (options.practiceRoom) mountPracticeRoom(app, options.coach, sessions);
  app.notFound((c) => c.html(page({ title: "Not found", body: html`<h1>Not found</h1><p>There is no page here.</p>` }), 404));
  app.onError((error, c) => {
    if (error instanceof HTTPException && error.status === 403) {
      return c.html(page({ title: "Refused", body: html`<h1>Refused</h1><p>This form was sent from another site, so nothing was saved. Open the page here and send it again.</p>` }), 403);
    }
    options.log.error({ err: error, path: c.req.path }, "web page failed");
    return c.html(page({ title: "Something went wrong", body: html`<h1>Something went wrong</h1><p>Nothing was changed by this request. Try again in a moment.</p>` }), 500);
  });
  return getRequestListener(app.fetch);
}
