import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Repositories } from "../../src/core/ports.ts";
import type { Database } from "../../src/db/client.ts";
import { createRepositories } from "../../src/db/repositories/index.ts";
import { cohorts, prompts } from "../../src/db/schema.ts";
import { testDatabases, truncateAll } from "../support/databases.ts";

const LEASE_MS = 120_000;
const claimedAt = new Date("2026-10-01T13:00:00Z");
const later = (ms: number) => new Date(claimedAt.getTime() + ms);

/** A post that waited on Slack renews its step only while the claim is still the one it made. */
describe.each(testDatabases())("step lease renewal on $name", (target) => {
  let database: Database;
  let repos: Repositories;
  let promptId: number;
  const renew = async (step: "post" | "close", heldUntil: Date, now: Date) => (await repos.prompts.renewSteps([{ promptId, step }], heldUntil, now, LEASE_MS)).has(promptId);

  beforeAll(async () => {
    database = await target.open();
    repos = createRepositories(database.db);
  });
  afterAll(() => database.close());
  beforeEach(async () => {
    await truncateAll(database);
    const [cohort] = await database.db
      .insert(cohorts)
      .values({ platform: "slack", workspaceId: "T1", channelId: "C1", trackId: "t", postTime: "09:00", timeZone: "UTC", weekdays: [1, 2, 3, 4, 5], answerCloseTime: "17:00", reviewCloseTime: "09:00", reviewersPerAnswer: 3, createdBy: "m0", createdAt: claimedAt })
      .returning();
    const [prompt] = await database.db
      .insert(prompts)
      .values({ cohortId: cohort!.id, localDate: "2026-10-01", questionId: "q", season: 1, postAt: claimedAt, answersCloseAt: later(3_600_000), reviewsCloseAt: later(7_200_000), createdAt: claimedAt })
      .returning();
    promptId = prompt!.id;
  });

  it("extends the holder's lease, so nobody can retake the step while its post is still on the way", async () => {
    expect(await repos.prompts.claimStep(promptId, "post", claimedAt, LEASE_MS)).toBe("fresh");
    expect(await renew("post", later(LEASE_MS), later(90_000))).toBe(true);
    // Past the first lease, within the renewed one: no retake.
    expect(await repos.prompts.claimSteps([{ promptId, step: "post" }], later(LEASE_MS + 1), LEASE_MS)).toEqual(new Map());
    // Renewed again from the instant the last renewal set, even after that lease ran out unclaimed.
    expect(await renew("post", later(90_000 + LEASE_MS), later(90_000 + LEASE_MS + 5_000))).toBe(true);
  });

  it("refuses the first holder once another worker retook the step, and anyone once it finished", async () => {
    expect(await repos.prompts.claimStep(promptId, "post", claimedAt, LEASE_MS)).toBe("fresh");
    await repos.prompts.markMayHavePosted([{ promptId, step: "post" }]);
    const retakenAt = later(LEASE_MS + 60_000);
    expect(await repos.prompts.claimSteps([{ promptId, step: "post" }], retakenAt, LEASE_MS)).toEqual(new Map([[promptId, "retaken"]]));
    expect(await renew("post", later(LEASE_MS), later(LEASE_MS + 61_000))).toBe(false);
    // The retaker's own claim renews, and the refused holder's attempt changed nothing.
    const retakerHolds = new Date(retakenAt.getTime() + LEASE_MS);
    expect(await renew("post", retakerHolds, later(LEASE_MS + 62_000))).toBe(true);

    await repos.prompts.recordDone([{ promptId, step: "post" }], later(LEASE_MS + 63_000));
    expect(await renew("post", later(2 * LEASE_MS + 62_000), later(LEASE_MS + 64_000))).toBe(false);
    expect((await repos.prompts.steps(promptId)).get("post")).toBe("done");
  });

  it("refuses a step that was never claimed", async () => {
    expect(await renew("close", later(LEASE_MS), later(1_000))).toBe(false);
  });

  it("renews many claims in one statement, leaving out the ones another worker holds", async () => {
    const [other] = await database.db.insert(prompts).values({ cohortId: (await repos.prompts.get(promptId))!.cohortId, localDate: "2026-10-02", questionId: "q", season: 1, postAt: claimedAt, answersCloseAt: later(3_600_000), reviewsCloseAt: later(7_200_000), createdAt: claimedAt }).returning();
    const claims = [{ promptId, step: "post" as const }, { promptId: other!.id, step: "post" as const }];
    expect(await repos.prompts.claimSteps(claims, claimedAt, LEASE_MS)).toEqual(new Map([[promptId, "fresh"], [other!.id, "fresh"]]));
    await repos.prompts.markMayHavePosted(claims);
    // Another worker retakes the second once its lease is over; the first is still this worker's.
    expect(await repos.prompts.claimSteps([claims[1]!], later(LEASE_MS + 1), LEASE_MS)).toEqual(new Map([[other!.id, "retaken"]]));
    expect(await repos.prompts.renewSteps(claims, later(LEASE_MS), later(LEASE_MS + 2), LEASE_MS)).toEqual(new Set([promptId]));
    expect(await repos.prompts.renewSteps([], later(LEASE_MS), later(LEASE_MS + 2), LEASE_MS)).toEqual(new Set());
  });

  it("retakes a step as fresh when its worker died before sending anything, and as retaken, for good, once it may have", async () => {
    const [other] = await database.db.insert(prompts).values({ cohortId: (await repos.prompts.get(promptId))!.cohortId, localDate: "2026-10-02", questionId: "q", season: 1, postAt: claimedAt, answersCloseAt: later(3_600_000), reviewsCloseAt: later(7_200_000), createdAt: claimedAt }).returning();
    const claims = [{ promptId, step: "post" as const }, { promptId: other!.id, step: "post" as const }];
    await repos.prompts.claimSteps(claims, claimedAt, LEASE_MS);
    // The worker got as far as the first post's attempt, then died.
    await repos.prompts.markMayHavePosted([claims[0]!]);
    expect(await repos.prompts.claimSteps(claims, later(LEASE_MS + 1), LEASE_MS)).toEqual(new Map([[promptId, "retaken"], [other!.id, "fresh"]]));
    // The retaker dies too, before sending either: the first may still have been sent by the first worker.
    expect(await repos.prompts.claimStep(promptId, "post", later(3 * LEASE_MS), LEASE_MS)).toBe("retaken");
    expect(await repos.prompts.claimStep(other!.id, "post", later(3 * LEASE_MS), LEASE_MS)).toBe("fresh");
  });
});
