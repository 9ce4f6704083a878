import { and, desc, eq, gte, lt, sql } from "drizzle-orm";
import { usageSums } from "../billing/usage-report.ts";
import type { Database } from "../db/client.ts";
import { rowsOf } from "../db/rows.ts";
import { usageRecords, workspaces } from "../db/schema.ts";
import { type BucketedRange, bucketStart, withinRange } from "../db/time-buckets.ts";

const inRange = (range: { since: Date; until: Date }) => and(gte(usageRecords.createdAt, range.since), lt(usageRecords.createdAt, range.until));

const withCost = <R extends { cost: string }>(rows: R[]) => rows.map((row) => ({ ...row, cost: BigInt(row.cost) }));

/** Every workspace's usage in the range, per bucket and model. */
export async function usageSeries(db: Database, range: BucketedRange) {
  const start = bucketStart(usageRecords.createdAt, range.bucket);
  const rows = await db
    .select({ start, model: usageRecords.modelId, ...usageSums })
    .from(usageRecords)
    .where(inRange(range))
    .groupBy(start, usageRecords.modelId)
    .orderBy(start, usageRecords.modelId);
  return withCost(rows);
}

/** The workspaces that spent most in the range, most first. */
export async function topWorkspaces(db: Database, range: { since: Date; until: Date }, limit: number) {
  const rows = await db
    .select({ workspaceId: usageRecords.workspaceId, name: workspaces.name, ...usageSums })
    .from(usageRecords)
    .innerJoin(workspaces, eq(workspaces.id, usageRecords.workspaceId))
    .where(inRange(range))
    .groupBy(usageRecords.workspaceId, workspaces.name)
    .orderBy(desc(sql`sum(${usageRecords.cost})`), workspaces.name)
    .limit(limit);
  return withCost(rows);
}

/** Percentiles of a billed request's duration and time to first byte, ms; null without any request. */
export interface Latency {
  requests: number;
  p50DurationMs: number | null;
  p95DurationMs: number | null;
  p50TtfbMs: number | null;
  p95TtfbMs: number | null;
}

/** Latency of the billed requests in the range: per bucket (by start) and over the whole range, in one query. */
export async function latency(db: Database, range: BucketedRange): Promise<{ buckets: Map<string, Latency>; total: Latency }> {
  const rows = rowsOf<{ start: string | null; requests: number; p50d: number | null; p95d: number | null; p50t: number | null; p95t: number | null }>(
    await db.execute(sql`
      select ${bucketStart(usageRecords.createdAt, range.bucket)} as start, count(*)::int as requests,
             percentile_cont(0.5) within group (order by duration_ms) as p50d,
             percentile_cont(0.95) within group (order by duration_ms) as p95d,
             percentile_cont(0.5) within group (order by ttfb_ms) as p50t,
             percentile_cont(0.95) within group (order by ttfb_ms) as p95t
      from usage_records
      where ${withinRange("created_at", range)} and duration_ms is not null
      group by grouping sets ((1), ())`),
  );
  const ms = (value: number | string | null) => (value === null ? null : Math.round(Number(value)));
  const present = (row: (typeof rows)[number] | undefined): Latency => ({
    requests: row?.requests ?? 0,
    p50DurationMs: ms(row?.p50d ?? null),
    p95DurationMs: ms(row?.p95d ?? null),
    p50TtfbMs: ms(row?.p50t ?? null),
    p95TtfbMs: ms(row?.p95t ?? null),
  });
  const buckets = new Map(rows.filter((row) => row.start !== null).map((row) => [row.start!, present(row)]));
  return { buckets, total: present(rows.find((row) => row.start === null)) };
}
