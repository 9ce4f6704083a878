import { expect, test } from "bun:test";
import { type Settlement, writeSettlements } from "../../src/billing/settlement-writer.ts";
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
