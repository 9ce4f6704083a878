import { desc, eq, sql } from "drizzle-orm";
import { openHolds } from "../../src/billing/hold-store.ts";
import type { Database } from "../../src/db/client.ts";
import { billingAccounts, ledgerEntries, usageRecords } from "../../src/db/schema.ts";

/** A workspace's money as the database holds it: balance, ledger, usage records and open holds. */
export async function accountState(db: Database, workspaceId: string) {
  const [account] = await db.select().from(billingAccounts).where(eq(billingAccounts.workspaceId, workspaceId));
  const [sum] = await db
    .select({ total: sql<string>`coalesce(sum(${ledgerEntries.amount}), 0)::text` })
    .from(ledgerEntries)
    .where(eq(ledgerEntries.workspaceId, workspaceId));
  const debits = await db
    .select()
    .from(ledgerEntries)
    .where(sql`${ledgerEntries.workspaceId} = ${workspaceId} and ${ledgerEntries.kind} = 'debit'`)
    .orderBy(desc(ledgerEntries.id));
  const records = await db
    .select()
    .from(usageRecords)
    .where(eq(usageRecords.workspaceId, workspaceId))
    .orderBy(desc(usageRecords.id));
  return {
    balance: account?.balance,
    ledgerSum: BigInt(sum!.total),
    debits,
    records,
    holds: await openHolds(db, workspaceId),
  };
}
