import { expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { resolve } from "node:path";
import { sql } from "drizzle-orm";
import { embeddedMigrationTags } from "../../src/db/migrations.ts";
import { rowsOf } from "../../src/db/rows.ts";
import { addCredit } from "../../src/billing/ledger.ts";
import { writeSettlements } from "../../src/billing/settlement-writer.ts";
import { newTenant } from "../support/gateway.ts";
import { testDatabase } from "../support/database.ts";

const rows = (result: unknown): any[] => rowsOf(result);

test("every SQL file in drizzle/ is embedded in the binary's migration list", () => {
  const files = readdirSync(resolve(import.meta.dir, "../../drizzle"))
    .filter((f) => f.endsWith(".sql"))
    .map((f) => f.replace(/\.sql$/, ""));
  expect(embeddedMigrationTags.sort()).toEqual(files.sort());
});

test("applying the migrations again is a no-op", async () => {
  const database = await testDatabase();
  const count = async () => {
    const [applied] = rows(await database.db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`));
    const [models] = rows(await database.db.execute(sql`select count(*)::int as n from models`));
    return { applied: applied.n, models: models.n };
  };
  const before = await count();
  await database.migrate();
  await database.migrate();
  expect(await count()).toEqual(before);
  expect(before.applied).toBe(embeddedMigrationTags.length);
  expect(before.models).toBe(10);
});

test("ledger entries and usage records reject UPDATE and DELETE", async () => {
  const { db } = await testDatabase();
  const { workspace, keyRow } = await newTenant(5_000_000_000n);
  await addCredit(db, workspace.id, 1n, "test");
  await writeSettlements(db, [
    {
      requestId: `req_${workspace.id}`,
      workspaceId: workspace.id,
      keyId: keyRow.id,
      modelId: "google/gemini-3-flash",
      usage: { promptTokens: 1, completionTokens: 1, cachedTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 },
      cost: 4n,
      estimated: false,
      supplier: "google",
      status: "completed",
      durationMs: 10,
      ttfbMs: 5,
      holdId: "hold_none",
      holdUsed: 0n,
      periodStart: new Date(0),
    },
  ]);
  for (const statement of [
    sql`update ledger_entries set amount_nano = 1 where workspace_id = ${workspace.id}`,
    sql`delete from ledger_entries where workspace_id = ${workspace.id}`,
    sql`truncate ledger_entries`,
    sql`update usage_records set cost_nano = 0 where workspace_id = ${workspace.id}`,
    sql`delete from usage_records where workspace_id = ${workspace.id}`,
    sql`truncate usage_records`,
  ]) {
    const error = await db.execute(statement).then(
      () => undefined,
      (e) => e,
    );
    expect(String(error?.cause ?? error)).toContain("append-only");
  }
});

test("a workspace balance equals the sum of its ledger", async () => {
  const { db } = await testDatabase();
  const { workspace } = await newTenant(1_500_000_000n);
  await addCredit(db, workspace.id, 250_000_001n, "top-up");
  const [check] = rows(
    await db.execute(sql`
      select b.balance_nano::text as balance, (select sum(amount_nano) from ledger_entries l where l.workspace_id = b.workspace_id)::text as ledger
      from billing_accounts b where b.workspace_id = ${workspace.id}`),
  );
  expect(check).toEqual({ balance: "1750000001", ledger: "1750000001" });
});
