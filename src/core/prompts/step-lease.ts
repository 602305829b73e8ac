import type { Clock } from "../clock.ts";
import type { PromptRepository, StepClaim } from "../ports.ts";
import { groupWrites } from "../group-writes.ts";
import type { PromptStep } from "./types.ts";

/**
 * Thrown by a step's fence once another worker has retaken the step (its lease ran out
 * while this worker's post was still waiting on the platform's pace or a Retry-After).
 * The retaker owns the step now, its post included: this worker stops without posting.
 */
export class StepTakenOver extends Error {
  constructor(
    readonly promptId: number,
    readonly step: PromptStep,
  ) {
    super(`step ${step} of prompt ${promptId} was retaken by another worker`);
    this.name = "StepTakenOver";
  }
}

/**
 * This worker's hold on steps it claimed together (a tick's claims share one instant,
 * hence one lease end), confirmed by each step's fence right before each attempt to post.
 * While more than half the lease is left a confirmation is local (the claim's instant,
 * through the injected clock): a fan-out that posts within a minute of its claims touches
 * the database no more than before. Past that, one statement renews every claim still
 * held, each on the condition that it is still the one this worker made, so posts that
 * waited long on the platform either keep their steps for a full lease more or learn
 * they were retaken. Steps waiting for their turn are renewed with the rest.
 *
 * A step's first fence also records that the step may have sent something
 * (markMayHavePosted) and waits for that write, so a worker that retakes the step after
 * this one died reads the channel for an earlier copy only when there can be one. Steps
 * this worker never got to are retaken as fresh: after a crash mid fan-out, the posts that
 * were still queued go out without a history read each (Slack allows a workspace 50 of
 * those a minute, or 1 for an app distributed outside its Marketplace).
 */
export class StepLeases {
  private heldUntil: Date;
  /** Unfinished claims, by prompt (a batch claims one step per prompt). */
  private readonly held = new Map<number, PromptStep>();
  private readonly lost = new Set<number>();
  private renewing: Promise<void> | undefined;
  /** Each step's mark, written once before its first attempt. */
  private readonly marks = new Map<number, Promise<void>>();
  /** Marks asked for in the same turn, or while the last write was in flight, share a write. */
  private readonly writeMark = groupWrites((claims: StepClaim[]) => this.repo.markMayHavePosted(claims), { gatherMs: 0 });

  constructor(
    private readonly repo: Pick<PromptRepository, "renewSteps" | "markMayHavePosted">,
    private readonly clock: Clock,
    claimedAt: Date,
    private readonly leaseMs: number,
    claims: readonly StepClaim[],
  ) {
    this.heldUntil = new Date(claimedAt.getTime() + leaseMs);
    for (const claim of claims) this.held.set(claim.promptId, claim.step);
  }

  /**
   * The fence of one claimed step: resolves while the step is this worker's, with at
   * least half a lease left for the attempt that follows; rejects with StepTakenOver once
   * it is not.
   */
  fence(promptId: number): () => Promise<void> {
    const step = this.held.get(promptId);
    if (step === undefined) throw new Error(`prompt ${promptId} has no claimed step in this batch`);
    return async () => {
      await this.markOnce({ promptId, step });
      if (!this.lost.has(promptId) && this.heldUntil.getTime() - this.clock.now().getTime() <= this.leaseMs / 2) {
        // Steps that confirm at the same moment share one renewal.
        this.renewing ??= this.renew().finally(() => (this.renewing = undefined));
        await this.renewing;
      }
      if (this.lost.has(promptId)) throw new StepTakenOver(promptId, step);
    };
  }

  /** A finished or failed step is renewed no more: a failure's lease must run out for the retry. */
  release(promptId: number): void {
    this.held.delete(promptId);
  }

  private markOnce(claim: StepClaim): Promise<void> {
    let marked = this.marks.get(claim.promptId);
    if (!marked) {
      marked = this.writeMark(claim);
      this.marks.set(claim.promptId, marked);
      // A failed write fails this attempt; the next one writes the mark again.
      marked.catch(() => this.marks.delete(claim.promptId));
    }
    return marked;
  }

  private async renew(): Promise<void> {
    const now = this.clock.now();
    const claims = [...this.held].filter(([promptId]) => !this.lost.has(promptId)).map(([promptId, step]) => ({ promptId, step }));
    const renewed = await this.repo.renewSteps(claims, this.heldUntil, now, this.leaseMs);
    for (const { promptId } of claims) if (!renewed.has(promptId)) this.lost.add(promptId);
    this.heldUntil = new Date(now.getTime() + this.leaseMs);
  }
}
