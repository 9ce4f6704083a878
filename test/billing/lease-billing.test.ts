import { afterAll, expect, test } from "bun:test";
import type { AdmissionRequest } from "../../src/billing/billing.ts";
import { LeaseBilling } from "../../src/billing/lease-billing.ts";
import type { CatalogModel } from "../../src/catalog/model.ts";
import { testDatabase } from "../support/database.ts";
import { newTenant } from "../support/gateway.ts";

// LeaseBilling against the real database, driven directly to reach the
// interleavings that HTTP timing makes rare.
const { db } = await testDatabase();
const billing = new LeaseBilling(db, { leaseTtlSeconds: 30, settleIntervalMs: 5 });
afterAll(() => billing.stop());

const model: CatalogModel = {
  id: "google/gemini-3-flash",
  provider: "google",
  upstreamModel: "gemini-3-flash",
  kind: "chat",
  // $1 per 1M input tokens: 1,000 input tokens reserve 1,000,000 nano-USD.
  prices: { input: 1_000_000_000n, output: 0n, cacheRead: null, cacheWrite: null },
  supportsTools: true,
  supportsReasoning: true,
  supportsCaching: true,
  supportsStreaming: true,
  maxOutputTokens: 1000,
  enabled: true,
};

test("requests admitted from memory while a lease grows do not turn a waiting request into a false 402", async () => {
  // E = one small request's reservation (1,000,000 nano-USD); the balance is 1,000 E.
  const { workspace, keyRow } = await newTenant(1_000_000_000n);
  const principal = { keyId: keyRow.id, workspaceId: workspace.id, spendLimit: null, limitReset: null };
  const request = (inputTokens: number, n: number): AdmissionRequest => ({
    requestId: `req_lease_${workspace.id}_${n}`,
    principal,
    model,
    worstCase: { inputTokens, outputTokens: 0 },
  });

  // The first admission gets a quarter of the free credit: a lease of 250 E, 249 E left after it.
  const first = await billing.admit(request(1_000, 0));
  // A 300 E request must grow the lease (by at most a quarter of the 750 E still free); while that round
  // trip is in flight, 249 small requests drain the lease from memory, so the grant alone no longer covers it.
  const large = billing.admit(request(300_000, 1));
  const small = await Promise.all(Array.from({ length: 249 }, (_, i) => billing.admit(request(1_000, i + 2))));
  const admitted = await large;

  for (const reservation of [first, admitted, ...small]) reservation.release();
  expect(billing.inFlight()).toBe(0);
});

test("a settlement with malformed token counts releases the hold instead of stranding it", async () => {
  const { workspace, keyRow } = await newTenant(1_000_000_000n);
  const principal = { keyId: keyRow.id, workspaceId: workspace.id, spendLimit: null, limitReset: null };
  const reservation = await billing.admit({ requestId: `req_bad_${workspace.id}`, principal, model, worstCase: { inputTokens: 10, outputTokens: 0 } });
  const malformed = { promptTokens: 1.5, completionTokens: 0, cachedTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };
  expect(() => reservation.settle(malformed, false)).toThrow();
  expect(billing.inFlight()).toBe(0);
});
