import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";

const COOKIE = "cc_session";
const YEAR_S = 365 * 24 * 3600;

/**
 * The practice room has no accounts: a random id in an HttpOnly cookie is the
 * practitioner, and every form carries a token bound to that id (synchronizer token),
 * on top of Hono's Origin check, so another site cannot post as them.
 */
export class Sessions {
  private readonly secret = randomBytes(32);
  /** One id per request even on a first visit, when the page asks for it more than once. */
  private readonly issued = new WeakMap<Request, string>();

  /** The caller's session id, issuing a cookie on the first visit. */
  id(c: Context): string {
    const existing = getCookie(c, COOKIE);
    if (existing && /^[A-Za-z0-9_-]{22}$/.test(existing)) return existing;
    const already = this.issued.get(c.req.raw);
    if (already) return already;
    const fresh = randomBytes(16).toString("base64url");
    this.issued.set(c.req.raw, fresh);
    setCookie(c, COOKIE, fresh, { httpOnly: true, sameSite: "Lax", path: "/", maxAge: YEAR_S });
    return fresh;
  }

  userRef(c: Context): string {
    return `web:${this.id(c)}`;
  }

  csrfToken(c: Context): string {
    return createHmac("sha256", this.secret).update(this.id(c)).digest("base64url");
  }

  verify(c: Context, token: unknown): boolean {
    const session = getCookie(c, COOKIE);
    if (!session || typeof token !== "string") return false;
    const expected = createHmac("sha256", this.secret).update(session).digest();
    const given = Buffer.from(token, "base64url");
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}

/** A fresh value per rendered form, so the same form posted twice is recognised as one request. */
export const formNonce = () => randomBytes(12).toString("base64url");
