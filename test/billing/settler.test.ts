import { expect, test } from "bun:test";
import type { QueuedSettlement } from "../../src/billing/settler.ts";
import { Settler } from "../../src/billing/settler.ts";
import type { Database } from "../../src/db/client.ts";

const usage = { promptTokens: 1, completionTokens: 1, cachedTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };
const settlement = (i: number): QueuedSettlement => ({
  requestId: `req_${i}`,
  workspaceId: "ws",
  keyId: "key",
  modelId: "m",
  usage,
  cost: 1n,
  estimated: false,
  supplier: "s",
  status: "completed",
  durationMs: 1,
  ttfbMs: 1,
  holdId: "hold",
  holdUsed: 1n,
  periodStart: new Date(0),
  onWritten() {},
});

/** A database whose writes finish only when the test says, or fail. */
function slowDatabase() {
  const writes: { resolve(): void; reject(error: Error): void }[] = [];
  const db = {
    execute: () => new Promise<void>((resolve, reject) => writes.push({ resolve, reject })),
  } as unknown as Database;
  const started = async (n: number) => {
    while (writes.length < n) await Bun.sleep(1);
    return writes[n - 1]!;
  };
  return { db, started };
}

test("under a backlog of several batches, the lag counts from when the oldest unwritten settlement was queued", async () => {
  const { db, started } = slowDatabase();
  const settler = new Settler(db, 60_000);
  let n = 0;
  for (let i = 0; i < 1000; i++) settler.enqueue(settlement(n++)); // a full batch: written at once
  const first = await started(1);
  await Bun.sleep(30);
  // 1,001 more queue up behind the slow write: a full batch and one left over.
  const queuedFrom = performance.now();
  for (let i = 0; i < 1001; i++) settler.enqueue(settlement(n++));
  const queuedBy = performance.now();
  await Bun.sleep(30);
  first.resolve();
  const second = await started(2);
  await Bun.sleep(30);
  // A failed attempt at the second batch: it goes back to the front of the queue.
  second.reject(new Error("database unreachable"));
  const retry = await started(3);
  await Bun.sleep(30);
  retry.resolve();
  await started(4); // the one left over, queued with the second batch

  const now = performance.now();
  const { depth, oldestAgeMs } = settler.backlog(now);
  expect(depth).toBe(1);
  expect(oldestAgeMs).toBeGreaterThanOrEqual(now - queuedBy);
  expect(oldestAgeMs).toBeLessThanOrEqual(now - queuedFrom);
  // Still waiting: the lag keeps growing.
  await Bun.sleep(20);
  expect(settler.backlog().oldestAgeMs).toBeGreaterThanOrEqual(oldestAgeMs + 20);
});
