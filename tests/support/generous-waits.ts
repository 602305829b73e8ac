import { vi } from "vitest";

/**
 * Every vi.waitFor in the suite waits for an event (a call reaching a fake, a row
 * appearing); its time limit only stops a hung test. On two cores shared by several
 * suites the default 1 s, or a hand-picked 5-8 s, fails tests that are merely slow, so
 * no wait gives up before 60 s.
 */
const FLOOR_MS = 60_000;
const waitFor = vi.waitFor.bind(vi);
vi.waitFor = ((callback: Parameters<typeof vi.waitFor>[0], options?: Parameters<typeof vi.waitFor>[1]) => {
  const given = typeof options === "number" ? { timeout: options } : (options ?? {});
  return waitFor(callback, { ...given, timeout: Math.max(given.timeout ?? 0, FLOOR_MS) });
}) as typeof vi.waitFor;
