import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postToBolt, slashCommandPayload, startFakeSlack, type FakeSlack } from "../fakes/slack/index.ts";
import { everyRow, testDatabases } from "../support/databases.ts";
import { Driver, readable, SIGNING_SECRET, startHarness, waitForResponse, type Harness } from "../slack/harness.ts";

const COHORT = "C0COHORT";

/** Every /coach subcommand that changes a cohort or reads all of its data. */
const ADMIN_ONLY = [
  "setup humana/ai-pm 10:00 Europe/Berlin daily",
  "schedule humana/ai-pm 10:00 Europe/Berlin daily",
  "pause",
  "resume",
  "skip 2026-12-24",
  "admin add <@U0BOB>",
  "admin remove <@U0ADA>",
  "season new",
  "post-now",
  "open-reviews",
  "close-now",
  "export",
];

describe.each(testDatabases())("Slack authorization on $name", (target) => {
  let fake: FakeSlack;
  let h: Harness;
  let drive: Driver;

  beforeAll(async () => {
    fake = await startFakeSlack();
    fake.users.addUser({ id: "U0ADA", name: "ada", isAdmin: true });
    fake.users.addUser({ id: "U0BOB", name: "bob" });
    fake.users.addUser({ id: "U0MAL", name: "mallory", isAdmin: true });
    h = await startHarness(target, fake);
    drive = new Driver(h, COHORT);
    expect(readable(await drive.command("U0ADA", "setup humana/ai-pm 09:00 America/New_York mon-fri"))).toContain("now a cohort");
  }, 180_000);
  afterAll(async () => {
    await h?.close();
    await fake?.close();
  });

  it("refuses every admin subcommand to a member, privately, writing nothing", async () => {
    const before = await everyRow(h.database);
    for (const command of ADMIN_ONLY) {
      const reply = await drive.command("U0BOB", command);
      expect({ command, type: reply["response_type"] }).toEqual({ command, type: "ephemeral" });
      expect({ command, text: readable(reply) }).toEqual({ command, text: expect.stringMatching(/Only (this cohort's|workspace) admins/) });
    }
    expect(await everyRow(h.database)).toEqual(before);
    expect(fake.callsTo("chat.postMessage").filter((c) => c.args["channel"] === COHORT)).toHaveLength(0);
  }, 120_000);

  it("gives an admin of another workspace no hold on this workspace's cohort, even in a channel with the same id", async () => {
    const before = await everyRow(h.database);
    for (const command of ADMIN_ONLY.filter((c) => !c.startsWith("setup"))) {
      const responseUrl = fake.responseUrl();
      const payload = slashCommandPayload({ team_id: "T0OTHER", user_id: "U0MAL", text: command, channel_id: COHORT, response_url: responseUrl });
      expect((await postToBolt(h.url, SIGNING_SECRET, "command", payload)).status).toBe(200);
      const reply = (await waitForResponse(fake, responseUrl)).body;
      expect({ command, type: reply["response_type"] }).toEqual({ command, type: "ephemeral" });
      expect({ command, text: readable(reply) }).toEqual({ command, text: expect.stringContaining("not a cohort") });
    }
    expect(await everyRow(h.database)).toEqual(before);
  }, 120_000);
});
