import type { AiSettings } from "../../src/core/ai/review-queue.ts";
import type { Clock } from "../../src/core/clock.ts";
import { Coach } from "../../src/core/coach.ts";
import type { Actor, CohortAddress } from "../../src/core/cohorts/types.ts";
import type { CoachDeps, CoreLog } from "../../src/core/deps.ts";
import type { CoachMessage, Destination, Messenger, PostedMessage } from "../../src/core/messages.ts";
import type { Repositories } from "../../src/core/ports.ts";

export class FixedClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current);
  }
  set(iso: string | Date): void {
    this.current = new Date(iso);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export interface SentMessage {
  readonly to: Destination;
  readonly message: CoachMessage;
  readonly key: string;
}

/**
 * Records every message the engine sends. Like the real platforms it refuses a
 * second message under the same idempotency key, and it can be told to fail the next
 * send to simulate a crash between claiming a step and sending it.
 */
export class RecordingMessenger implements Messenger {
  readonly sent: SentMessage[] = [];
  private readonly byKey = new Map<string, PostedMessage>();
  private failures = 0;
  private counter = 0;

  failNextSend(times = 1): void {
    this.failures += times;
  }

  async send(to: Destination, message: CoachMessage, key: string): Promise<PostedMessage> {
    if (this.failures > 0) {
      this.failures--;
      throw new Error("simulated crash before the platform saw the message");
    }
    const previous = this.byKey.get(key);
    if (previous) return previous;
    const posted = { messageRef: `msg-${++this.counter}`, threadRef: null };
    this.byKey.set(key, posted);
    this.sent.push({ to, message, key });
    return posted;
  }

  kinds(): string[] {
    return this.sent.map((s) => s.message.kind);
  }

  take(): SentMessage[] {
    return this.sent.splice(0);
  }

  to(userRef: string): SentMessage[] {
    return this.sent.filter((s) => s.to.kind === "user" && s.to.userRef === userRef);
  }
}

export const silentLog: CoreLog = { warn: () => {}, error: () => {} };

export function createCoach(repos: Repositories, clock: FixedClock, messenger = new RecordingMessenger(), ai?: AiSettings) {
  const deps: CoachDeps = { repos, messenger, clock, log: silentLog, ai };
  return { coach: new Coach(deps, { timeZone: "America/New_York", postTime: "09:00" }), messenger, clock, deps };
}

export const slackCohort: CohortAddress = { platform: "slack", workspaceId: "T1", channelId: "C1" };

export const member = (n: number, isPlatformAdmin = false): Actor => ({ userRef: `slack:T1:U${n}`, displayName: `Member ${n}`, isPlatformAdmin });
