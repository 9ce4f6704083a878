import { expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { extendHold } from "../../src/billing/hold-store.ts";
import { type Settlement, writeSettlements } from "../../src/billing/settlement-writer.ts";
import { creditHolds } from "../../src/db/schema.ts";
import { testDatabase } from "../support/database.ts";
import { newTenant } from "../support/gateway.ts";
import { accountState } from "../support/ledger.ts";

const usage = { promptTokens: 10, completionTokens: 5, cachedTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };

test("settlement is idempotent by request id: a batch written twice bills once", async () => {
  const { db } = await testDatabase();
  const { workspace, keyRow } = await newTenant(1_000_000n);
  const batch: Settlement[] = ["a", "b"].map((suffix) => ({
    requestId: `req_${workspace.id}_${suffix}`,
    workspaceId: workspace.id,
    keyId: keyRow.id,
    modelId: "google/gemini-3-flash",
    usage,
    cost: 20_000n,
    estimated: false,
    supplier: "google",
    status: "completed",
    durationMs: 10,
    ttfbMs: 5,
    holdId: "hold_none",
    holdUsed: 20_000n,
    periodStart: new Date(0),
  }));

  await writeSettlements(db, batch);
  // The same batch again, as after a commit whose acknowledgement was lost, plus one new request.
  await writeSettlements(db, [...batch, { ...batch[0]!, requestId: `req_${workspace.id}_c` }]);

  const state = await accountState(db, workspace.id);
  expect(state.records).toHaveLength(3);
  expect(state.debits).toHaveLength(3);
  expect(state.balance).toBe(1_000_000n - 60_000n);
  expect(state.ledgerSum).toBe(state.balance!);
});

test("settlement shrinks the hold by what each request used of it, once, and records how it was served", async () => {
  const { db } = await testDatabase();
  const { workspace, keyRow } = await newTenant(1_000_000n);
  const holdId = `hold_${workspace.id}`;
  const periodStart = new Date(0);
  const hold = { holdId, workspaceId: workspace.id, keyId: keyRow.id, spendLimit: null, periodStart, ttlSeconds: 60 };
  expect(await extendHold(db, { ...hold, minimum: 1n, need: 500_000n, target: 500_000n })).toMatchObject({ kind: "ok", granted: 500_000n });
  const holdAmount = async () => (await db.select().from(creditHolds).where(eq(creditHolds.id, holdId)))[0]!.amount;
  const settlement = (suffix: string, cost: bigint, holdUsed: bigint, served: Partial<Settlement> = {}): Settlement => ({
    requestId: `req_${workspace.id}_${suffix}`,
    workspaceId: workspace.id,
    keyId: keyRow.id,
    modelId: "google/gemini-3-flash",
    usage,
    cost,
    estimated: false,
    supplier: "google",
    status: "completed",
    durationMs: 10,
    ttfbMs: 5,
    holdId,
    holdUsed,
    periodStart,
    ...served,
  });
  // b cost more than its estimate: the hold covered 15,000 of its 20,000.
  const batch = [
    settlement("a", 30_000n, 30_000n, { supplier: "fo-a", status: "incomplete", durationMs: 1234.4, ttfbMs: 56.6 }),
    settlement("b", 20_000n, 15_000n),
  ];

  await writeSettlements(db, batch);
  let state = await accountState(db, workspace.id);
  expect(await holdAmount()).toBe(500_000n - 45_000n);
  expect(state.balance).toBe(1_000_000n - 50_000n);
  // Available credit moved only by the 5,000 the hold did not cover.
  expect(state.balance! - state.holds).toBe(1_000_000n - 500_000n - 5_000n);
  const a = state.records.find((record) => record.requestId === batch[0]!.requestId)!;
  expect({ supplier: a.supplier, status: a.status, durationMs: a.durationMs, ttfbMs: a.ttfbMs }).toEqual({
    supplier: "fo-a",
    status: "incomplete",
    durationMs: 1234,
    ttfbMs: 57,
  });

  // Written again (a lost acknowledgement): nothing moves.
  await writeSettlements(db, batch);
  expect(await holdAmount()).toBe(500_000n - 45_000n);
  expect((await accountState(db, workspace.id)).balance).toBe(1_000_000n - 50_000n);

  // Again alongside a new request: only the new one shrinks the hold.
  await writeSettlements(db, [...batch, settlement("c", 1_000n, 1_000n)]);
  state = await accountState(db, workspace.id);
  expect(await holdAmount()).toBe(500_000n - 46_000n);
  expect(state.balance).toBe(1_000_000n - 51_000n);
  expect(state.records).toHaveLength(3);
  expect(state.ledgerSum).toBe(state.balance!);
});
