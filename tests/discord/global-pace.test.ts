import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ResponseLike } from "discord.js";
import { globallyPaced } from "../../src/discord/global-pace.ts";

const api = "http://127.0.0.1:1/api/v10";

describe("globallyPaced", () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  it("keeps bot requests within the limit in every second, counting each until a second after its answer, and lets interaction replies through at once", async () => {
    const started: { path: string; at: number }[] = [];
    const send = (url: string) => {
      started.push({ path: new URL(url).pathname.slice("/api/v10".length), at: Date.now() });
      return new Promise<ResponseLike>((resolve) => setTimeout(() => resolve({ status: 200 } as ResponseLike), 20));
    };
    const paced = globallyPaced(send, 3);
    const requests = [
      ...Array.from({ length: 5 }, (_, i) => paced(`${api}/channels/${i}/messages`, { method: "POST" })),
      paced(`${api}/interactions/9/token/callback`, { method: "POST" }),
      paced(`${api}/webhooks/7/token/messages/@original`, { method: "PATCH" }),
    ];
    await vi.runAllTimersAsync();
    await Promise.all(requests);

    expect(started).toEqual([
      // Not held behind the posts: Discord does not count them.
      { path: "/interactions/9/token/callback", at: 0 },
      { path: "/webhooks/7/token/messages/@original", at: 0 },
      { path: "/channels/0/messages", at: 0 },
      { path: "/channels/1/messages", at: 0 },
      { path: "/channels/2/messages", at: 0 },
      // The first three answered at 20 ms; their slots free a second later.
      { path: "/channels/3/messages", at: 1_021 },
      { path: "/channels/4/messages", at: 1_021 },
    ]);
  });
});
