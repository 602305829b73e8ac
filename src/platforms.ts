import type { Platform } from "./core/cohorts/types.ts";
import type { CoachMessage, Destination, Messenger, PostedMessage, SendOptions } from "./core/messages.ts";
import type { Route } from "./http/server.ts";

/** What each chat platform plugs into the composition root. */
export interface PlatformAdapter {
  readonly platform: Platform;
  /** Renders the engine's neutral messages on this platform. */
  readonly messenger: Messenger;
  /** HTTP routes to mount on PORT (Slack's events endpoint in HTTP mode). */
  readonly routes: readonly Route[];
  /**
   * Checks the credentials and connects (Socket Mode, gateway) once the HTTP server is up.
   * Expected failures (bad token, platform unreachable) do not throw: they are logged as one
   * line naming the cause and the fix, health() reports them, and the adapter keeps retrying.
   */
  start(): Promise<void>;
  /** Connected and authenticated right now; what /readyz reports. */
  health(): PlatformHealth;
  /** Stops taking new work and waits for in-flight handlers. */
  stop(): Promise<void>;
}

export interface PlatformHealth {
  readonly ready: boolean;
  /** "connected" when ready, else the cause in a few words. */
  readonly detail: string;
}

/**
 * The engine has one messenger; each cohort lives on one platform, so messages are
 * routed by the destination's platform. Adapters register after construction because
 * they in turn need the engine.
 */
export class MessengerRouter implements Messenger {
  private readonly byPlatform = new Map<Platform, Messenger>();

  register(platform: Platform, messenger: Messenger): void {
    this.byPlatform.set(platform, messenger);
  }

  send(to: Destination, message: CoachMessage, idempotencyKey: string, options?: SendOptions): Promise<PostedMessage> {
    const messenger = this.byPlatform.get(to.cohort.platform);
    if (!messenger) return Promise.reject(new Error(`${to.cohort.platform} is not configured; cannot deliver ${message.kind}`));
    return messenger.send(to, message, idempotencyKey, options);
  }
}
