import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import path from "node:path";

export const repoRoot = path.resolve(import.meta.dirname, "..");
const logDir = path.join(repoRoot, "chaos", ".logs");

/** Every process group the runner started; killed on any exit path of the runner. */
const liveGroups = new Set<number>();

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

export function killAllReplicas(): void {
  for (const pid of liveGroups) killGroup(pid, "SIGKILL");
  liveGroups.clear();
}

export interface LogLine {
  readonly msg?: string;
  readonly level?: number;
  readonly [field: string]: unknown;
}

export interface ExitInfo {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/**
 * One real bot process (`node --import tsx src/main.ts`, what `npm start` runs) in a
 * process group of its own, so a SIGKILL reaches anything it spawned and the runner
 * can always clean up.
 */
export class Replica {
  readonly lines: LogLine[] = [];
  port = 0;
  /** Set when the process ended without the runner asking it to. */
  crashed: ExitInfo | undefined;
  private readonly child: ChildProcess;
  private readonly exited: Promise<ExitInfo>;
  private readonly waiters = new Set<{ match: (line: LogLine) => boolean; resolve: (line: LogLine) => void }>();
  private killedByRunner = false;
  private readonly logFile: WriteStream;

  constructor(
    readonly name: string,
    env: Record<string, string>,
  ) {
    mkdirSync(logDir, { recursive: true });
    this.logFile = createWriteStream(path.join(logDir, `${name}.log`), { flags: "a" });
    this.child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NODE_ENV: "test", LOG_LEVEL: "info", PORT: "0", ...env },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    const pid = this.child.pid;
    if (pid) liveGroups.add(pid);
    let partial = "";
    const onData = (chunk: Buffer) => {
      this.logFile.write(chunk);
      const text = partial + chunk.toString();
      const parts = text.split("\n");
      partial = parts.pop() ?? "";
      for (const raw of parts) this.onLine(raw);
    };
    this.child.stdout!.on("data", onData);
    this.child.stderr!.on("data", onData);
    this.exited = new Promise((resolve) =>
      this.child.on("exit", (code, signal) => {
        if (pid) liveGroups.delete(pid);
        if (!this.killedByRunner) this.crashed = { code, signal };
        this.logFile.end();
        resolve({ code, signal });
      }),
    );
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  private onLine(raw: string): void {
    let line: LogLine;
    try {
      const parsed: unknown = JSON.parse(raw);
      line = typeof parsed === "object" && parsed !== null ? (parsed as LogLine) : { msg: raw };
    } catch {
      line = { msg: raw };
    }
    this.lines.push(line);
    for (const waiter of [...this.waiters]) {
      if (waiter.match(line)) {
        this.waiters.delete(waiter);
        waiter.resolve(line);
      }
    }
  }

  /** The first line (already logged or future) matching; rejects on timeout or exit. */
  waitForLine(match: (line: LogLine) => boolean, timeoutMs: number, what: string): Promise<LogLine> {
    const seen = this.lines.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter = {
        match,
        resolve: (line: LogLine) => {
          clearTimeout(timer);
          resolve(line);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`${this.name}: no "${what}" within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.add(waiter);
      void this.exited.then((exit) => {
        if (!this.waiters.has(waiter)) return;
        this.waiters.delete(waiter);
        clearTimeout(timer);
        reject(new Error(`${this.name} exited (${exit.code ?? exit.signal}) before "${what}"`));
      });
    });
  }

  async ready(timeoutMs: number): Promise<void> {
    const line = await this.waitForLine((l) => typeof l.msg === "string" && l.msg.startsWith("Cohort Coach started on port"), timeoutMs, "started");
    this.port = Number(line["port"]);
  }

  /** Resolves once this process finished a tick that saw the test clock at `instant`. */
  tickedAt(instant: Date, timeoutMs: number): Promise<LogLine> {
    const iso = instant.toISOString();
    return this.waitForLine((l) => l.msg === "test clock: tick done" && l["at"] === iso, timeoutMs, `tick at ${iso}`);
  }

  async kill(signal: NodeJS.Signals = "SIGKILL"): Promise<ExitInfo> {
    this.killedByRunner = true;
    if (this.alive && this.child.pid) killGroup(this.child.pid, signal);
    return this.exited;
  }

  /** SIGTERM (graceful) with a SIGKILL fallback, for the end of a scenario. */
  async stop(): Promise<void> {
    if (!this.alive) {
      await this.exited;
      return;
    }
    this.killedByRunner = true;
    const fallback = setTimeout(() => this.child.pid && killGroup(this.child.pid, "SIGKILL"), 10_000);
    if (this.child.pid) killGroup(this.child.pid, "SIGTERM");
    await this.exited;
    clearTimeout(fallback);
  }
}
