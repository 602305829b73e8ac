import { html, raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/**
 * One page shell for every screen: system fonts, a single column that reads on a phone,
 * colours that pass WCAG AA contrast, and a visible focus ring for keyboard users.
 */
export function page(input: { readonly title: string; readonly nav?: Html; readonly message?: { readonly kind: "error" | "ok"; readonly text: string } | undefined; readonly body: Html; /** Trusted source code from this adapter, never user input. */ readonly script?: string | undefined }): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${input.title} · Cohort Coach</title>
<style>
  :root { color-scheme: light; --ink: #1b1f24; --muted: #4a5560; --line: #c9d1d9; --accent: #0b57d0; --ok: #136c2e; --bad: #a4161a; --bg: #ffffff; --soft: #f3f6f9; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
  header, main { max-width: 46rem; margin: 0 auto; padding: 0.75rem 1rem; }
  header { display: flex; flex-wrap: wrap; gap: 0.5rem 1.25rem; align-items: baseline; border-bottom: 1px solid var(--line); }
  header strong { font-size: 1.1rem; }
  a { color: var(--accent); }
  a:focus-visible, button:focus-visible, select:focus-visible, textarea:focus-visible, input:focus-visible { outline: 3px solid #f0a500; outline-offset: 2px; }
  h1 { font-size: 1.5rem; line-height: 1.25; margin: 0.75rem 0; }
  h2 { font-size: 1.2rem; margin: 1.5rem 0 0.5rem; }
  .meta { color: var(--muted); margin: 0; }
  .card { background: var(--soft); border: 1px solid var(--line); border-radius: 8px; padding: 0.75rem 1rem; margin: 0.75rem 0; }
  .prompt { font-size: 1.1rem; }
  label, legend { font-weight: 600; display: block; margin: 0.5rem 0 0.25rem; }
  textarea, select, input[type=text] { width: 100%; font: inherit; padding: 0.5rem; border: 1px solid var(--muted); border-radius: 6px; }
  textarea { min-height: 12rem; }
  button { font: inherit; font-weight: 600; padding: 0.55rem 1.1rem; border-radius: 6px; border: 0; background: var(--accent); color: #fff; cursor: pointer; margin-top: 0.5rem; }
  fieldset { border: 1px solid var(--line); border-radius: 8px; margin: 0.75rem 0; padding: 0.5rem 0.75rem; }
  .scale { display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; }
  .scale label { font-weight: 400; display: inline-flex; gap: 0.3rem; align-items: center; margin: 0; min-height: 44px; }
  .levels { color: var(--muted); font-size: 0.9rem; margin: 0.25rem 0; }
  .shown { color: var(--ok); }
  .missing { color: var(--bad); }
  .message { padding: 0.75rem 1rem; border-radius: 8px; font-weight: 600; }
  .message.error { background: #fde8e8; color: var(--bad); border: 1px solid var(--bad); }
  .message.ok { background: #e6f4ea; color: var(--ok); border: 1px solid var(--ok); }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: 0.35rem 0.5rem; border-bottom: 1px solid var(--line); }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
  tr.me td { font-weight: 700; background: #fff6d6; }
  svg { max-width: 100%; height: auto; display: block; }
  .timer { font-variant-numeric: tabular-nums; font-weight: 700; }
  blockquote { margin: 0.25rem 0 0.25rem 1rem; padding-left: 0.5rem; border-left: 3px solid var(--line); color: var(--muted); }
  .tabs { display: flex; flex-wrap: wrap; gap: 0.5rem; padding: 0; list-style: none; }
  .tabs a[aria-current=page] { font-weight: 700; color: var(--ink); text-decoration: none; }
</style>
</head>
<body>
<header><strong>Cohort Coach</strong>${input.nav ?? ""}</header>
<main id="main">
${input.message ? html`<p class="message ${input.message.kind}" role="${input.message.kind === "error" ? "alert" : "status"}">${input.message.text}</p>` : ""}
${input.body}
</main>
${input.script ? html`<script>${raw(input.script)}</script>` : ""}
</body>
</html>`;
}
