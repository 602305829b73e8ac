import { existsSync } from "node:fs";
import { ConfigError, loadConfig } from "../config.ts";
import { openDatabase } from "./client.ts";

/** `npm run db:migrate`: applies migrations/ to the configured database, then exits. */
if (existsSync(".env")) process.loadEnvFile(".env");
try {
  const config = loadConfig();
  const database = await openDatabase(config.database);
  await database.migrate();
  await database.close();
  console.log(`migrations applied (${database.kind})`);
} catch (error) {
  console.error(error instanceof ConfigError ? `Invalid configuration: ${error.message}` : error);
  process.exitCode = 1;
}
