import { sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { rowsOf } from "../db/rows.ts";

/** A workspace's money: the balance (= its ledger's sum), what requests in flight hold, what is free. */
export interface WorkspaceSummary {
  id: string;
  name: string;
  createdAt: Date;
  /** Null: no billing account. */
  balance: bigint | null;
  held: bigint;
}

/** Every workspace (or the one named by name or id), with balances and unexpired holds, in one query. */
export async function workspaceSummaries(db: Database, nameOrId?: string): Promise<WorkspaceSummary[]> {
  const rows = rowsOf<{ id: string; name: string; created_at: string | Date; balance: string | null; held: string }>(
    await db.execute(sql`
      select w.id, w.name, w.created_at, b.balance_nano::text as balance, coalesce(h.held, 0)::text as held
      from workspaces w
      left join billing_accounts b on b.workspace_id = w.id
      left join (
        select workspace_id, sum(amount_nano) as held from credit_holds where expires_at > now() group by workspace_id
      ) h on h.workspace_id = w.id
      ${nameOrId === undefined ? sql`` : sql`where w.name = ${nameOrId} or w.id = ${nameOrId}`}
      order by w.created_at, w.id`),
  );
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    createdAt: new Date(row.created_at),
    balance: row.balance === null ? null : BigInt(row.balance),
    held: BigInt(row.held),
  }));
}
