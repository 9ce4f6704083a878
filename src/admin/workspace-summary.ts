import { type SQL, sql } from "drizzle-orm";
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

/** A page of workspaces in name order: after a name, optionally those whose name starts with `prefix`. */
export interface WorkspacePageQuery {
  limit: number;
  after?: string;
  prefix?: string;
}

/** The workspace named by name or id, with its balance and unexpired holds, in one query. */
export async function workspaceSummary(db: Database, nameOrId: string): Promise<WorkspaceSummary | undefined> {
  const [summary] = await summaries(db, sql`where w.name = ${nameOrId} or w.id = ${nameOrId}`);
  return summary;
}

/** Up to `limit + 1` workspaces (the extra one says there are more), in name order, each with its figures. */
export function workspacePage(db: Database, query: WorkspacePageQuery): Promise<WorkspaceSummary[]> {
  const conditions = [
    query.after === undefined ? undefined : sql`w.name > ${query.after}`,
    query.prefix === undefined ? undefined : sql`starts_with(w.name, ${query.prefix})`,
  ].filter((condition) => condition !== undefined);
  const where = conditions.length === 0 ? sql`` : sql`where ${sql.join(conditions, sql` and `)}`;
  // The database's collation, as the unique index on name has it, so a page is an index range.
  return summaries(db, sql`${where} order by w.name limit ${query.limit + 1}`);
}

/** Holds are summed per listed workspace (by its index), never over every workspace. */
async function summaries(db: Database, rest: SQL): Promise<WorkspaceSummary[]> {
  const rows = rowsOf<{ id: string; name: string; created_at: string | Date; balance: string | null; held: string }>(
    await db.execute(sql`
      select w.id, w.name, w.created_at, b.balance_nano::text as balance,
        (select coalesce(sum(h.amount_nano), 0) from credit_holds h where h.workspace_id = w.id and h.expires_at > now())::text as held
      from workspaces w
      left join billing_accounts b on b.workspace_id = w.id
      ${rest}`),
  );
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    createdAt: new Date(row.created_at),
    balance: row.balance === null ? null : BigInt(row.balance),
    held: BigInt(row.held),
  }));
}
