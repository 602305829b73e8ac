import { fork } from "node:child_process";
import { pathToFileURL } from "node:url";

/**
 * Runs `jobs` in `processes` forked copies of `workerFile` (forked processes, not worker
 * threads, because tsx's loader does not reach worker threads on Node 20), heaviest first
 * so the last ones to finish are short; results come back in job order. A worker answers
 * each job it is sent with one message (see `serveJobsIfForked`).
 */
export async function runInProcesses<Job, Result>(workerFile: string, jobs: readonly Job[], processes: number, weight: (job: Job) => number): Promise<Result[]> {
  const queue = [...jobs.keys()].sort((a, b) => weight(jobs[b]!) - weight(jobs[a]!));
  const results = new Array<Result>(jobs.length);
  const worker = () =>
    new Promise<void>((resolve, reject) => {
      const child = fork(workerFile, { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
      let current: number | undefined;
      const next = () => {
        current = queue.shift();
        // Closing the channel lets an idle worker exit on its own.
        if (current === undefined) child.disconnect();
        else child.send(jobs[current] as object);
      };
      child.on("message", (result: Result) => {
        results[current!] = result;
        next();
      });
      child.on("exit", (code) => (code === 0 && current === undefined ? resolve() : reject(new Error(`bench worker exited ${code} during job ${JSON.stringify(jobs[current!])}`))));
      next();
    });
  await Promise.all(Array.from({ length: Math.min(processes, jobs.length) }, worker));
  return results;
}

/**
 * When the module at `moduleUrl` is the one runInProcesses forked (not one it imports, nor
 * a bench run on its own), answers each job with `run`'s result and returns true.
 */
export function serveJobsIfForked<Job, Result>(moduleUrl: string, run: (job: Job) => Promise<Result>): boolean {
  if (process.send === undefined || moduleUrl !== pathToFileURL(process.argv[1] ?? "").href) return false;
  process.on("message", (job: Job) => {
    void run(job).then((result) => process.send!(result));
  });
  return true;
}
