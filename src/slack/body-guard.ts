import type { IncomingMessage, ServerResponse } from "node:http";
import { HTTPModuleFunctions } from "@slack/bolt";
import type { Logger } from "../logger.ts";

/** Slack's own limit for request bodies it sends; anything larger is not from Slack. */
const BODY_LIMIT = HTTPModuleFunctions.defaultBodyLimit;

type Buffered = IncomingMessage & { rawBody: Buffer };

/**
 * Reads and parses the body the way Bolt will, and refuses anything that is not a JSON
 * object with 400 before Bolt sees it: Bolt reads `body.ssl_check` from the parsed body
 * outside any try, so a body of `null` (or a form `payload=null`) would otherwise throw
 * past every handler and end the process. Returns the buffered request Bolt can reuse
 * (it skips re-reading a request that already carries `rawBody`), or undefined when
 * it already answered.
 */
export async function guardSlackBody(req: IncomingMessage, res: ServerResponse, log: Logger): Promise<IncomingMessage | undefined> {
  let buffered: Buffered;
  try {
    buffered = (await HTTPModuleFunctions.bufferIncomingMessage(req, BODY_LIMIT)) as Buffered;
  } catch (error) {
    const tooLarge = HTTPModuleFunctions.isRawBodyError(error) && (error as { statusCode: number }).statusCode === 413;
    log.warn({ reason: tooLarge ? "body too large" : "unreadable body" }, "refused a malformed Slack request");
    res.writeHead(tooLarge ? 413 : 400).end();
    return undefined;
  }
  let body: unknown;
  try {
    body = HTTPModuleFunctions.parseHTTPRequestBody(buffered);
  } catch {
    body = undefined;
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    log.warn({ reason: "body is not a JSON object", contentType: req.headers["content-type"] ?? null, bytes: buffered.rawBody.length }, "refused a malformed Slack request");
    res.writeHead(400).end();
    return undefined;
  }
  return buffered;
}
