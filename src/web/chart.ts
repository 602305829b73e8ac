import { html } from "hono/html";
import type { Html } from "./layout.ts";

export interface ChartPoint {
  readonly label: string;
  readonly value: number;
}

const WIDTH = 640;
const HEIGHT = 220;
const PAD = { left: 36, right: 16, top: 12, bottom: 36 };

/**
 * A line chart of 1-5 scores drawn on the server: no script, scales with the page, and a
 * text description for screen readers. Points are spaced evenly in time order.
 */
export function scoreChart(input: { readonly id: string; readonly title: string; readonly points: readonly ChartPoint[]; readonly min?: number; readonly max?: number }): Html {
  const min = input.min ?? 1;
  const max = input.max ?? 5;
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const n = input.points.length;
  const x = (i: number) => PAD.left + (n <= 1 ? plotW / 2 : (plotW * i) / (n - 1));
  const y = (v: number) => PAD.top + plotH - ((v - min) / (max - min)) * plotH;
  const ticks = Array.from({ length: max - min + 1 }, (_, i) => min + i);
  const path = input.points.map((p, i) => `${i === 0 ? "M" : "L"}${x(i).toFixed(1)},${y(p.value).toFixed(1)}`).join(" ");
  const latest = input.points.at(-1);
  const description = latest
    ? `${input.points.length} point${input.points.length === 1 ? "" : "s"} from ${input.points[0]!.label} to ${latest.label}; latest ${formatValue(latest.value)} of ${max}.`
    : "No points yet.";
  const labelEvery = Math.max(1, Math.ceil(n / 6));
  return html`<figure class="chart">
<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-labelledby="${input.id}-title ${input.id}-desc" data-points="${n}">
<title id="${input.id}-title">${input.title}</title>
<desc id="${input.id}-desc">${description}</desc>
${ticks.map((t) => html`<line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#d0d7de"/><text x="${PAD.left - 8}" y="${(y(t) + 5).toFixed(1)}" text-anchor="end" font-size="13" fill="#4a5560">${t}</text>`)}
${n > 1 ? html`<path d="${path}" fill="none" stroke="#0b57d0" stroke-width="2.5"/>` : ""}
${input.points.map(
  (p, i) => html`<circle class="point" cx="${x(i).toFixed(1)}" cy="${y(p.value).toFixed(1)}" r="5" fill="#0b57d0"><title>${p.label}: ${formatValue(p.value)}</title></circle>${
    i % labelEvery === 0 || i === n - 1 ? html`<text x="${x(i).toFixed(1)}" y="${HEIGHT - 12}" text-anchor="middle" font-size="12" fill="#4a5560">${p.label.slice(5)}</text>` : ""
  }`,
)}
</svg>
<figcaption>${input.title}: ${description}</figcaption>
</figure>`;
}

const formatValue = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(2));

/** Bars of counts per day (participation), drawn on the server like the line chart. */
export function countChart(input: { readonly id: string; readonly title: string; readonly bars: readonly ChartPoint[] }): Html {
  const n = input.bars.length;
  const max = Math.max(1, ...input.bars.map((b) => b.value));
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(n, 1);
  const barW = Math.max(2, Math.min(40, slot * 0.7));
  const y = (v: number) => PAD.top + plotH - (v / max) * plotH;
  const total = input.bars.reduce((s, b) => s + b.value, 0);
  const description = n > 0 ? `${n} day${n === 1 ? "" : "s"}, ${total} answer${total === 1 ? "" : "s"} in all, at most ${max} on one day.` : "No days yet.";
  const labelEvery = Math.max(1, Math.ceil(n / 6));
  return html`<figure class="chart">
<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-labelledby="${input.id}-title ${input.id}-desc" data-points="${n}">
<title id="${input.id}-title">${input.title}</title>
<desc id="${input.id}-desc">${description}</desc>
<line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y(0)}" y2="${y(0)}" stroke="#4a5560"/>
<text x="${PAD.left - 8}" y="${y(max) + 5}" text-anchor="end" font-size="13" fill="#4a5560">${max}</text>
<text x="${PAD.left - 8}" y="${y(0) + 5}" text-anchor="end" font-size="13" fill="#4a5560">0</text>
${input.bars.map((b, i) => {
  const cx = PAD.left + slot * i + slot / 2;
  return html`<rect class="bar" x="${(cx - barW / 2).toFixed(1)}" y="${y(b.value).toFixed(1)}" width="${barW.toFixed(1)}" height="${(y(0) - y(b.value)).toFixed(1)}" fill="#0b57d0"><title>${b.label}: ${b.value}</title></rect>${
    i % labelEvery === 0 || i === n - 1 ? html`<text x="${cx.toFixed(1)}" y="${HEIGHT - 12}" text-anchor="middle" font-size="12" fill="#4a5560">${b.label.slice(5)}</text>` : ""
  }`;
})}
</svg>
<figcaption>${input.title}: ${description}</figcaption>
</figure>`;
}
