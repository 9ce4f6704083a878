import { desc, eq, sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { billingAccounts, ledgerEntries } from "../db/schema.ts";
import { UserError } from "../errors.ts";

/** A database or an open transaction: both run the same queries. */
type Executor = Pick<Database, "insert" | "select" | "update">;

/**
 * Appends a credit (top-up) and raises the balance by the same amount in the
 * caller's transaction, so the balance stays the sum of the ledger. Creates
 * the billing account if the workspace had none.
 */
export async function creditWorkspace(tx: Executor, workspaceId: string, amount: bigint, note: string | null) {
  if (amount <= 0n) throw new UserError("a credit must be a positive amount");
  const [entry] = await tx.insert(ledgerEntries).values({ workspaceId, amount, kind: "credit", note }).returning();
  const [account] = await tx
    .insert(billingAccounts)
    .values({ workspaceId, balance: amount })
    .onConflictDoUpdate({
      target: billingAccounts.workspaceId,
      set: { balance: sql`${billingAccounts.balance} + ${amount}` },
    })
    .returning();
  return { entry: entry!, balance: account!.balance };
}

export async function addCredit(db: Database, workspaceId: string, amount: bigint, note: string | null) {
  return db.transaction((tx) => creditWorkspace(tx, workspaceId, amount, note));
}

export function listLedger(db: Database, workspaceId: string, limit = 100) {
  return db
    .select()
    .from(ledgerEntries)
    .where(eq(ledgerEntries.workspaceId, workspaceId))
    .orderBy(desc(ledgerEntries.createdAt), desc(ledgerEntries.id))
    .limit(limit);
}
