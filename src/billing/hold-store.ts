import { lt, sql } from "drizzle-orm";
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
 * Grows a process's hold on a workspace's credit in ONE round trip (the only
 * database round trip on a request's path, and only when the in-memory lease
 * runs short), through the `extend_credit_hold` function (migration 0003). It
 * locks the billing account row first, which serialises it against every
 * other process's grants and settlements for that workspace, so the sum of
 * unexpired holds never exceeds the balance and a key's holds plus its spend
 * never exceed its limit.
 */
export async function extendHold(db: Database, h: ExtendHold): Promise<ExtendResult> {
  const result = await db.execute(sql`
    select workspace_available::text as workspace_available, key_remaining::text as key_remaining, granted::text as amount
    from extend_credit_hold(${h.holdId}, ${h.workspaceId}, ${h.keyId}, ${h.spendLimit}::bigint,
      ${h.periodStart.toISOString()}::timestamptz, ${h.minimum}::bigint, ${h.need}::bigint, ${h.target}::bigint, ${h.ttlSeconds}::int)`);
  const [row] = rowsOf<{ workspace_available: string; key_remaining: string | null; amount: string }>(result);
  if (!row) return { kind: "no_account" };
  return {
    kind: "ok",
    granted: BigInt(row.amount),
    workspaceAvailable: BigInt(row.workspace_available),
    keyRemaining: row.key_remaining === null ? null : BigInt(row.key_remaining),
  };
}

/** JSON text of hold ids, for `jsonb_array_elements_text`. */
const idList = (ids: string[]) => JSON.stringify(ids);

/**
 * Keeps live holds from expiring; returns the ids it renewed. A hold that
 * already expired is not revived: other processes may have been granted its
 * credit. Rows are locked in id order, as settlement locks them.
 */
export async function renewHolds(db: Database, ids: string[], ttlSeconds: number): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const result = await db.execute(sql`
    with locked as (
      select id from credit_holds
      where id in (select value from jsonb_array_elements_text(${idList(ids)}::jsonb)) and expires_at > now()
      order by id for update
    )
    update credit_holds as h set expires_at = now() + make_interval(secs => ${ttlSeconds})
    from locked where h.id = locked.id
    returning h.id`);
  return new Set(rowsOf<{ id: string }>(result).map((row) => row.id));
}

/** Shrinks holds by the given amounts: credit a process holds but does not need (rows locked in id order). */
export async function shrinkHolds(db: Database, amounts: { id: string; amount: bigint }[]) {
  if (amounts.length === 0) return;
  const json = JSON.stringify(amounts.map(({ id, amount }) => ({ id, amount: amount.toString() })));
  await db.execute(sql`
    with spare as (
      select * from jsonb_to_recordset(${json}::jsonb) as v(id text, amount bigint)
    ), locked as (
      select id from credit_holds where id in (select id from spare) order by id for update
    )
    update credit_holds as h set amount_nano = greatest(0, h.amount_nano - spare.amount)
    from locked join spare on spare.id = locked.id
    where h.id = locked.id`);
}

/** Gives idle holds back to the workspace (rows locked in id order, as settlement locks them). */
export async function dropHolds(db: Database, ids: string[]) {
  if (ids.length === 0) return;
  await db.execute(sql`
    delete from credit_holds where id in (
      select id from credit_holds where id in (select value from jsonb_array_elements_text(${idList(ids)}::jsonb))
      order by id for update
    )`);
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
