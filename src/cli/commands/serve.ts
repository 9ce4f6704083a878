import { openDatabase } from "../../db/client.ts";
import { createGateway } from "../../gateway.ts";
import type { Command } from "../command.ts";
import { execWithFetchLimit } from "../fetch-limit.ts";
import { startupWarnings } from "../startup-warnings.ts";

export const serve: Command = {
  name: "serve",
  usage: "serve",
  summary: "Run the gateway (the default command); PORT and HOST choose the address",
  async run(_args, { config, print }) {
    execWithFetchLimit();
    const database = await openDatabase(config);
    const gateway = await createGateway(config, database);
    const server = gateway.listen();
    const store = database.kind === "postgres" ? "PostgreSQL" : `embedded PGlite in ${config.dataDir}`;
    for (const warning of startupWarnings(config)) console.warn(`warning: ${warning}`);
    const listening = `OpenToken listening on http://${server.hostname}:${server.port} (database: ${store}; docs: /docs)`;
    // With LOG_FORMAT=json stdout carries only JSON lines (the access log), so a log shipper can parse all of it.
    print(config.logFormat === "json" ? JSON.stringify({ time: new Date().toISOString(), level: "info", message: listening }) : listening);

    const shutdown = async () => {
      await gateway.stop();
      await database.close();
      process.exit(0);
    };
    process.once("SIGINT", shutdown);
    process.once("SIGTERM", shutdown);
  },
};

export const migrate: Command = {
  name: "migrate",
  usage: "migrate",
  summary: "Apply pending database migrations (serve also does this at start-up)",
  async run(_args, { withDatabase, print }) {
    await withDatabase(async () => {});
    print("database is up to date");
  },
};
