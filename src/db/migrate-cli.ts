import { existsSync } from "node:fs";
import { ConfigError, loadConfig } from "../config.ts";
import { openDatabase } from "./client.ts";
import { DataDirLockedError } from "./data-dir-lock.ts";

/** `npm run db:migrate`: applies migrations/ to the configured database, then exits. */
if (existsSync(".env")) process.loadEnvFile(".env");
try {
  const config = loadConfig();
  const database = await openDatabase(config.database);
  await database.whileStarting(() => database.migrate());
  await database.close();
  console.log(`migrations applied (${database.kind})`);
} catch (error) {
  if (error instanceof ConfigError) console.error(`Invalid configuration: ${error.message}`);
  else if (error instanceof DataDirLockedError) console.error(`Cannot migrate: ${error.message}`);
  else console.error(error);
  process.exitCode = 1;
}
