import { asc, inArray, sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { billingAccounts, ledgerEntries, usageRecords } from "../db/schema.ts";
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
  /** The hold the request was admitted against, and how much of it the cost used up. */
  holdId: string;
  holdUsed: bigint;
  /** The key's spend-limit period at admission. */
  periodStart: Date;
}

/**
 * Writes a batch of settlements in one transaction: a usage record and a
 * ledger debit per request, the balances, the keys' period spend, and the
 * holds shrunk by what the debits now account for (so a workspace's
 * available credit does not move at settlement).
 *
 * Idempotent by request id: a request already recorded (a retried batch
 * whose first commit succeeded unseen) changes nothing the second time.
 */
export async function writeSettlements(db: Database, batch: Settlement[]) {
  await db.transaction(async (tx) => {
    const inserted = await tx
      .insert(usageRecords)
      .values(
        batch.map((s) => ({
          requestId: s.requestId,
          workspaceId: s.workspaceId,
          apiKeyId: s.keyId,
          modelId: s.modelId,
          promptTokens: s.usage.promptTokens,
          completionTokens: s.usage.completionTokens,
          cachedTokens: s.usage.cachedTokens,
          cacheWriteTokens: s.usage.cacheWriteTokens,
          reasoningTokens: s.usage.reasoningTokens,
          cost: s.cost,
          estimated: s.estimated,
        })),
      )
      .onConflictDoNothing({ target: usageRecords.requestId })
      .returning({ requestId: usageRecords.requestId });
    const fresh = new Set(inserted.map((row) => row.requestId));
    const settled = batch.filter((s) => fresh.has(s.requestId));
    if (settled.length === 0) return;

    await tx.insert(ledgerEntries).values(
      settled.map((s) => ({ workspaceId: s.workspaceId, amount: -s.cost, kind: "debit" as const, requestId: s.requestId, note: s.modelId })),
    );

    const byWorkspace = sumBy(settled, (s) => s.workspaceId, (s) => s.cost);
    // Row locks in one fixed order: two processes settling the same workspaces cannot deadlock.
    await tx
      .select({ id: billingAccounts.workspaceId })
      .from(billingAccounts)
      .where(inArray(billingAccounts.workspaceId, [...byWorkspace.keys()]))
      .orderBy(asc(billingAccounts.workspaceId))
      .for("update");
    await tx.execute(sql`
      update billing_accounts as b set balance_nano = b.balance_nano - v.amount
      from jsonb_to_recordset(${toJson(byWorkspace, "workspace_id")}::jsonb) as v(workspace_id text, amount bigint)
      where b.workspace_id = v.workspace_id`);

    const byKeyPeriod = sumBy(settled, (s) => `${s.keyId} ${s.periodStart.toISOString()}`, (s) => s.cost);
    const spend = [...byKeyPeriod].map(([keyPeriod, amount]) => {
      const [keyId, period] = keyPeriod.split(" ");
      return { api_key_id: keyId, period_start: period, amount: amount.toString() };
    });
    await tx.execute(sql`
      insert into key_spend (api_key_id, period_start, spent_nano)
      select api_key_id, period_start, amount
      from jsonb_to_recordset(${JSON.stringify(spend)}::jsonb) as v(api_key_id text, period_start timestamptz, amount bigint)
      on conflict (api_key_id, period_start) do update set spent_nano = key_spend.spent_nano + excluded.spent_nano`);

    const byHold = sumBy(settled, (s) => s.holdId, (s) => s.holdUsed);
    await tx.execute(sql`
      update credit_holds as h set amount_nano = greatest(0, h.amount_nano - v.amount)
      from jsonb_to_recordset(${toJson(byHold, "id")}::jsonb) as v(id text, amount bigint)
      where h.id = v.id`);
  });
}

function sumBy<T>(items: T[], key: (item: T) => string, amount: (item: T) => bigint): Map<string, bigint> {
  const sums = new Map<string, bigint>();
  for (const item of items) sums.set(key(item), (sums.get(key(item)) ?? 0n) + amount(item));
  return sums;
}

/** bigint amounts travel as JSON strings; jsonb_to_recordset casts them exactly. */
function toJson(sums: Map<string, bigint>, keyName: string): string {
  return JSON.stringify([...sums].map(([key, amount]) => ({ [keyName]: key, amount: amount.toString() })));
}
