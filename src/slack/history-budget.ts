/**
 * Slack rations `conversations.history` and `conversations.replies` per workspace:
 * Tier 3, about 50 a minute, for an app a workspace builds for itself; 1 a minute for
 * a commercially distributed app outside the Marketplace. Every read this app makes
 * (a retaken post's duplicate check, the catch-up) draws from one allowance per
 * workspace, a sliding minute, so neither starves the other into 429s.
 */
export class HistoryBudget {
  private readonly reads = new Map<string, number[]>();

  constructor(
    readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  private recent(workspaceId: string): number[] {
    const since = this.now() - 60_000;
    const kept = (this.reads.get(workspaceId) ?? []).filter((at) => at > since);
    this.reads.set(workspaceId, kept);
    return kept;
  }

  /** Takes one read if the minute allows it now. */
  tryTake(workspaceId: string): boolean {
    const recent = this.recent(workspaceId);
    if (recent.length >= this.perMinute) return false;
    recent.push(this.now());
    return true;
  }

  /** Takes one read, waiting for the oldest in the window to age out if need be. */
  async take(workspaceId: string): Promise<void> {
    while (!this.tryTake(workspaceId)) {
      const oldest = this.recent(workspaceId)[0] ?? this.now();
      await new Promise((resolve) => setTimeout(resolve, Math.max(10, oldest + 60_000 - this.now())));
    }
  }
}
