// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "data/", "migrations/", "bench/results/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  {
    // The core is the product; platforms and storage plug into it through ports.
    files: ["src/core/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["@slack/*", "discord.js", "@discordjs/*"], message: "src/core must not import a chat platform; add a port." },
            { group: ["drizzle-orm", "drizzle-orm/*", "postgres", "@electric-sql/*"], message: "src/core must not import storage; add a repository port." },
            { group: ["**/db/**", "**/slack/**", "**/discord/**", "**/http/**"], message: "src/core must not import adapters; depend on a port instead." },
          ],
        },
      ],
    },
  },
);
