/**
 * Every bench writes its figures to bench/results/<name>.json in one shape, which
 * `npm run bench` (bench/run-all.ts) gathers into bench/results.json and RESULTS.md.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";

export interface Figure {
  readonly name: string;
  /** Median of the runs. */
  readonly value: number;
  readonly min: number;
  readonly max: number;
  readonly unit: string;
  /** What the value is compared with (a floor the platform allows, a baseline); null for an absolute goal. */
  readonly reference: number | null;
  /** value / reference, or null. */
  readonly ratio: number | null;
  /** In words, e.g. "ratio <= 1.1" or "value < 20". */
  readonly goal: string;
  /** Null for a figure reported as context, with no goal to meet. */
  readonly met: boolean | null;
  readonly note?: string;
}

export const resultsDir = path.resolve(import.meta.dirname, "results");

export const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

export const percentile = (values: readonly number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
};

/** A figure from repeated runs: median value, min and max, checked against `goal`. */
export function figure(
  name: string,
  runs: readonly number[],
  unit: string,
  goal: { readonly reference?: number; readonly maxRatio?: number; readonly maxValue?: number; /** Hold every run, not the median, to maxValue. */ readonly everyRun?: boolean },
  note?: string,
  /** Decimals kept; 3 unless the differences that matter are smaller. */
  digits = 3,
): Figure {
  const round = (n: number) => roundTo(n, digits);
  const value = median(runs);
  const reference = goal.reference ?? null;
  const ratio = reference === null || reference === 0 ? null : value / reference;
  const checks: [boolean, string][] = [];
  if (goal.maxRatio !== undefined) checks.push([ratio !== null && ratio <= goal.maxRatio, `ratio <= ${goal.maxRatio}`]);
  if (goal.maxValue !== undefined) {
    checks.push(goal.everyRun ? [Math.max(...runs) <= goal.maxValue, `max <= ${goal.maxValue} ${unit}`] : [value <= goal.maxValue, `value <= ${goal.maxValue} ${unit}`]);
  }
  return {
    name,
    value: round(value),
    min: round(Math.min(...runs)),
    max: round(Math.max(...runs)),
    unit,
    reference: reference === null ? null : round(reference),
    ratio: ratio === null ? null : round(ratio),
    goal: checks.map(([, text]) => text).join(" and ") || "reported",
    met: checks.length === 0 ? null : checks.every(([ok]) => ok),
    ...(note ? { note } : {}),
  };
}

const roundTo = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

export function writeFigures(bench: string, figures: readonly Figure[], extra: Record<string, unknown> = {}): void {
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(path.join(resultsDir, `${bench}.json`), `${JSON.stringify({ bench, measuredAt: new Date().toISOString(), ...extra, figures }, null, 2)}\n`);
  for (const f of figures) console.log(`${f.met === null ? "    " : f.met ? "met " : "MISS"} ${f.name}: ${f.value} ${f.unit}${f.ratio === null ? "" : ` (${f.ratio}x of ${f.reference})`} [${f.goal}]`);
}

const loopThreadStat = `/proc/self/task/${process.pid}/schedstat`;
const readsLoopThread = (() => {
  try {
    readFileSync(loopThreadStat);
    return true;
  } catch {
    return false;
  }
})();

/**
 * CPU time of the thread that runs the event loop, in ms. Where Linux tells it per thread
 * (schedstat's first field, in ns), that thread alone: the process's CPU time also counts the
 * threads that run beside the loop without holding it, the collector's concurrent marking and
 * the optimising compiler (a forget-me block of 27 ms on the loop thread read 48 ms for the
 * process). Elsewhere, the process's.
 */
export function loopThreadCpuMs(): number {
  if (readsLoopThread) return Number(readFileSync(loopThreadStat, "latin1").split(" ", 1)[0]) / 1e6;
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * Longest single stall of the event loop while `work` runs, in ms, two ways. `blockMs` is wall
 * time: how late a 5 ms timer fired, which on a busy machine also counts the turns the OS gave
 * other processes. `blockCpuMs` is the CPU time the loop's own thread spent between two
 * consecutive turns of a 1 ms timer (loopThreadCpuMs), never more than the gap itself.
 */
export async function longestBlock<T>(work: () => Promise<T>): Promise<{ result: T; blockMs: number; blockCpuMs: number; wallMs: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  let blockCpuMs = 0;
  let last = { cpu: loopThreadCpuMs(), at: performance.now() };
  const sample = () => {
    const now = { cpu: loopThreadCpuMs(), at: performance.now() };
    const cpuMs = now.cpu - last.cpu;
    blockCpuMs = Math.max(blockCpuMs, Math.min(cpuMs, now.at - last.at));
    last = now;
  };
  const sampler = setInterval(sample, 1);
  histogram.enable();
  const start = performance.now();
  const result = await work();
  const wallMs = performance.now() - start;
  histogram.disable();
  clearInterval(sampler);
  sample();
  // The histogram records how late each 5 ms timer fired; a block shows as that lateness.
  return { result, blockMs: Math.max(0, histogram.max / 1e6 - 5), blockCpuMs, wallMs };
}
