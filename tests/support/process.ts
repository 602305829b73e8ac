import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterAll } from "vitest";

export const repoRoot = path.resolve(import.meta.dirname, "../..");

/** Generous: a first PGlite start has taken over 120 s on two cores shared with two test suites and other work. */
export const START_TIMEOUT_MS = 300_000;

export interface RunningApp {
  readonly child: ChildProcess;
  readonly output: () => string;
  /** Resolves with the first output line for which `match` is true. */
  waitForLine(match: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  exit(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL to the app and anything it started. */
  kill(): void;
}

const running = new Set<RunningApp>();
/** npm-started apps: their process group is killed even after npm itself has exited. */
const groups = new Set<RunningApp>();

/**
 * Kills every app a test file started that is still running, and waits for it to go.
 * Registered for every file that imports this module, so a failed or timed-out test
 * never leaves a process holding a port or a data directory; call it from afterEach too.
 */
export async function stopAllApps(): Promise<void> {
  const apps = [...running];
  for (const app of new Set([...apps, ...groups])) app.kill();
  groups.clear();
  await Promise.all(apps.map((app) => app.exit()));
}
afterAll(stopAllApps);

/** Starts `src/main.ts` the way `npm start` does (node directly), with only the given environment. */
export function startApp(env: Record<string, string>): RunningApp {
  return track(spawn(process.execPath, ["--import", "tsx", "src/main.ts"], { cwd: repoRoot, env: baseEnv(env), stdio: ["ignore", "pipe", "pipe"] }));
}

/** Starts the app through `npm start` itself, as a process manager or container runtime would. */
export function startWithNpm(env: Record<string, string>): RunningApp {
  // Its own process group, so cleanup can reach node even if npm is gone.
  return track(spawn("npm", ["start", "--silent"], { cwd: repoRoot, env: baseEnv(env), stdio: ["ignore", "pipe", "pipe"], detached: true }), true);
}

const baseEnv = (env: Record<string, string>) => ({ PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env });

function track(child: ChildProcess, group = false): RunningApp {
  let out = "";
  let pending = "";
  const waiters: { match: (line: string) => boolean; resolve: (line: string) => void }[] = [];
  const onData = (chunk: Buffer) => {
    out += chunk.toString();
    // Lines can straddle chunks; match only whole lines.
    const lines = (pending + chunk.toString()).split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      for (const waiter of [...waiters]) {
        if (waiter.match(line)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
    }
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  const app: RunningApp = {
    child,
    output: () => out,
    waitForLine: (match, timeoutMs = START_TIMEOUT_MS) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching line within ${timeoutMs} ms; output:\n${out}`)), timeoutMs);
        waiters.push({ match, resolve: (line) => (clearTimeout(timer), resolve(line)) });
        void exited.then(() => {
          clearTimeout(timer);
          reject(new Error(`process exited before a matching line; output:\n${out}`));
        });
      }),
    exit: () => exited,
    kill: () => {
      try {
        if (group && child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
        else child.kill("SIGKILL");
      } catch {
        // Already gone.
      }
    },
  };
  running.add(app);
  if (group) groups.add(app);
  void exited.then(() => running.delete(app));
  return app;
}
