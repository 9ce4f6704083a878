import { sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { rowsOf } from "../db/rows.ts";
import type { TokenUsage } from "../providers/types.ts";

/** One finished request, ready to be written. */
export interface Settlement {
  requestId: string;
  workspaceId: string;
  keyId: string;
  modelId: string;
  usage: TokenUsage;
  cost: bigint;
  estimated: boolean;
  supplier: string;
  /** The hold the request was admitted against, and how much of it the cost used up. */
  holdId: string;
  holdUsed: bigint;
  /** The key's spend-limit period at admission. */
  periodStart: Date;
}

/**
 * Writes a batch of settlements in one transaction: a usage record and a
 * ledger debit per request, the balances and the keys' period spend (one
 * statement), then the holds shrunk by what the debits now account for, so
 * a workspace's available credit does not move at settlement.
 *
 * Idempotent by request id: a request already recorded (a retried batch
 * whose first commit succeeded unseen) changes nothing the second time.
 *
 * Lock order is account rows (sorted), then holds (sorted): the order of a
 * lease extension and of hold renewal (hold-store.ts), so they cannot
 * deadlock each other, in any number of processes.
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
    hold_id: s.holdId,
    hold_used: s.holdUsed.toString(),
    period_start: s.periodStart.toISOString(),
  }));
  const json = JSON.stringify(rows);
  const workspaceIds = [...new Set(batch.map((s) => s.workspaceId))].sort();
  await db.transaction(async (tx) => {
    await tx.execute(sql`
      select 1 from billing_accounts
      where workspace_id in (select value from jsonb_array_elements_text(${JSON.stringify(workspaceIds)}::jsonb))
      order by workspace_id for update`);
    const settled = rowsOf<{ hold_id: string; used: string }>(
      await tx.execute(sql`
        with batch as (
          select * from jsonb_to_recordset(${json}::jsonb) as b(
            request_id text, workspace_id text, api_key_id text, model_id text,
            prompt_tokens int, completion_tokens int, cached_tokens int, cache_write_tokens int, reasoning_tokens int,
            cost_nano bigint, estimated boolean, supplier text, hold_id text, hold_used bigint, period_start timestamptz)
        ), inserted as (
          insert into usage_records (request_id, workspace_id, api_key_id, model_id, prompt_tokens, completion_tokens,
                                     cached_tokens, cache_write_tokens, reasoning_tokens, cost_nano, estimated, supplier)
          select request_id, workspace_id, api_key_id, model_id, prompt_tokens, completion_tokens,
                 cached_tokens, cache_write_tokens, reasoning_tokens, cost_nano, estimated, supplier
          from batch
          on conflict (request_id) do nothing
          returning request_id
        ), fresh as (
          select batch.* from batch join inserted using (request_id)
        ), debits as (
          insert into ledger_entries (workspace_id, amount_nano, kind, request_id, note)
          select workspace_id, -cost_nano, 'debit', request_id, model_id from fresh
        ), balances as (
          update billing_accounts as a set balance_nano = a.balance_nano - f.total
          from (select workspace_id, sum(cost_nano) as total from fresh group by workspace_id) as f
          where a.workspace_id = f.workspace_id
        ), spend as (
          insert into key_spend (api_key_id, period_start, spent_nano)
          select api_key_id, period_start, sum(cost_nano) from fresh group by api_key_id, period_start
          on conflict (api_key_id, period_start) do update set spent_nano = key_spend.spent_nano + excluded.spent_nano
        )
        select hold_id, sum(hold_used)::text as used from fresh group by hold_id`),
    );
    if (settled.length === 0) return;
    await tx.execute(sql`
      with used as (
        select * from jsonb_to_recordset(${JSON.stringify(settled)}::jsonb) as v(hold_id text, used bigint)
      ), locked as (
        select id from credit_holds where id in (select hold_id from used) order by id for update
      )
      update credit_holds as h set amount_nano = greatest(0, h.amount_nano - used.used)
      from locked join used on used.hold_id = locked.id
      where h.id = locked.id`);
  });
}
