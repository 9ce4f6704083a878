import { and, desc, eq, lt, sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { billingAccounts, ledgerEntries } from "../db/schema.ts";
import { conflict, invalidRequest } from "../errors.ts";

/** A database or an open transaction: both run the same queries. */
type Executor = Pick<Database, "insert" | "select" | "update">;

export type LedgerEntry = typeof ledgerEntries.$inferSelect;

/**
 * Appends a credit (top-up) and raises the balance by the same amount in the
 * caller's transaction, so the balance stays the sum of the ledger. Creates
 * the billing account if the workspace had none. With an idempotency key
 * already used in the workspace, nothing is written and it returns undefined.
 */
export async function creditWorkspace(tx: Executor, workspaceId: string, amount: bigint, note: string | null): Promise<Credited>;
export async function creditWorkspace(tx: Executor, workspaceId: string, amount: bigint, note: string | null, idempotency: Idempotency): Promise<Credited | undefined>;
export async function creditWorkspace(tx: Executor, workspaceId: string, amount: bigint, note: string | null, idempotency?: Idempotency) {
  if (amount <= 0n) throw invalidRequest("a credit must be a positive amount", "amount_usd");
  const values = { workspaceId, amount, kind: "credit" as const, note };
  const insert = idempotency
    ? tx
        .insert(ledgerEntries)
        .values({ ...values, idempotencyKey: idempotency.key, idempotencyHash: idempotency.requestHash })
        .onConflictDoNothing({ target: [ledgerEntries.workspaceId, ledgerEntries.idempotencyKey], where: sql`idempotency_key is not null` })
    : tx.insert(ledgerEntries).values(values);
  const [entry] = await insert.returning();
  return entry && { entry, balance: await raiseBalance(tx, workspaceId, amount) };
}

interface Credited {
  entry: LedgerEntry;
  balance: bigint;
}

async function raiseBalance(tx: Executor, workspaceId: string, amount: bigint): Promise<bigint> {
  const [account] = await tx
    .insert(billingAccounts)
    .values({ workspaceId, balance: amount })
    .onConflictDoUpdate({
      target: billingAccounts.workspaceId,
      set: { balance: sql`${billingAccounts.balance} + ${amount}` },
    })
    .returning();
  return account!.balance;
}

export interface Idempotency {
  /** The client's Idempotency-Key, unique per workspace. */
  key: string;
  /** What the request asked for (its amount and note): the same key with another request is a conflict. */
  requestHash: string;
}

/**
 * Tops up a workspace. With an idempotency key, the same key again returns
 * the entry it made and credits nothing more, even when the two calls race:
 * the unique (workspace, key) index lets one insert through and the other
 * reads its row after it committed. The same key with a different request
 * is a 409. `replayed` says whether the entry existed already.
 */
export async function addCredit(
  db: Database,
  workspaceId: string,
  amount: bigint,
  note: string | null,
  idempotency?: Idempotency,
): Promise<{ entry: LedgerEntry; balance: bigint; replayed: boolean }> {
  if (!idempotency) return { ...(await db.transaction((tx) => creditWorkspace(tx, workspaceId, amount, note))), replayed: false };
  const made = await db.transaction((tx) => creditWorkspace(tx, workspaceId, amount, note, idempotency));
  if (made) return { ...made, replayed: false };
  const [existing] = await db
    .select()
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.workspaceId, workspaceId), eq(ledgerEntries.idempotencyKey, idempotency.key)));
  if (!existing || existing.idempotencyHash !== idempotency.requestHash) {
    throw conflict(`Idempotency-Key "${idempotency.key}" was already used for a different credit`, "Idempotency-Key");
  }
  const [account] = await db.select().from(billingAccounts).where(eq(billingAccounts.workspaceId, workspaceId));
  return { entry: existing, balance: account?.balance ?? 0n, replayed: true };
}

/** A workspace's ledger, newest first; `before` is an entry id to continue below (cursor pagination). */
export function listLedger(db: Database, workspaceId: string, limit = 100, before?: bigint) {
  return db
    .select()
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.workspaceId, workspaceId), before === undefined ? undefined : lt(ledgerEntries.id, before)))
    .orderBy(desc(ledgerEntries.id))
    .limit(limit);
}
