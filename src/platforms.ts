import type { Platform } from "./core/cohorts/types.ts";
import type { CoachMessage, Destination, Messenger, PostedMessage } from "./core/messages.ts";
import type { Route } from "./http/server.ts";

/** What each chat platform plugs into the composition root. */
export interface PlatformAdapter {
  readonly platform: Platform;
  /** Renders the engine's neutral messages on this platform. */
  readonly messenger: Messenger;
  /** HTTP routes to mount on PORT (Slack's events endpoint in HTTP mode). */
  readonly routes: readonly Route[];
  /** Connects (Socket Mode, gateway) once the HTTP server is up. */
  start(): Promise<void>;
  /** Stops taking new work and waits for in-flight handlers. */
  stop(): Promise<void>;
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

  send(to: Destination, message: CoachMessage, idempotencyKey: string): Promise<PostedMessage> {
    const messenger = this.byPlatform.get(to.cohort.platform);
    if (!messenger) return Promise.reject(new Error(`${to.cohort.platform} is not configured; cannot deliver ${message.kind}`));
    return messenger.send(to, message, idempotencyKey);
  }
}
