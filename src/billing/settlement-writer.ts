import { sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import type { TokenUsage } from "../providers/types.ts";
import type { SettleDetails } from "./billing.ts";

/** One finished request, ready to be written. */
export interface Settlement extends SettleDetails {
  requestId: string;
  workspaceId: string;
  keyId: string;
  modelId: string;
  usage: TokenUsage;
  cost: bigint;
  /** The hold the request was admitted against, and how much of it the cost used up. */
  holdId: string;
  holdUsed: bigint;
  /** The key's spend-limit period at admission. */
  periodStart: Date;
}

/**
 * Writes a batch of settlements in one call of the `settle_batch` SQL
 * function (migration 0005): a usage record and a ledger debit per request,
 * the balances and the keys' period spend, then the holds shrunk by what the
 * debits now account for, so a workspace's available credit does not move at
 * settlement. Atomic (one statement), idempotent by request id, and locking
 * account rows then holds in sorted order like every other writer of them.
 */
export async function writeSettlements(db: Database, batch: Settlement[]) {
  const rows = batch.map((s) => ({
    request_id: s.requestId,
    workspace_id: s.workspaceId,
    api_key_id: s.keyId,
    model_id: s.modelId,
    prompt_tokens: s.usage.promptTokens,
    completion_tokens: s.usage.completionTokens,
    cached_tokens: s.usage.cachedTokens,
    cache_write_tokens: s.usage.cacheWriteTokens,
    reasoning_tokens: s.usage.reasoningTokens,
    // bigint amounts travel as JSON strings; jsonb_to_recordset casts them exactly.
    cost_nano: s.cost.toString(),
    estimated: s.estimated,
    supplier: s.supplier,
    status: s.status,
    duration_ms: Math.round(s.durationMs),
    ttfb_ms: Math.round(s.ttfbMs),
    hold_id: s.holdId,
    hold_used: s.holdUsed.toString(),
    period_start: s.periodStart.toISOString(),
  }));
  await db.execute(sql`select settle_batch(${JSON.stringify(rows)}::jsonb)`);
}
