import { sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { rowsOf } from "../db/rows.ts";
import { type BucketedRange, bucketStart, withinRange } from "../db/time-buckets.ts";
import { PROCESS_ID } from "../util/process-id.ts";
import type { HealthState } from "./supplier-health.ts";
import type { Supplier } from "./supplier.ts";

/** How often a process writes what it saw of its suppliers. */
const REPORT_INTERVAL_MS = 10_000;
/** How long minute rows are kept (the operator views chart them). */
const RETENTION_DAYS = 30;
/** A process that has not reported for this long is not running any more, as far as `supplier list` knows. */
export const LIVE_WITHIN_SECONDS = 60;

/**
 * Writes each supplier's counters and health state into supplier_stats,
 * one upsert of the current minute per report: how a CLI in another process
 * (`supplier list`) and the operator views see the running gateways' health.
 * Stats are approximate by design: a failed write drops its counters.
 */
export class SupplierStatsReporter {
  private timer: ReturnType<typeof setInterval> | undefined;
  private lastPrune = 0;

  constructor(
    private readonly db: Database,
    private readonly suppliers: () => readonly Supplier[],
  ) {}

  start() {
    this.timer ??= setInterval(() => void this.report(), REPORT_INTERVAL_MS);
    this.timer.unref?.();
    void this.report();
  }

  async stop() {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.report();
  }

  async report(now = new Date()): Promise<void> {
    const minute = new Date(Math.floor(now.getTime() / 60_000) * 60_000).toISOString();
    const rows = this.suppliers().map((supplier) => ({
      process_id: PROCESS_ID,
      supplier: supplier.config.name,
      minute,
      ...snake(supplier.health.takeCounters()),
      state: supplier.health.state(now.getTime()),
    }));
    try {
      if (rows.length > 0) {
        await this.db.execute(sql`
          insert into supplier_stats (process_id, supplier, minute, attempts, failures, ttfb_ms_sum, ttfb_count, state)
          select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v(
            process_id text, supplier text, minute timestamptz, attempts int, failures int, ttfb_ms_sum bigint, ttfb_count int, state text)
          on conflict (process_id, supplier, minute) do update set
            attempts = supplier_stats.attempts + excluded.attempts,
            failures = supplier_stats.failures + excluded.failures,
            ttfb_ms_sum = supplier_stats.ttfb_ms_sum + excluded.ttfb_ms_sum,
            ttfb_count = supplier_stats.ttfb_count + excluded.ttfb_count,
            state = excluded.state,
            updated_at = now()`);
      }
      if (now.getTime() - this.lastPrune > 3_600_000) {
        this.lastPrune = now.getTime();
        await this.db.execute(sql`delete from supplier_stats where minute < now() - make_interval(days => ${RETENTION_DAYS})`);
      }
    } catch (error) {
      console.error("suppliers: writing supplier stats failed:", String(error));
    }
  }
}

const snake = (c: { attempts: number; failures: number; ttfbMsSum: number; ttfbCount: number }) => ({
  attempts: c.attempts,
  failures: c.failures,
  ttfb_ms_sum: Math.round(c.ttfbMsSum),
  ttfb_count: c.ttfbCount,
});

/** What the running gateways report of one supplier: its states now, and the last five minutes' traffic. */
export interface SupplierView {
  supplier: string;
  /** Each live process's current state. */
  states: HealthState[];
  attempts: number;
  failures: number;
  /** Mean time to first byte of its successful attempts, ms; null without any. */
  ttfbMs: number | null;
}

export async function supplierViews(db: Database): Promise<Map<string, SupplierView>> {
  const rows = rowsOf<{ supplier: string; states: HealthState[]; attempts: string; failures: string; ttfb: string | null }>(
    await db.execute(sql`
      select supplier,
             array_agg(state order by process_id) filter (where is_latest and updated_at > now() - make_interval(secs => ${LIVE_WITHIN_SECONDS})) as states,
             sum(attempts) filter (where minute > now() - interval '5 minutes')::text as attempts,
             sum(failures) filter (where minute > now() - interval '5 minutes')::text as failures,
             (sum(ttfb_ms_sum) filter (where minute > now() - interval '5 minutes') /
              nullif(sum(ttfb_count) filter (where minute > now() - interval '5 minutes'), 0))::text as ttfb
      from (
        select *, minute = max(minute) over (partition by process_id, supplier) as is_latest
        from supplier_stats where minute > now() - interval '10 minutes'
      ) recent
      group by supplier`),
  );
  return new Map(
    rows.map((row) => [
      row.supplier,
      {
        supplier: row.supplier,
        states: row.states ?? [],
        attempts: Number(row.attempts ?? 0),
        failures: Number(row.failures ?? 0),
        ttfbMs: row.ttfb === null ? null : Math.round(Number(row.ttfb)),
      },
    ]),
  );
}

/** One bucket of a supplier's traffic, from every gateway's reports. */
export interface SupplierBucket {
  start: string;
  attempts: number;
  failures: number;
  /** Mean time to first byte of its successful attempts, ms; null without any. */
  ttfbMs: number | null;
}

/** Each supplier's attempts, failures and time to first byte per bucket of the range. */
export async function supplierSeries(db: Database, range: BucketedRange): Promise<Map<string, SupplierBucket[]>> {
  const rows = rowsOf<{ supplier: string; start: string; attempts: string; failures: string; ttfb: string | null }>(
    await db.execute(sql`
      select supplier, ${bucketStart(sql.raw("minute"), range.bucket)} as start, sum(attempts)::text as attempts,
             sum(failures)::text as failures, (sum(ttfb_ms_sum) / nullif(sum(ttfb_count), 0))::text as ttfb
      from supplier_stats
      where ${withinRange("minute", range)}
      group by 1, 2 order by 1, 2`),
  );
  const series = new Map<string, SupplierBucket[]>();
  for (const row of rows) {
    const buckets = series.get(row.supplier) ?? [];
    buckets.push({ start: row.start, attempts: Number(row.attempts), failures: Number(row.failures), ttfbMs: row.ttfb === null ? null : Math.round(Number(row.ttfb)) });
    series.set(row.supplier, buckets);
  }
  return series;
}
