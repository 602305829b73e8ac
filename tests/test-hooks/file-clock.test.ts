import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { fileClock, type FileClock } from "../../src/test-hooks/file-clock.ts";

describe("fileClock (the chaos suite's test hook)", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "file-clock-"));
  const file = path.join(dir, "now");
  let clock: FileClock | undefined;
  afterEach(() => clock?.stop());

  it("stands still at the file's instant and follows the file when the runner replaces it", async () => {
    writeFileSync(file, "2026-11-30T14:00:00.000Z");
    clock = fileClock(file);
    expect(clock.now().toISOString()).toBe("2026-11-30T14:00:00.000Z");
    const changed = new Promise<void>((resolve) => clock!.onChange(resolve));
    writeFileSync(`${file}.tmp`, "2026-11-30T22:00:00.000Z");
    renameSync(`${file}.tmp`, file);
    await changed;
    expect(clock.now().toISOString()).toBe("2026-11-30T22:00:00.000Z");
  });

  it("refuses a file that holds no instant", () => {
    writeFileSync(file, "tomorrow");
    expect(() => fileClock(file)).toThrow(/does not hold an ISO instant/);
    rmSync(dir, { recursive: true, force: true });
  });
});
