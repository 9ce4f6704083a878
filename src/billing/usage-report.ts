import { and, eq, gte, sql, type SQL } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { usageRecords } from "../db/schema.ts";

export type UsageGrouping = "model" | "key" | "day";
export const USAGE_GROUPINGS: readonly UsageGrouping[] = ["model", "key", "day"];

const groupColumn: Record<UsageGrouping, SQL<string>> = {
  model: sql<string>`${usageRecords.modelId}`,
  key: sql<string>`${usageRecords.apiKeyId}`,
  day: sql<string>`to_char(${usageRecords.createdAt} at time zone 'UTC', 'YYYY-MM-DD')`,
};

/** Token and cost totals of a workspace's usage records, optionally since a time and grouped. */
export async function usageTotals(db: Database, workspaceId: string, options: { since?: Date; by?: UsageGrouping } = {}) {
  const group = options.by ? groupColumn[options.by] : sql<string>`'all'`;
  const query = db
    .select({
      group,
      requests: sql<number>`count(*)::int`,
      promptTokens: sql<string>`coalesce(sum(${usageRecords.promptTokens}), 0)::text`,
      completionTokens: sql<string>`coalesce(sum(${usageRecords.completionTokens}), 0)::text`,
      cachedTokens: sql<string>`coalesce(sum(${usageRecords.cachedTokens}), 0)::text`,
      cacheWriteTokens: sql<string>`coalesce(sum(${usageRecords.cacheWriteTokens}), 0)::text`,
      reasoningTokens: sql<string>`coalesce(sum(${usageRecords.reasoningTokens}), 0)::text`,
      cost: sql<string>`coalesce(sum(${usageRecords.cost}), 0)::text`,
      estimated: sql<number>`count(*) filter (where ${usageRecords.estimated})::int`,
    })
    .from(usageRecords)
    .where(and(eq(usageRecords.workspaceId, workspaceId), options.since ? gte(usageRecords.createdAt, options.since) : undefined))
    .$dynamic();
  const rows = options.by ? await query.groupBy(group).orderBy(group) : await query;
  return rows.map((row) => ({ ...row, cost: BigInt(row.cost) }));
}
