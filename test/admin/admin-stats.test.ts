import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createAdminKey } from "../../src/auth/admin-keys.ts";
import { formatUsd, parseUsd } from "../../src/billing/money.ts";
import { type ProviderGateway, startProviderGateway } from "../support/provider-gateway.ts";
import { runTrafficMix, type TrafficMix } from "../support/traffic-mix.ts";

// The gateway-wide views the console draws, over HTTP, checked against a scripted mix of requests:
// the costs its replies reported, the upstream requests the fakes saw, the records by request id.
let setup: ProviderGateway;
let adminKey: string;
let mix: TrafficMix;
/** Just before the mix: usage records carry exact times, so [since, until) holds the mix's and no other's. */
let since: string;
const until = () => new Date(Date.now() + 60_000).toISOString();
/** Request and supplier counts are per minute, and other test files share the database: those are compared as what the mix added. */
let before: { traffic: any; suppliers: any; googleAttempts: number; anthropicAttempts: number };
let minuteRange: string;

async function call(path: string) {
  const response = await fetch(`${setup.gateway.url}${path}`, { headers: { authorization: `Bearer ${adminKey}` } });
  return { status: response.status, json: (await response.json()) as any };
}
const json = async (path: string) => {
  const { status, json } = await call(path);
  expect(status).toBe(200);
  return json;
};

const sum = (amounts: string[]) => formatUsd(amounts.reduce((total, amount) => total + parseUsd(amount), 0n));

beforeAll(async () => {
  setup = await startProviderGateway({ UPSTREAM_MAX_ATTEMPTS: "1" });
  ({ key: adminKey } = await createAdminKey(setup.gateway.db, "stats test"));
  await setup.gateway.requestStats.flush();
  await setup.gateway.supplierStats.report();
  const now = Date.now();
  since = new Date(now - 1).toISOString();
  minuteRange = `since=${new Date(Math.floor(now / 60_000) * 60_000).toISOString()}&until=${until()}`;
  before = {
    traffic: await json(`/admin/v1/traffic?${minuteRange}`),
    suppliers: await json(`/admin/v1/suppliers?${minuteRange}`),
    googleAttempts: setup.gemini.requests.length,
    anthropicAttempts: setup.anthropic.requests.length,
  };
  mix = await runTrafficMix(setup);
});
afterAll(() => setup.stop());

describe("usage over time", () => {
  test("every billed request of the mix, per hour and per day, split by model, at the exact cost its reply reported", async () => {
    const models = [...new Set(mix.billed.map((r) => r.model!))].sort();
    for (const bucket of ["hour", "day"]) {
      const series = await json(`/admin/v1/usage?since=${since}&until=${until()}&bucket=${bucket}`);
      expect(series).toMatchObject({ object: "list", bucket, since });
      for (const row of series.data) expect(row.start).toMatch(bucket === "hour" ? /T\d\d:00:00Z$/ : /T00:00:00Z$/);
      expect([...new Set(series.data.map((row: any) => row.model))].sort()).toEqual(models);
      for (const model of models) {
        const rows = series.data.filter((row: any) => row.model === model);
        const expected = mix.billed.filter((r) => r.model === model);
        expect(rows.reduce((n: number, row: any) => n + row.requests, 0)).toBe(expected.length);
        expect(sum(rows.map((row: any) => row.cost_usd))).toBe(sum(expected.map((r) => r.costUsd!)));
      }
    }
  });

  test("tokens add up to the request records", async () => {
    const records = await Promise.all(mix.billed.map((r) => json(`/admin/v1/requests/${r.requestId}`)));
    const series = await json(`/admin/v1/usage?since=${since}&until=${until()}&bucket=day`);
    for (const field of ["input_tokens", "output_tokens", "cached_tokens", "reasoning_tokens"]) {
      expect(series.data.reduce((n: number, row: any) => n + row[field], 0)).toBe(records.reduce((n, record) => n + record[field], 0));
    }
  });

  test("top workspaces: most spent first, at exact cost; the broke workspace spent nothing and is absent", async () => {
    const top = await json(`/admin/v1/usage/workspaces?since=${since}&until=${until()}`);
    const spent = (name: string) => sum(mix.billed.filter((r) => r.workspace === name).map((r) => r.costUsd!));
    const expected = [mix.tenants.a, mix.tenants.b]
      .map((tenant) => ({ name: tenant.workspace.name, workspace_id: tenant.workspace.id, cost_usd: spent(tenant.workspace.name) }))
      .sort((x, y) => Number(parseUsd(y.cost_usd) - parseUsd(x.cost_usd)));
    expect(top.data.map((row: any) => ({ name: row.name, workspace_id: row.workspace_id, cost_usd: row.cost_usd }))).toEqual(expected);
    expect((await json(`/admin/v1/usage/workspaces?since=${since}&until=${until()}&limit=1`)).data).toHaveLength(1);
  });
});

describe("traffic", () => {
  test("every /v1 request counted, the refusal as a client error and the upstream failure as a server error", async () => {
    const after = await json(`/admin/v1/traffic?${minuteRange}`);
    expect(after.total.requests - before.traffic.total.requests).toBe(mix.requests.length);
    expect(after.total.client_errors - before.traffic.total.client_errors).toBe(1);
    expect(after.total.server_errors - before.traffic.total.server_errors).toBe(1);
    const errorCount = (report: any, status: number, code: string) => report.errors.find((e: any) => e.status === status && e.code === code)?.requests ?? 0;
    expect(errorCount(after, 402, "insufficient_credit") - errorCount(before.traffic, 402, "insufficient_credit")).toBe(1);
    expect(errorCount(after, 503, "no_supplier") - errorCount(before.traffic, 503, "no_supplier")).toBe(1);
    expect(after.data.reduce((n: number, b: any) => n + b.requests, 0)).toBe(after.total.requests);
  });

  test("p50 and p95 of duration and time to first byte are percentile_cont over the billed requests' records", async () => {
    const records = await Promise.all(mix.billed.map((r) => json(`/admin/v1/requests/${r.requestId}`)));
    const { total } = await json(`/admin/v1/traffic?since=${since}&until=${until()}`);
    expect(total.billed_requests).toBe(mix.billed.length);
    const percentile = (values: number[], p: number) => {
      const sorted = [...values].sort((x, y) => x - y);
      const at = p * (sorted.length - 1);
      const low = Math.floor(at);
      return Math.round(sorted[low]! + (sorted[Math.ceil(at)]! - sorted[low]!) * (at - low));
    };
    const durations = records.map((r) => r.duration_ms);
    const ttfbs = records.map((r) => r.ttfb_ms);
    expect(total).toMatchObject({
      p50_duration_ms: percentile(durations, 0.5),
      p95_duration_ms: percentile(durations, 0.95),
      p50_ttfb_ms: percentile(ttfbs, 0.5),
      p95_ttfb_ms: percentile(ttfbs, 0.95),
    });
  });

  test("an empty range is zeros and nulls, not an error", async () => {
    const empty = await json("/admin/v1/traffic?since=2001-01-01T00:00:00Z&until=2001-01-02T00:00:00Z&bucket=day");
    expect(empty.data).toEqual([]);
    expect(empty.errors).toEqual([]);
    expect(empty.total).toEqual({ requests: 0, client_errors: 0, server_errors: 0, billed_requests: 0, p50_duration_ms: null, p95_duration_ms: null, p50_ttfb_ms: null, p95_ttfb_ms: null });
  });
});

describe("suppliers", () => {
  test("each supplier with its configuration, this gateway's breaker state, and what the mix's attempts added", async () => {
    const after = await json(`/admin/v1/suppliers?${minuteRange}`);
    const added = (name: string, field: "attempts" | "failures") => {
      const total = (report: any) => (report.data.find((s: any) => s.name === name)?.data ?? []).reduce((n: number, b: any) => n + b[field], 0);
      return total(after) - total(before.suppliers);
    };
    expect(added("google", "attempts")).toBe(setup.gemini.requests.length - before.googleAttempts);
    expect(added("google", "failures")).toBe(1);
    expect(added("anthropic", "attempts")).toBe(setup.anthropic.requests.length - before.anthropicAttempts);
    expect(added("anthropic", "failures")).toBe(0);
    const google = after.data.find((s: any) => s.name === "google");
    expect(google).toMatchObject({ provider: "google", source: "environment", enabled: true, priority: 0, weight: 1, models: null });
    expect(google.states).toContain("closed");
    expect(google.recent.attempts).toBeGreaterThanOrEqual(added("google", "attempts"));
  });
});

describe("requests", () => {
  test("a workspace's records newest first, page by page, each exactly once", async () => {
    const a = mix.tenants.a.workspace.name;
    const expected = mix.billed.filter((r) => r.workspace === a).map((r) => r.requestId).reverse();
    const seen: string[] = [];
    let before: string | null = null;
    do {
      const page: any = await json(`/admin/v1/requests?workspace=${a}&limit=2${before ? `&before=${before}` : ""}`);
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map((r: any) => r.request_id));
      before = page.next_before;
      expect(page.has_more).toBe(before !== null);
    } while (before);
    expect(seen).toEqual(expected);
  });

  test("filters by key, model, supplier and status, together", async () => {
    const { b } = mix.tenants;
    const byKey = await json(`/admin/v1/requests?key=${b.keyRow.id}`);
    expect(byKey.data.map((r: any) => r.request_id).sort()).toEqual(mix.billed.filter((r) => r.workspace === b.workspace.name).map((r) => r.requestId).sort());
    const claude = await json(`/admin/v1/requests?workspace=${b.workspace.id}&model=anthropic/claude-haiku-4-5&supplier=anthropic&status=completed`);
    expect(claude.data).toHaveLength(1);
    expect(claude.data[0]).toMatchObject({ model: "anthropic/claude-haiku-4-5", supplier: "anthropic", status: "completed", workspace_id: b.workspace.id });
    expect((await json(`/admin/v1/requests?workspace=${b.workspace.id}&supplier=google&model=anthropic/claude-haiku-4-5`)).data).toEqual([]);
    expect((await json(`/admin/v1/requests?workspace=${b.workspace.id}&status=incomplete`)).data).toEqual([]);
  });

  test("bad filters are 400s naming them; an unknown workspace is 404", async () => {
    const refused = async (path: string, status: number, param?: string) => {
      const { status: got, json } = await call(path);
      expect({ got, param: json.error?.param }).toEqual({ got: status, param });
    };
    await refused("/admin/v1/requests?workspace=no-such-workspace", 404);
    await refused("/admin/v1/requests?limit=0", 400, "limit");
    await refused("/admin/v1/requests?limit=501", 400, "limit");
    await refused("/admin/v1/requests?status=failed", 400, "status");
    await refused("/admin/v1/requests?before=x", 400, "before");
    await refused("/admin/v1/requests?wrkspace=a", 400, "wrkspace");
  });
});

test("time ranges: a bad, reversed or too long one is a 400 naming the field", async () => {
  const refused = async (path: string, param: string) => {
    const { status, json } = await call(path);
    expect({ status, code: json.error?.code, param: json.error?.param }).toEqual({ status: 400, code: "invalid_request", param });
  };
  await refused("/admin/v1/usage?since=yesterday", "since");
  await refused("/admin/v1/traffic?until=2026-13-45", "until");
  await refused("/admin/v1/usage?since=2026-02-01T00:00:00Z&until=2026-01-01T00:00:00Z", "since");
  await refused("/admin/v1/suppliers?since=2020-01-01T00:00:00Z&until=2021-01-01T00:00:00Z", "since");
  await refused("/admin/v1/usage?bucket=week", "bucket");
  await refused("/admin/v1/usage/workspaces?limit=1000", "limit");
  // A year by day is fine.
  expect((await call("/admin/v1/usage?since=2020-01-01T00:00:00Z&until=2021-01-01T00:00:00Z&bucket=day")).status).toBe(200);
});

test("the new routes are in the OpenAPI spec under Admin, with the management key scheme", async () => {
  const spec = (await (await fetch(`${setup.gateway.url}/openapi.json`)).json()) as any;
  for (const [path, method] of [
    ["/admin/v1/usage", "get"],
    ["/admin/v1/usage/workspaces", "get"],
    ["/admin/v1/traffic", "get"],
    ["/admin/v1/suppliers", "get"],
    ["/admin/v1/requests", "get"],
    ["/admin/v1/session", "post"],
    ["/admin/v1/session", "get"],
    ["/admin/v1/session", "delete"],
  ]) {
    const operation = spec.paths[path]?.[method!];
    expect({ path, method, tags: operation?.tags, security: operation?.security }).toEqual({ path, method, tags: ["Admin"], security: [{ adminKey: [] }] });
  }
  expect(Object.keys(spec.paths).some((path) => path.startsWith("/console"))).toBe(false);
});
