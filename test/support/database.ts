import { type DatabaseHandle, openPglite, openPostgres } from "../../src/db/client.ts";

let shared: Promise<DatabaseHandle> | undefined;

/**
 * The database the tests run on: PostgreSQL from DATABASE_URL (CI starts
 * one), else an in-memory PGlite. Migrated once and shared by every test;
 * tests isolate themselves by creating their own workspaces.
 */
export function testDatabase(): Promise<DatabaseHandle> {
  shared ??= (async () => {
    const url = process.env.DATABASE_URL;
    const handle = url ? openPostgres(url, 20) : await openPglite("memory://");
    await handle.migrate();
    return handle;
  })();
  return shared;
}
