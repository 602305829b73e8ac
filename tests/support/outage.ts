import type { Repositories } from "../../src/core/ports.ts";

/** The error postgres.js raises when the server refuses the connection. */
export function connectionRefused(): Error {
  return Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED", errno: -111, syscall: "connect" });
}

export interface Outage {
  readonly repos: Repositories;
  /** While cut, every repository call fails as an unreachable database does. */
  cut(): void;
  restore(): void;
  readonly failedCalls: () => number;
}

/** Wraps the repositories so a test can take "the database" away and give it back. */
export function cuttable(inner: Repositories): Outage {
  let down = false;
  let failed = 0;
  const wrap = <T extends object>(repo: T): T =>
    new Proxy(repo, {
      get(target, property, receiver) {
        const value: unknown = Reflect.get(target, property, receiver);
        if (typeof value !== "function") return value;
        return (...args: unknown[]) => {
          if (down) {
            failed++;
            return Promise.reject(connectionRefused());
          }
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  const repos = Object.fromEntries(Object.entries(inner).map(([name, repo]) => [name, wrap(repo as object)])) as unknown as Repositories;
  return {
    repos,
    cut: () => void (down = true),
    restore: () => void (down = false),
    failedCalls: () => failed,
  };
}
