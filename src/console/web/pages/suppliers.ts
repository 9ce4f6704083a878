import { get, type SupplierReport, type SupplierReportList } from "../api.ts";
import { timeChart } from "../charts.ts";
import { emptyState, h, section } from "../dom.ts";
import { count, ms, percent, plural } from "../format.ts";
import { perBucket, percentages } from "../range.ts";
import { rangePicker } from "./range-picker.ts";
import { readRange } from "./route.ts";

/** "closed on 2 gateways", "open on 1 of 2, closed on 1 of 2", or that no running gateway reports it. */
function health(states: SupplierReport["states"]) {
  if (states.length === 0) return { text: "no running gateway reports it", tone: "unknown" };
  const counts = new Map<string, number>();
  for (const state of states) counts.set(state, (counts.get(state) ?? 0) + 1);
  const text = counts.size === 1 ? `${states[0]} on ${plural(states.length, "gateway")}` : [...counts].map(([state, n]) => `${state} on ${n} of ${states.length}`).join(", ");
  return { text, tone: counts.size === 1 && states[0] === "closed" ? "healthy" : "degraded" };
}

export async function suppliers(view: HTMLElement, query: URLSearchParams) {
  const range = readRange(query);
  const list = await get<SupplierReportList>("/suppliers", { since: range.since, until: range.until, bucket: range.bucket });
  view.append(h("div", { class: "page-head" }, h("h1", {}, "Suppliers"), rangePicker("suppliers", range)));
  if (list.data.length === 0) {
    view.append(
      emptyState(
        "No supplier configured",
        "Set GOOGLE_API_KEY or ANTHROPIC_API_KEY for the gateway, or add one with ",
        h("code", {}, "opentoken supplier add <name> --provider google --base-url … --key-env VAR"),
        ".",
      ),
    );
    return;
  }
  for (const supplier of list.data) {
    const state = health(supplier.states);
    const config =
      supplier.provider === null
        ? "configured on another gateway"
        : `${supplier.provider} · ${supplier.source} · priority ${supplier.priority} · weight ${supplier.weight}${supplier.enabled ? "" : " · disabled"} · models: ${supplier.models?.join(", ") ?? "all"}`;
    const errorRate = percentages(perBucket(range, supplier.data, (b) => b.start, (b) => b.failures), perBucket(range, supplier.data, (b) => b.start, (b) => b.attempts));
    view.append(
      h(
        "section",
        { class: "card supplier", "data-supplier": supplier.name },
        h("h2", {}, supplier.name, " ", h("span", { class: `badge ${state.tone}`, "data-testid": "health" }, state.text)),
        h("p", { class: "muted" }, config),
        h(
          "p",
          { "data-testid": "recent" },
          `Last 5 minutes: ${plural(supplier.recent.attempts, "attempt")}, ${count(supplier.recent.failures)} failed (${percent(supplier.recent.failures, supplier.recent.attempts)}), mean time to first byte ${ms(supplier.recent.ttfb_ms)}`,
        ),
        supplier.data.length === 0
          ? emptyState("No attempts in this range", "Its error rate and time to first byte chart here once requests reach it.")
          : h(
              "div",
              { class: "charts" },
              timeChart("Error rate", range.starts, [{ label: "failed attempts", values: errorRate }], (v) => `${Number(v.toFixed(1))}%`, `chart-errors-${supplier.name}`),
              timeChart("Time to first byte (mean)", range.starts, [{ label: "TTFB", values: perBucket(range, supplier.data, (b) => b.start, (b) => b.ttfb_ms, null) }], (v) => `${Number(v.toPrecision(3))} ms`, `chart-ttfb-${supplier.name}`),
            ),
      ),
    );
  }
}
