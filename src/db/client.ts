import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { embeddedMigrations } from "./migrations.ts";
import { loadPgliteAssets } from "./pglite-assets.ts";
import { lockDataDir } from "./pglite-lock.ts";
import * as schema from "./schema.ts";

export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface DatabaseHandle {
  db: Database;
  kind: "postgres" | "pglite";
  /** Applies pending embedded migrations; a no-op when there are none. */
  migrate(): Promise<void>;
  close(): Promise<void>;
}

/** Drizzle's migrators read files from disk; this feeds its runner the embedded ones instead. */
function applyMigrations(db: unknown): Promise<void> {
  // `dialect` and `session` are drizzle internals, typed as such, that its own migrators use.
  const { dialect, session } = db as { dialect: { migrate(m: unknown, s: unknown, c: object): Promise<void> }; session: unknown };
  return dialect.migrate(embeddedMigrations, session, {});
}

// Any constant works; it only has to be the same in every gateway process.
const MIGRATION_LOCK_ID = 7_204_117_301;
const silent = () => {};

/** PostgreSQL through postgres.js (`DATABASE_URL`). */
export function openPostgres(url: string, poolSize = 10): DatabaseHandle {
  const client = postgres(url, { max: poolSize, onnotice: silent });
  return {
    db: drizzlePostgres(client, { schema }),
    kind: "postgres",
    async migrate() {
      // Several gateway processes may start together: one migrates, the rest wait.
      const lockClient = postgres(url, { max: 1, onnotice: silent });
      try {
        await lockClient`select pg_advisory_lock(${MIGRATION_LOCK_ID})`;
        await applyMigrations(drizzlePostgres(lockClient, { schema }));
        await lockClient`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`;
      } finally {
        await lockClient.end();
      }
    },
    close: () => client.end(),
  };
}

/** Embedded PostgreSQL (PGlite): on disk under `dataDir`, or in memory for `memory://`. */
export async function openPglite(dataDir: string): Promise<DatabaseHandle> {
  const inMemory = dataDir.startsWith("memory://");
  const path = inMemory ? dataDir : resolve(dataDir, "pgdata");
  if (!inMemory) mkdirSync(path, { recursive: true });
  const unlock = inMemory ? () => {} : lockDataDir(path);
  const client = await PGlite.create({ dataDir: path, ...(await loadPgliteAssets()) }).catch((error) => {
    unlock();
    throw error;
  });
  const db = drizzlePglite(client, { schema });
  return {
    db,
    kind: "pglite",
    migrate: () => applyMigrations(db),
    async close() {
      await client.close();
      unlock();
    },
  };
}

export function openDatabase(config: { databaseUrl: string | undefined; dataDir: string }) {
  return config.databaseUrl ? Promise.resolve(openPostgres(config.databaseUrl)) : openPglite(config.dataDir);
}
