import type { Logger } from "./logger.ts";
import type { PlatformHealth } from "./platforms.ts";

/** An expected platform failure, worded for the operator who reads the log. */
export interface ConnectionProblem {
  /** What is wrong, naming the variable or permission involved. */
  readonly cause: string;
  /** What to do about it. */
  readonly fix: string;
  /** Transient problems (a dropped connection that reconnects by itself) are warnings, not errors. */
  readonly transient?: boolean;
  /** Only the operator can fix it (a refused token or intent): retrying would only repeat it. */
  readonly final?: boolean;
}

/**
 * Whether one platform is usable, and the single log line per change of cause: a bad
 * token is said once with what to do, not once per request, and recovery is said too.
 */
export class ConnectionState {
  private problem: ConnectionProblem | undefined = { cause: "not connected yet", fix: "", transient: true };
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly log: Logger,
    private readonly platform: string,
    private readonly retryMs: number,
  ) {}

  get ready(): boolean {
    return this.problem === undefined;
  }

  connected(context: object): void {
    if (this.problem !== undefined) this.log.info(context, `${this.platform} connected`);
    this.problem = undefined;
  }

  failed(problem: ConnectionProblem): void {
    if (this.problem?.cause !== problem.cause) {
      const line = `${problem.cause}. ${problem.fix}`;
      if (problem.transient) this.log.warn({ cause: problem.cause }, line);
      else this.log.error({ cause: problem.cause }, line);
    }
    this.problem = problem;
  }

  /** Runs `attempt` again after the retry interval, unless stopped meanwhile or retrying cannot help. */
  retryLater(attempt: () => Promise<void>): void {
    if (this.stopped || this.problem?.final) return;
    clearTimeout(this.retry);
    this.retry = setTimeout(() => void attempt(), this.retryMs);
    this.retry.unref();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retry);
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  health(): PlatformHealth {
    return { ready: this.problem === undefined, detail: this.problem?.cause ?? "connected" };
  }
}
