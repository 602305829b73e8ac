/** Time is injected so schedules, windows and streaks are testable without real waiting. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
