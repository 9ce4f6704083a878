import { get, type TrafficReport, type UsageSeries, type WorkspaceSpendList } from "../api.ts";
import { timeChart } from "../charts.ts";
import { append, emptyState, figure, h, section, table } from "../dom.ts";
import { count, ms, percent, usd } from "../format.ts";
import { sumUsd, toNano } from "../money.ts";
import { perBucket, percentages, RANGE_LABELS, type Range } from "../range.ts";
import { rangePicker } from "./range-picker.ts";
import { readRange } from "./route.ts";

type UsageRow = UsageSeries["data"][number];

const chartUsd = (value: number) => (value === 0 ? "$0" : `$${Number(value.toPrecision(3))}`);
const chartCount = (value: number) => count(Math.round(value * 100) / 100);
const chartPercent = (value: number) => `${Number(value.toFixed(1))}%`;
const chartMs = (value: number) => `${Number(value.toPrecision(3))} ms`;
const tokens = (row: { input_tokens: number; output_tokens: number }) => row.input_tokens + row.output_tokens;

/** Models by what they cost in the range, most first, with their rows. */
function byModel(rows: UsageRow[]) {
  const models = new Map<string, UsageRow[]>();
  for (const row of rows) models.set(row.model, [...(models.get(row.model) ?? []), row]);
  const spend = (list: UsageRow[]) => toNano(sumUsd(list.map((row) => row.cost_usd)));
  return [...models].sort(([, a], [, b]) => (spend(b) > spend(a) ? 1 : spend(b) < spend(a) ? -1 : 0));
}

function modelChart(title: string, range: Range, models: [string, UsageRow[]][], value: (row: UsageRow) => number, format: (v: number) => string, testid: string) {
  const lines = models.map(([model, rows]) => ({ label: model, values: perBucket(range, rows, (row) => row.start, value) }));
  return timeChart(title, range.starts, lines, format, testid);
}

export async function overview(view: HTMLElement, query: URLSearchParams) {
  const range = readRange(query);
  const params = { since: range.since, until: range.until, bucket: range.bucket };
  const [usage, traffic, top] = await Promise.all([
    get<UsageSeries>("/usage", params),
    get<TrafficReport>("/traffic", params),
    get<WorkspaceSpendList>("/usage/workspaces", { since: range.since, until: range.until, limit: 10 }),
  ]);
  const header = h("div", { class: "page-head" }, h("h1", {}, "Overview"), rangePicker("overview", range));
  if (usage.data.length === 0 && traffic.total.requests === 0) {
    const curl = `curl ${location.origin}/v1/chat/completions -H "Authorization: Bearer sk-optk-…" -H "Content-Type: application/json" -d '{"model":"google/gemini-3-flash","messages":[{"role":"user","content":"Hello"}]}'`;
    view.append(
      header,
      emptyState(
        "No requests yet",
        `Nothing was requested in the last ${RANGE_LABELS[range.name]}. Try the curl in the README with a key from the `,
        h("a", { href: "#/workspaces" }, "Workspaces"),
        " page:",
        h("pre", {}, h("code", {}, curl)),
      ),
    );
    return;
  }
  const total = traffic.total;
  const models = byModel(usage.data);
  const sum = (pick: (row: UsageRow) => number) => usage.data.reduce((n, row) => n + pick(row), 0);
  append(view, [
    header,
    h(
      "div",
      { class: "figures" },
      figure("Spend", usd(sumUsd(usage.data.map((row) => row.cost_usd)), "spend"), "spend"),
      figure("Billed requests", count(sum((row) => row.requests)), "billed"),
      figure("Tokens", count(sum(tokens)), "tokens", `${count(sum((row) => row.input_tokens))} in · ${count(sum((row) => row.output_tokens))} out`),
      figure("Requests", count(total.requests), "requests", "every /v1 request, refused ones included"),
      figure("Server errors", percent(total.server_errors, total.requests), "server-errors", `${count(total.server_errors)} 5xx or failed mid-stream`),
      figure("Client errors", percent(total.client_errors, total.requests), "client-errors", `${count(total.client_errors)} 4xx`),
      figure("Latency p50 / p95", `${ms(total.p50_duration_ms)} / ${ms(total.p95_duration_ms)}`, "latency", "billed requests, to the last byte"),
      figure("Time to first byte p50 / p95", `${ms(total.p50_ttfb_ms)} / ${ms(total.p95_ttfb_ms)}`, "ttfb", "from arrival to the provider's first byte"),
    ),
    h(
      "div",
      { class: "charts" },
      modelChart("Spend by model (USD)", range, models, (row) => Number(row.cost_usd), chartUsd, "chart-spend"),
      modelChart("Billed requests by model", range, models, (row) => row.requests, chartCount, "chart-requests"),
      modelChart("Tokens by model (input + output)", range, models, tokens, chartCount, "chart-tokens"),
      timeChart(
        "Error rate",
        range.starts,
        [
          { label: "server errors", values: perRate(range, traffic, (b) => b.server_errors) },
          { label: "client errors", values: perRate(range, traffic, (b) => b.client_errors) },
        ],
        chartPercent,
        "chart-errors",
      ),
      timeChart(
        "Latency",
        range.starts,
        [
          { label: "p50 duration", values: perBucket(range, traffic.data, (b) => b.start, (b) => b.p50_duration_ms, null) },
          { label: "p95 duration", values: perBucket(range, traffic.data, (b) => b.start, (b) => b.p95_duration_ms, null) },
          { label: "p50 TTFB", values: perBucket(range, traffic.data, (b) => b.start, (b) => b.p50_ttfb_ms, null) },
          { label: "p95 TTFB", values: perBucket(range, traffic.data, (b) => b.start, (b) => b.p95_ttfb_ms, null) },
        ],
        chartMs,
        "chart-latency",
      ),
    ),
    section(
      "Top workspaces by spend",
      top.data.length === 0
        ? emptyState("No billed requests in this range", "Spend shows here once a workspace's key is used.")
        : table(
            ["Workspace", "Requests", "Tokens", "Spend"],
            top.data,
            (row) => [h("a", { href: `#/workspaces/${encodeURIComponent(row.name)}` }, row.name), count(row.requests), count(tokens(row)), usd(row.cost_usd)],
            { href: (row) => `#/workspaces/${encodeURIComponent(row.name)}`, testid: "top-workspaces" },
          ),
    ),
    traffic.errors.length === 0
      ? null
      : section(
          "Errors by status and code",
          table(["Status", "Code", "Requests", "Share"], traffic.errors, (row) => [String(row.status), row.code || "–", count(row.requests), percent(row.requests, total.requests)], {
            testid: "errors",
          }),
        ),
  ]);
}

/** A share of each bucket's requests, in percent; null where a bucket had none. */
const perRate = (range: Range, traffic: TrafficReport, part: (bucket: TrafficReport["data"][number]) => number) =>
  percentages(perBucket(range, traffic.data, (b) => b.start, part), perBucket(range, traffic.data, (b) => b.start, (b) => b.requests));
