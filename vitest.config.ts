import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    // PGlite boots in ~3 s per file and the real-server suites create a database each.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: more workers only thrash PGlite's wasm boot.
    maxWorkers: 2,
  },
});
