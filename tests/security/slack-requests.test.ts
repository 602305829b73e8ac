import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signedRequest, slashCommandPayload, startFakeSlack, type FakeSlack } from "../fakes/slack/index.ts";
import { testDatabases } from "../support/databases.ts";
import { Driver, SIGNING_SECRET, startHarness, type Harness } from "../slack/harness.ts";

const COHORT = "C0COHORT";

/** Posts exactly these bytes, correctly signed, so only the body is hostile. */
async function postSigned(url: string, body: string, contentType: string): Promise<number> {
  const response = await fetch(url, { method: "POST", headers: signedRequest(SIGNING_SECRET, body, { contentType }), body, signal: AbortSignal.timeout(5_000) });
  await response.text();
  return response.status;
}

describe("malformed Slack requests", () => {
  let h: Harness;
  let fake: FakeSlack;

  beforeAll(async () => {
    fake = await startFakeSlack();
    fake.users.addUser({ id: "U0ADA", name: "ada", isAdmin: true });
    h = await startHarness(testDatabases()[0]!, fake);
  });
  afterAll(async () => {
    await h?.close();
    await fake?.close();
  });

  it("answers a signed body that is not a JSON object with 400 and keeps serving", async () => {
    const hostile: [string, string][] = [
      ["null", "application/json"],
      ["[]", "application/json"],
      ["42", "application/json"],
      ['"text"', "application/json"],
      ["{not json", "application/json"],
      ["payload=null", "application/x-www-form-urlencoded"],
      ["payload=%5B1%5D", "application/x-www-form-urlencoded"],
      ["payload=%7Bbroken", "application/x-www-form-urlencoded"],
    ];
    for (const [body, contentType] of hostile) {
      expect({ body, status: await postSigned(h.url, body, contentType) }).toEqual({ body, status: 400 });
    }
    // The process is still up and still answers real commands.
    const reply = await new Driver(h, COHORT).command("U0ADA", "help");
    expect(JSON.stringify(reply)).toContain("/coach");
  });

  it("refuses a captured request replayed with a fresh timestamp (the old signature no longer matches) with 401", async () => {
    const payload = slashCommandPayload({ user_id: "U0ADA", text: "pause", channel_id: COHORT });
    const first = Math.floor(Date.now() / 1000) - 120;
    const body = new URLSearchParams(payload as Record<string, string>).toString();
    const captured = signedRequest(SIGNING_SECRET, body, { timestamp: first });
    const replayed = { ...captured, "x-slack-request-timestamp": String(first + 60) };
    const response = await fetch(h.url, { method: "POST", headers: replayed, body });
    expect(response.status).toBe(401);
    expect(await h.coach.cohort({ platform: "slack", workspaceId: "T0FAKE", channelId: COHORT })).toBeUndefined();
  });
});
