/**
 * Group commit: items are written together, one write in flight at a time. The first item
 * waits up to `gatherMs` for others to share its write, or until `enough` are waiting;
 * items that come while a write is in flight go in the next one. Each caller's promise
 * settles with the write that carried its item.
 */
export function groupWrites<T>(
  write: (items: T[]) => Promise<void>,
  { gatherMs, enough = Number.POSITIVE_INFINITY }: { readonly gatherMs: number; readonly enough?: number },
): (item: T) => Promise<void> {
  let pending: { item: T; settle: (error?: unknown) => void }[] = [];
  let writing = false;
  let gathering: ReturnType<typeof setTimeout> | undefined;
  const drain = async () => {
    clearTimeout(gathering);
    gathering = undefined;
    writing = true;
    while (pending.length > 0) {
      const batch = pending;
      pending = [];
      const error = await write(batch.map((p) => p.item)).then(
        () => undefined,
        (e: unknown) => e ?? new Error("write failed"),
      );
      for (const p of batch) p.settle(error);
    }
    writing = false;
  };
  return (item) =>
    new Promise<void>((resolve, reject) => {
      pending.push({ item, settle: (error) => (error === undefined ? resolve() : reject(error as Error)) });
      if (writing) return;
      if (pending.length >= enough) void drain();
      else gathering ??= setTimeout(() => void drain(), gatherMs);
    });
}
