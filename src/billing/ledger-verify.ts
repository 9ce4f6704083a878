import { sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { rowsOf } from "../db/rows.ts";

export interface LedgerMismatch {
  workspaceId: string;
  name: string;
  problem: string;
}

/**
 * Checks every workspace: its balance equals the sum of its ledger, and
 * every usage record has exactly one debit of its cost. Returns what is wrong.
 */
export async function verifyLedgers(db: Database): Promise<{ workspaces: number; mismatches: LedgerMismatch[] }> {
  const balances = rowsOf<{ workspace_id: string; name: string; balance: string | null; ledger: string }>(
    await db.execute(sql`
      select w.id as workspace_id, w.name, b.balance_nano::text as balance,
             coalesce((select sum(l.amount_nano) from ledger_entries l where l.workspace_id = w.id), 0)::text as ledger
      from workspaces w left join billing_accounts b on b.workspace_id = w.id
      order by w.name`),
  );
  const unmatched = rowsOf<{ workspace_id: string; name: string; request_id: string }>(
    await db.execute(sql`
      select u.workspace_id, w.name, u.request_id
      from usage_records u join workspaces w on w.id = u.workspace_id
      left join ledger_entries l on l.request_id = u.request_id and l.amount_nano = -u.cost_nano and l.workspace_id = u.workspace_id
      where l.id is null`),
  );
  const mismatches: LedgerMismatch[] = [];
  for (const row of balances) {
    const balance = BigInt(row.balance ?? "0");
    if (balance !== BigInt(row.ledger)) {
      mismatches.push({ workspaceId: row.workspace_id, name: row.name, problem: `balance ${balance} nano-USD ≠ ledger sum ${row.ledger}` });
    }
  }
  for (const row of unmatched) {
    mismatches.push({ workspaceId: row.workspace_id, name: row.name, problem: `usage record ${row.request_id} has no matching debit` });
  }
  return { workspaces: balances.length, mismatches };
}
