import type { webApi } from "@slack/bolt";
import type { CoachMessage, Destination, Messenger, PostedMessage, SendOptions } from "../core/messages.ts";
import { renderMessage } from "./blocks/messages.ts";
import { messageRef, parseMessageRef, parseUserRef } from "./refs.ts";
import type { SlackRuntime } from "./runtime.ts";

export const POST_EVENT_TYPE = "cohort_coach_post";
/** How far back to look for a post made before a crash; a day's posts fit easily. */
const LOOKBACK = 50;

type Message = { ts?: string; metadata?: { event_type?: string; event_payload?: Record<string, unknown> } };

const hasKey = (key: string) => (m: Message) => m.metadata?.event_type === POST_EVENT_TYPE && m.metadata.event_payload?.["key"] === key;

/**
 * Renders the engine's messages. Each post carries its idempotency key in message
 * metadata; when a step is retaken after its worker died (the only time an earlier
 * attempt may have posted), channel and thread posts first look for a message with
 * that key, within the workspace's history budget, so the retry finds the earlier post.
 * The happy path reads no history at all.
 */
export class SlackMessenger implements Messenger {
  constructor(private readonly runtime: () => SlackRuntime) {}

  async send(to: Destination, message: CoachMessage, idempotencyKey: string, options: SendOptions = {}): Promise<PostedMessage> {
    const rt = this.runtime();
    const teamId = to.cohort.workspaceId;
    const metadata = { event_type: POST_EVENT_TYPE, event_payload: { key: idempotencyKey } };
    const { text, blocks } = renderMessage(message);
    let channel: string;
    let threadTs: string | undefined;
    if (to.kind === "channel") {
      channel = to.cohort.channelId;
      if (options.mayHavePosted) {
        await rt.history.take(teamId);
        const history = await rt.client.conversations.history({ channel, include_all_metadata: true, limit: LOOKBACK });
        const earlier = (history.messages as Message[] | undefined)?.find(hasKey(idempotencyKey));
        if (earlier?.ts) return { messageRef: messageRef(teamId, channel, earlier.ts), threadRef: null };
      }
    } else if (to.kind === "thread") {
      const parent = parseMessageRef(to.messageRef);
      channel = parent.channelId;
      threadTs = parent.ts;
      if (options.mayHavePosted) {
        await rt.history.take(teamId);
        const replies = await rt.client.conversations.replies({ channel, ts: threadTs, include_all_metadata: true, limit: 200 });
        const earlier = (replies.messages as Message[] | undefined)?.find(hasKey(idempotencyKey));
        if (earlier?.ts) return { messageRef: messageRef(teamId, channel, earlier.ts), threadRef: null };
      }
    } else {
      // Posting to a user id lands in the app's DM with them (chat:write, no im:write needed).
      channel = parseUserRef(to.userRef).userId;
    }
    const args: webApi.ChatPostMessageArguments = { channel, text, blocks, metadata, unfurl_links: false, unfurl_media: false, ...(threadTs ? { thread_ts: threadTs } : {}) };
    const posted = await rt.post(args, options.fence);
    return { messageRef: messageRef(teamId, posted.channel ?? channel, posted.ts!), threadRef: null };
  }
}
