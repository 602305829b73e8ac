import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    setupFiles: ["tests/support/generous-waits.ts"],
    expect: { poll: { timeout: 60_000 } },
    // PGlite boots in ~3 s per file (over 20 s seen with eight engineers' suites on two
    // cores) and the real-server suites create a database each. Tests wait for events,
    // never for time; these limits only stop a hung test, so they are generous.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Two cores: more workers only thrash PGlite's wasm boot.
    maxWorkers: 2,
  },
});
