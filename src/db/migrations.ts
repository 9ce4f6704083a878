import type { MigrationMeta } from "drizzle-orm/migrator";
import journal from "../../drizzle/meta/_journal.json";
// Embedded as text so the compiled binary carries its migrations; drizzle's
// file-based reader cannot see inside the binary. One import per journal entry.
import m0000 from "../../drizzle/0000_init.sql" with { type: "text" };
import m0001 from "../../drizzle/0001_seed_catalog_and_append_only.sql" with { type: "text" };
import m0002 from "../../drizzle/0002_billing_holds_and_key_spend.sql" with { type: "text" };
import m0003 from "../../drizzle/0003_extend_credit_hold_function.sql" with { type: "text" };
import m0004 from "../../drizzle/0004_suppliers.sql" with { type: "text" };
import m0005 from "../../drizzle/0005_settle_batch_function.sql" with { type: "text" };
import m0006 from "../../drizzle/0006_admin_api.sql" with { type: "text" };
import m0007 from "../../drizzle/0007_responses.sql" with { type: "text" };
import m0008 from "../../drizzle/0008_console.sql" with { type: "text" };
import m0009 from "../../drizzle/0009_ledger_write_indexes.sql" with { type: "text" };

const sqlByTag: Record<string, string> = {
  "0000_init": m0000,
  "0001_seed_catalog_and_append_only": m0001,
  "0002_billing_holds_and_key_spend": m0002,
  "0003_extend_credit_hold_function": m0003,
  "0004_suppliers": m0004,
  "0005_settle_batch_function": m0005,
  "0006_admin_api": m0006,
  "0007_responses": m0007,
  "0008_console": m0008,
  "0009_ledger_write_indexes": m0009,
};

/** The journal's migrations in drizzle's own format (same split and hash as its file reader). */
export const embeddedMigrations: MigrationMeta[] = journal.entries.map((entry) => {
  const query = sqlByTag[entry.tag];
  if (query === undefined) throw new Error(`migration ${entry.tag} is in the journal but not embedded in src/db/migrations.ts`);
  return {
    sql: query.split("--> statement-breakpoint"),
    bps: entry.breakpoints,
    folderMillis: entry.when,
    hash: new Bun.CryptoHasher("sha256").update(query).digest("hex"),
  };
});

export const embeddedMigrationTags = Object.keys(sqlByTag);
