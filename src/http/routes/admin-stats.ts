import { Elysia } from "elysia";
import { latency, topWorkspaces, usageSeries } from "../../admin/gateway-usage.ts";
import { presentUsageSums } from "../../admin/present.ts";
import { RangeQuery, TopQuery, TrafficReport, UsageSeries, WorkspaceSpendList } from "../../admin/stats-schemas.ts";
import type { Database } from "../../db/client.ts";
import { traffic } from "../../observability/request-stats.ts";
import { jsonResponse } from "../reply.ts";
import { requestContext } from "../request-context.ts";
import { limitParam } from "../query-params.ts";
import { adminDetail, presentRange, rangeParams } from "./admin-common.ts";

const MAX_TOP = 100;

/** Gateway-wide figures over time, across every workspace: what the console's overview draws. */
export const adminStatsRoutes = (db: Database) =>
  new Elysia({ name: "admin-stats" })
    .use(requestContext)
    .get(
      "/admin/v1/usage",
      async ({ query, ctx }) => {
        const range = rangeParams(query);
        const rows = await usageSeries(db, range);
        const data = rows.map((row) => ({ start: row.start, model: row.model, ...presentUsageSums(row) }));
        return jsonResponse(JSON.stringify({ object: "list", ...presentRange(range), data }), ctx);
      },
      {
        query: RangeQuery,
        detail: adminDetail(
          "Usage over time",
          "Every workspace's billed requests, tokens and cost per bucket (hour, or UTC day) and model, in [since, until). Defaults: the last 24 hours by hour, or 30 days by day. Buckets without usage are absent.",
          { schema: UsageSeries, description: "Usage per bucket and model" },
        ),
      },
    )
    .get(
      "/admin/v1/usage/workspaces",
      async ({ query, ctx }) => {
        const range = rangeParams({ since: query.since, until: query.until, bucket: "day" });
        const rows = await topWorkspaces(db, range, limitParam(query.limit, MAX_TOP, 10));
        const data = rows.map((row) => ({ workspace_id: row.workspaceId, name: row.name, ...presentUsageSums(row) }));
        const { since, until } = presentRange(range);
        return jsonResponse(JSON.stringify({ object: "list", since, until, data }), ctx);
      },
      {
        query: TopQuery,
        detail: adminDetail(
          "Top workspaces by spend",
          `The workspaces that spent most in [since, until) (default: the last 30 days), most first; \`limit\` 1 to ${MAX_TOP} (default 10).`,
          { schema: WorkspaceSpendList, description: "Workspaces with their usage" },
        ),
      },
    )
    .get(
      "/admin/v1/traffic",
      async ({ query, ctx }) => {
        const range = rangeParams(query);
        const [counts, times] = await Promise.all([traffic(db, range), latency(db, range)]);
        const starts = [...new Set([...counts.buckets.keys(), ...times.buckets.keys()])].sort();
        const data = starts.map((start) => ({ start, ...presentTraffic(counts.buckets.get(start), times.buckets.get(start)) }));
        const report = { object: "traffic", ...presentRange(range), total: presentTraffic(counts.total, times.total), errors: counts.errors, data };
        return jsonResponse(JSON.stringify(report), ctx);
      },
      {
        query: RangeQuery,
        detail: adminDetail(
          "Traffic, errors and latency over time",
          "Every gateway's /v1 requests per bucket, with client (4xx) and server (5xx, or failed mid-stream) errors, and p50/p95 of billed requests' duration and time to first byte; the range's totals; its errors by status and code. Request counts reach the database every 10 s.",
          { schema: TrafficReport, description: "Traffic per bucket and in total" },
        ),
      },
    );

type Counts = Awaited<ReturnType<typeof traffic>>["total"];
type Times = Awaited<ReturnType<typeof latency>>["total"];

function presentTraffic(counts: Counts | undefined, times: Times | undefined) {
  return {
    requests: counts?.requests ?? 0,
    client_errors: counts?.clientErrors ?? 0,
    server_errors: counts?.serverErrors ?? 0,
    billed_requests: times?.requests ?? 0,
    p50_duration_ms: times?.p50DurationMs ?? null,
    p95_duration_ms: times?.p95DurationMs ?? null,
    p50_ttfb_ms: times?.p50TtfbMs ?? null,
    p95_ttfb_ms: times?.p95TtfbMs ?? null,
  };
}
