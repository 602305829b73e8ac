import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";
import { repoRoot } from "./support/process.ts";

const eslint = new ESLint({ cwd: repoRoot });
const lintAs = async (file: string, code: string) => (await eslint.lintText(code, { filePath: file }))[0]!.messages.map((m) => m.message);

describe("the core's boundary", () => {
  it.each([
    ['import { App } from "@slack/bolt";', "chat platform"],
    ['import { Client } from "discord.js";', "chat platform"],
    ['import { eq } from "drizzle-orm";', "storage"],
    ['import postgres from "postgres";', "storage"],
    ['import { answers } from "../db/schema.ts";', "adapters"],
  ])("rejects %s inside src/core", async (code, reason) => {
    const messages = await lintAs("src/core/answers/example.ts", `${code}\nexport const x = 1;\n`);
    expect(messages.join("\n")).toContain(reason);
  });

  it("allows the same imports in an adapter", async () => {
    expect(await lintAs("src/slack/example.ts", 'import { App } from "@slack/bolt";\nexport const x = App;\n')).toEqual([]);
  });
});
