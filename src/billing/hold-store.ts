import { inArray, lt, sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { rowsOf } from "../db/rows.ts";
import { creditHolds } from "../db/schema.ts";

export interface ExtendHold {
  holdId: string;
  workspaceId: string;
  keyId: string;
  spendLimit: bigint | null;
  periodStart: Date;
  /** Refuse unless at least this much fits (the smallest waiting request). */
  minimum: bigint;
  /** Grant at least this much when it fits (everything waiting)... */
  need: bigint;
  /** ...and up to this much, capped at a quarter of what is free, so one process cannot hoard the balance. */
  target: bigint;
  ttlSeconds: number;
}

export type ExtendResult =
  | { kind: "no_account" }
  | {
      kind: "ok";
      granted: bigint;
      /** Balance minus every unexpired hold, before this grant. */
      workspaceAvailable: bigint;
      /** Spend limit minus this period's spend and the key's holds, before this grant; null = no limit. */
      keyRemaining: bigint | null;
    };

/**
 * Grows a process's hold on a workspace's credit in ONE statement (the only
 * database round trip on a request's path, and only when the in-memory lease
 * runs short). Locking the billing account row serialises it against every
 * other process's grants and settlements for that workspace, so the sum of
 * unexpired holds never exceeds the balance and a key's holds plus its spend
 * never exceed its limit.
 */
export async function extendHold(db: Database, h: ExtendHold): Promise<ExtendResult> {
  const result = await db.execute(sql`
    with account as (
      select balance_nano from billing_accounts where workspace_id = ${h.workspaceId} for update
    ), held as (
      select coalesce(sum(amount_nano), 0)::bigint as workspace_held,
             coalesce(sum(amount_nano) filter (where api_key_id = ${h.keyId}), 0)::bigint as key_held
      from credit_holds where workspace_id = ${h.workspaceId} and expires_at > now()
    ), room as (
      select account.balance_nano - held.workspace_held as workspace_available,
             ${h.spendLimit}::bigint - held.key_held - coalesce(
               (select spent_nano from key_spend where api_key_id = ${h.keyId} and period_start = ${h.periodStart.toISOString()}::timestamptz), 0
             ) as key_remaining
      from account, held
    ), decision as (
      select workspace_available, key_remaining,
             least(workspace_available, coalesce(key_remaining, workspace_available)) as fits
      from room
    ), granted as (
      select workspace_available, key_remaining,
             case when fits >= ${h.minimum}::bigint
               then least(fits, greatest(${h.need}::bigint, least(${h.target}::bigint, fits / 4)))
               else 0 end as amount
      from decision
    ), upsert as (
      insert into credit_holds (id, workspace_id, api_key_id, amount_nano, expires_at)
      select ${h.holdId}, ${h.workspaceId}, ${h.keyId}, amount, now() + make_interval(secs => ${h.ttlSeconds})
      from granted where amount > 0
      on conflict (id) do update set
        amount_nano = excluded.amount_nano
          + case when credit_holds.expires_at > now() then credit_holds.amount_nano else 0 end,
        expires_at = excluded.expires_at
    )
    select workspace_available::text as workspace_available, key_remaining::text as key_remaining, amount::text as amount
    from granted
  `);
  const [row] = rowsOf<{ workspace_available: string; key_remaining: string | null; amount: string }>(result);
  if (!row) return { kind: "no_account" };
  return {
    kind: "ok",
    granted: BigInt(row.amount),
    workspaceAvailable: BigInt(row.workspace_available),
    keyRemaining: row.key_remaining === null ? null : BigInt(row.key_remaining),
  };
}

/** Keeps live holds from expiring. */
export async function renewHolds(db: Database, ids: string[], ttlSeconds: number) {
  if (ids.length === 0) return;
  await db
    .update(creditHolds)
    .set({ expiresAt: sql`now() + make_interval(secs => ${ttlSeconds})` })
    .where(inArray(creditHolds.id, ids));
}

/** Gives idle holds back to the workspace. */
export async function dropHolds(db: Database, ids: string[]) {
  if (ids.length === 0) return;
  await db.delete(creditHolds).where(inArray(creditHolds.id, ids));
}

/** Deletes holds that expired a while ago (left by a killed process); they already stopped counting. */
export async function sweepExpiredHolds(db: Database) {
  await db.delete(creditHolds).where(lt(creditHolds.expiresAt, sql`now() - interval '1 minute'`));
}

/** Unexpired hold totals per workspace (CLI and tests: "are reservations back to zero?"). */
export async function openHolds(db: Database, workspaceId: string): Promise<bigint> {
  const [row] = await db
    .select({ total: sql<string>`coalesce(sum(${creditHolds.amount}), 0)::text` })
    .from(creditHolds)
    .where(sql`${creditHolds.workspaceId} = ${workspaceId} and ${creditHolds.expiresAt} > now()`);
  return BigInt(row?.total ?? "0");
}
