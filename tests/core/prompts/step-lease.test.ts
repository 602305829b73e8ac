import { describe, expect, it } from "vitest";
import type { StepClaim } from "../../../src/core/ports.ts";
import { StepLeases, StepTakenOver } from "../../../src/core/prompts/step-lease.ts";
import { FixedClock } from "../../fakes/core.ts";

const LEASE_MS = 120_000;
const claimedAt = new Date("2026-10-01T13:00:00Z");

/**
 * Stands in for the prompts repository: records each renewal and each write of steps'
 * may-have-posted marks; `retaken` prompts are another worker's.
 */
function renewals(retaken: readonly number[] = []) {
  const calls: { prompts: number[]; heldUntil: string; now: string }[] = [];
  const marks: number[][] = [];
  return {
    calls,
    marks,
    repo: {
      renewSteps: async (claims: readonly StepClaim[], heldUntil: Date, now: Date) => {
        calls.push({ prompts: claims.map((c) => c.promptId), heldUntil: heldUntil.toISOString(), now: now.toISOString() });
        return new Set(claims.map((c) => c.promptId).filter((id) => !retaken.includes(id)));
      },
      markMayHavePosted: async (claims: readonly StepClaim[]) => {
        marks.push(claims.map((c) => c.promptId));
      },
    },
  };
}

const claims: StepClaim[] = [1, 2, 3].map((promptId) => ({ promptId, step: "post" }));

describe("a tick's step fences", () => {
  it("confirm without the database while more than half the lease is left", async () => {
    const clock = new FixedClock(claimedAt);
    const { calls, repo } = renewals();
    const leases = new StepLeases(repo, clock, claimedAt, LEASE_MS, claims);
    await leases.fence(1)();
    clock.advance(LEASE_MS / 2 - 1);
    await Promise.all(claims.map((c) => leases.fence(c.promptId)()));
    expect(calls).toEqual([]);
  });

  it("renew every unfinished claim at once near the lease's end, then are local again for half a lease", async () => {
    const clock = new FixedClock(claimedAt);
    const { calls, repo } = renewals();
    const leases = new StepLeases(repo, clock, claimedAt, LEASE_MS, claims);
    leases.release(3);
    clock.advance(LEASE_MS / 2);
    await leases.fence(1)();
    expect(calls).toEqual([{ prompts: [1, 2], heldUntil: "2026-10-01T13:02:00.000Z", now: "2026-10-01T13:01:00.000Z" }]);
    clock.advance(LEASE_MS / 2 - 1);
    await leases.fence(2)();
    expect(calls).toHaveLength(1);
    // Long past the lease (a clock jump): renewed from the last renewal's end, not the claim's.
    clock.advance(10 * LEASE_MS);
    await leases.fence(2)();
    expect(calls[1]).toEqual({ prompts: [1, 2], heldUntil: "2026-10-01T13:03:00.000Z", now: "2026-10-01T13:21:59.999Z" });
  });

  it("give a retaken step up for good, keep the others, and share one renewal among steps confirming at once", async () => {
    const clock = new FixedClock(claimedAt);
    const { calls, repo } = renewals([2]);
    const leases = new StepLeases(repo, clock, claimedAt, LEASE_MS, claims);
    clock.advance(LEASE_MS + 1);
    const outcomes = await Promise.allSettled(claims.map((c) => leases.fence(c.promptId)()));
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(StepTakenOver);
    expect(calls).toHaveLength(1);
    clock.advance(LEASE_MS);
    await expect(leases.fence(2)()).rejects.toThrow("step post of prompt 2 was retaken by another worker");
    // The next renewal leaves the lost claim out.
    await leases.fence(1)();
    expect(calls[1]?.prompts).toEqual([1, 3]);
  });

  it("mark a step as possibly sent before its first attempt only, in one write for the steps that start together", async () => {
    const clock = new FixedClock(claimedAt);
    const { marks, repo } = renewals();
    const leases = new StepLeases(repo, clock, claimedAt, LEASE_MS, claims);
    await Promise.all([leases.fence(1)(), leases.fence(2)()]);
    expect(marks).toEqual([[1, 2]]);
    // A retry of step 1 writes nothing more; step 3's first attempt writes its own mark.
    await leases.fence(1)();
    await leases.fence(3)();
    expect(marks).toEqual([[1, 2], [3]]);
  });

  it("send nothing until the mark is stored, and write it again on the next attempt if storing it failed", async () => {
    const clock = new FixedClock(claimedAt);
    let failNext = true;
    const written: number[][] = [];
    const repo = {
      ...renewals().repo,
      markMayHavePosted: async (batch: readonly StepClaim[]) => {
        if (failNext) {
          failNext = false;
          throw new Error("database unavailable");
        }
        written.push(batch.map((c) => c.promptId));
      },
    };
    const leases = new StepLeases(repo, clock, claimedAt, LEASE_MS, claims);
    await expect(leases.fence(1)()).rejects.toThrow("database unavailable");
    await leases.fence(1)();
    expect(written).toEqual([[1]]);
  });
});
