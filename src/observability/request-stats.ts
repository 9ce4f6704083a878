import { sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { rowsOf } from "../db/rows.ts";
import { type BucketedRange, bucketStart, withinRange } from "../db/time-buckets.ts";
import { PROCESS_ID } from "../util/process-id.ts";
import type { FinishedRequest, RequestObserver } from "./finished-request.ts";

/** How often a process writes its counts. */
const FLUSH_INTERVAL_MS = 10_000;
/** How long minute rows are kept (the console charts up to 30 days). */
const RETENTION_DAYS = 31;
const SEPARATOR = "\u0000";

/**
 * Counts every finished /v1 request per minute, route, model, status and
 * error code, and writes the counts to request_stats in one upsert every
 * few seconds: the console's error rate, which usage_records (billed
 * requests only) cannot give. Per request it is one Map update. Counts are
 * approximate by design: a failed write drops them, with one log line.
 */
export class RequestStatsRecorder implements RequestObserver {
  private counts = new Map<string, number>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private lastPrune = 0;

  constructor(private readonly db: Database) {}

  finished(request: FinishedRequest): void {
    if (!request.route.startsWith("/v1/")) return;
    const minute = request.at - (request.at % 60_000);
    const key = `${minute}${SEPARATOR}${request.route}${SEPARATOR}${request.model ?? ""}${SEPARATOR}${request.status}${SEPARATOR}${request.errorCode ?? ""}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  start() {
    this.timer ??= setInterval(() => void this.flush(), FLUSH_INTERVAL_MS);
    this.timer.unref?.();
  }

  async stop() {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  /** Writes the counts so far (the timer does every few seconds; tests call it to read at once). */
  async flush(now = Date.now()): Promise<void> {
    const counts = this.counts;
    this.counts = new Map();
    const rows = [...counts].map(([key, requests]) => {
      const [minute, route, model, status, code] = key.split(SEPARATOR) as [string, string, string, string, string];
      return { process_id: PROCESS_ID, minute: new Date(Number(minute)).toISOString(), route, model, status: Number(status), code, requests };
    });
    try {
      if (rows.length > 0) {
        await this.db.execute(sql`
          insert into request_stats (process_id, minute, route, model, status, code, requests)
          select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v(
            process_id text, minute timestamptz, route text, model text, status int, code text, requests int)
          on conflict (process_id, minute, route, model, status, code) do update set requests = request_stats.requests + excluded.requests`);
      }
      if (now - this.lastPrune > 3_600_000) {
        this.lastPrune = now;
        await this.db.execute(sql`delete from request_stats where minute < now() - make_interval(days => ${RETENTION_DAYS})`);
      }
    } catch (error) {
      console.error("request stats: writing request counts failed:", String(error));
    }
  }
}

/** A bucket's /v1 requests: all of them, refused by the gateway or the client's fault (4xx), failed on the way (5xx or mid-stream). */
export interface TrafficCounts {
  requests: number;
  clientErrors: number;
  serverErrors: number;
}

const SERVER_ERROR = sql`status >= 500 or (status < 400 and code <> '')`;

/** Every gateway's /v1 requests in the range, per bucket (by start) and in total, plus the errors by status and code. */
export async function traffic(db: Database, range: BucketedRange) {
  const where = withinRange("minute", range);
  const rows = rowsOf<{ start: string | null; requests: string; client_errors: string; server_errors: string }>(
    await db.execute(sql`
      select ${bucketStart(sql.raw("minute"), range.bucket)} as start, sum(requests)::text as requests,
             coalesce(sum(requests) filter (where status between 400 and 499), 0)::text as client_errors,
             coalesce(sum(requests) filter (where ${SERVER_ERROR}), 0)::text as server_errors
      from request_stats where ${where}
      group by grouping sets ((1), ())`),
  );
  const errors = rowsOf<{ status: number; code: string; requests: string }>(
    await db.execute(sql`
      select status, code, sum(requests)::text as requests from request_stats
      where ${where} and (status >= 400 or code <> '')
      group by status, code order by sum(requests) desc, status, code`),
  );
  const counts = (row: (typeof rows)[number] | undefined): TrafficCounts => ({
    requests: Number(row?.requests ?? 0),
    clientErrors: Number(row?.client_errors ?? 0),
    serverErrors: Number(row?.server_errors ?? 0),
  });
  return {
    buckets: new Map(rows.filter((row) => row.start !== null).map((row) => [row.start!, counts(row)])),
    total: counts(rows.find((row) => row.start === null)),
    errors: errors.map((row) => ({ status: row.status, code: row.code, requests: Number(row.requests) })),
  };
}
