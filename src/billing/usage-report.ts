import { and, eq, gte, lt, sql, type SQL } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { rowsOf } from "../db/rows.ts";
import { usageRecords } from "../db/schema.ts";
import type { LimitReset } from "./limit-period.ts";
import { periodStart } from "./limit-period.ts";

export type UsageGrouping = "model" | "key" | "day" | "supplier";
export const USAGE_GROUPINGS: readonly UsageGrouping[] = ["model", "key", "day", "supplier"];

const groupColumn: Record<UsageGrouping, SQL<string>> = {
  model: sql<string>`${usageRecords.modelId}`,
  key: sql<string>`${usageRecords.apiKeyId}`,
  day: sql<string>`to_char(${usageRecords.createdAt} at time zone 'UTC', 'YYYY-MM-DD')`,
  supplier: sql<string>`coalesce(${usageRecords.supplier}, '-')`,
};

export interface UsageQuery {
  since?: Date;
  /** Exclusive. */
  until?: Date;
  by?: UsageGrouping;
}

/** What a set of usage records adds up to: requests, each token count, cost (nano-USD as text: sums pass 2^53). */
export const usageSums = {
  requests: sql<number>`count(*)::int`,
  promptTokens: sql<string>`coalesce(sum(${usageRecords.promptTokens}), 0)::text`,
  completionTokens: sql<string>`coalesce(sum(${usageRecords.completionTokens}), 0)::text`,
  cachedTokens: sql<string>`coalesce(sum(${usageRecords.cachedTokens}), 0)::text`,
  cacheWriteTokens: sql<string>`coalesce(sum(${usageRecords.cacheWriteTokens}), 0)::text`,
  reasoningTokens: sql<string>`coalesce(sum(${usageRecords.reasoningTokens}), 0)::text`,
  cost: sql<string>`coalesce(sum(${usageRecords.cost}), 0)::text`,
  estimated: sql<number>`count(*) filter (where ${usageRecords.estimated})::int`,
};

/** A row of usageSums once its cost is a bigint. */
export type UsageSums = { [K in keyof typeof usageSums]: K extends "cost" ? bigint : (typeof usageSums)[K]["_"]["type"] };

/** Token and cost totals of a workspace's usage records, in a time range, optionally grouped. */
export async function usageTotals(db: Database, workspaceId: string, options: UsageQuery = {}) {
  const group = options.by ? groupColumn[options.by] : sql<string>`'all'`;
  const query = db
    .select({ group, ...usageSums })
    .from(usageRecords)
    .where(
      and(
        eq(usageRecords.workspaceId, workspaceId),
        options.since ? gte(usageRecords.createdAt, options.since) : undefined,
        options.until ? lt(usageRecords.createdAt, options.until) : undefined,
      ),
    )
    .$dynamic();
  const rows = options.by ? await query.groupBy(group).orderBy(group) : await query;
  return rows.map((row) => ({ ...row, cost: BigInt(row.cost) }));
}

/**
 * What a key has spent, in nano-USD: in its limit's current period (`reset`)
 * as the limit counts it (key_spend, by the period each request was admitted
 * in), in all (key_spend's rows add up to every settlement), and today,
 * this week (from Monday) and this month (UTC) from the usage records of
 * those weeks only, never the key's whole history.
 */
export async function keySpending(db: Database, keyId: string, reset: LimitReset | null, now = new Date()) {
  const start = (period: LimitReset) => periodStart(period, now);
  const since = new Date(Math.min(start("weekly").getTime(), start("monthly").getTime())).toISOString();
  const [row] = rowsOf<{ period: string; total: string; day: string; week: string; month: string }>(
    await db.execute(sql`
      select
        (select coalesce(sum(spent_nano), 0) from key_spend
          where api_key_id = ${keyId} and period_start = ${periodStart(reset, now).toISOString()}::timestamptz)::text as period,
        (select coalesce(sum(spent_nano), 0) from key_spend where api_key_id = ${keyId})::text as total,
        coalesce(sum(cost_nano) filter (where created_at >= ${start("daily").toISOString()}::timestamptz), 0)::text as day,
        coalesce(sum(cost_nano) filter (where created_at >= ${start("weekly").toISOString()}::timestamptz), 0)::text as week,
        coalesce(sum(cost_nano) filter (where created_at >= ${start("monthly").toISOString()}::timestamptz), 0)::text as month
      from usage_records where api_key_id = ${keyId} and created_at >= ${since}::timestamptz`),
  );
  const nano = (value: string) => BigInt(value);
  return { period: nano(row!.period), total: nano(row!.total), day: nano(row!.day), week: nano(row!.week), month: nano(row!.month) };
}
