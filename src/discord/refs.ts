import { createHash } from "node:crypto";
import type { CohortAddress } from "../core/cohorts/types.ts";

/** Namespaced references shared with the engine; see the adapter conventions in the README. */

export const userRef = (userId: string) => `discord:${userId}`;

export function userIdOf(ref: string): string {
  const match = /^discord:(\d+)$/.exec(ref);
  if (!match) throw new Error(`not a Discord user ref: ${ref}`);
  return match[1]!;
}

export const promptMessageRef = (channelId: string, messageId: string) => `discord:${channelId}:${messageId}`;
export const threadRef = (threadId: string) => `discord:thread:${threadId}`;
export const sourceRef = (messageId: string) => `discord:msg:${messageId}`;

export function threadIdOf(ref: string | null): string | undefined {
  return ref ? /^discord:thread:(\d+)$/.exec(ref)?.[1] : undefined;
}

export const cohortAddress = (guildId: string, channelId: string): CohortAddress => ({ platform: "discord", workspaceId: guildId, channelId });

/**
 * Discord accepts nonces of at most 25 characters, so the engine's idempotency key is
 * hashed; 80 bits keep collisions out of reach for the few minutes Discord remembers them.
 */
export const nonceFor = (idempotencyKey: string) => `cc${createHash("sha256").update(idempotencyKey).digest("hex").slice(0, 20)}`;
