import { get, path, type RequestPage, type RequestRecord } from "../api.ts";
import { emptyState, h, replace, section, table } from "../dom.ts";
import { count, ms, time, usd } from "../format.ts";
import { route } from "./route.ts";

const FILTERS = ["workspace", "key", "model", "supplier", "status"] as const;
const PAGE = 50;
const PLACEHOLDERS = { workspace: "name or id", key: "key_…", model: "any", supplier: "any" };

/** Recent usage records, filtered as the query says, each opening its full record. */
export async function requests(view: HTMLElement, query: URLSearchParams) {
  const filter = Object.fromEntries(FILTERS.map((name) => [name, query.get(name) ?? undefined]));
  const first = await get<RequestPage>("/requests", { ...filter, limit: PAGE });

  const filters = h(
    "form",
    { class: "inline-form filters", "data-testid": "request-filters" },
    ...(["workspace", "key", "model", "supplier"] as const).map((name) => h("label", { class: "field" }, h("span", {}, name[0]!.toUpperCase() + name.slice(1)), h("input", { name, value: filter[name] ?? "", placeholder: PLACEHOLDERS[name] }))),
    h("label", { class: "field" }, h("span", {}, "Status"), h("select", { name: "status" }, ...["", "completed", "incomplete"].map((s) => h("option", { value: s, selected: s === (filter.status ?? "") }, s || "any")))),
    h("button", { type: "submit" }, "Filter"),
  );
  filters.addEventListener("submit", (event) => {
    event.preventDefault();
    location.hash = route("requests", Object.fromEntries([...new FormData(filters)].map(([name, value]) => [name, String(value).trim()])));
  });

  const rows = h("div");
  const more = h("button", { type: "button", "data-testid": "more" }, "Load more");
  const show = (page: RequestPage) => {
    more.hidden = !page.has_more;
    more.dataset.before = page.next_before ?? "";
  };
  const records: RequestRecord[] = [...first.data];
  const render = () =>
    replace(
      rows,
      records.length === 0
        ? emptyState("No requests match", Object.values(filter).some(Boolean) ? "Clear a filter to see more." : "Billed requests show here as soon as they are settled.")
        : table(
            ["Time", "Workspace", "Key", "Model", "Supplier", "Status", "Tokens in / out", "Cost", "Duration", "TTFB"],
            records,
            (r) => [
              time(r.created_at),
              r.workspace,
              h("code", {}, r.key_id),
              r.model,
              r.supplier ?? "–",
              h("span", { class: `badge ${r.status ?? ""}` }, r.status ?? "–"),
              `${count(r.input_tokens)} / ${count(r.output_tokens)}`,
              usd(r.cost_usd),
              ms(r.duration_ms),
              ms(r.ttfb_ms),
            ],
            { href: (r) => `#/requests/${encodeURIComponent(r.request_id)}`, testid: "requests" },
          ),
    );
  more.addEventListener("click", async () => {
    const page = await get<RequestPage>("/requests", { ...filter, limit: PAGE, before: more.dataset.before });
    records.push(...page.data);
    show(page);
    render();
  });
  show(first);
  render();
  view.append(h("div", { class: "page-head" }, h("h1", {}, "Requests")), section("Filter", filters), section("Billed requests, newest first", rows, more));
}

/** One request's full usage record, the cost as its exact decimal. */
export async function requestRecord(view: HTMLElement, id: string) {
  const record = await get<RequestRecord>(`/requests/${path(id)}`);
  const rows: [string, Node | string][] = [
    ["Request id", h("code", {}, record.request_id)],
    ["Time", time(record.created_at)],
    ["Workspace", h("a", { href: `#/workspaces/${encodeURIComponent(record.workspace)}` }, record.workspace)],
    ["Key", h("a", { href: route("requests", { key: record.key_id }) }, record.key_id)],
    ["Model", record.model],
    ["Supplier", record.supplier ?? "–"],
    ["Status", record.status ?? "–"],
    ["Input tokens", count(record.input_tokens)],
    ["Cached tokens", count(record.cached_tokens)],
    ["Cache write tokens", count(record.cache_write_tokens)],
    ["Output tokens", count(record.output_tokens)],
    ["Reasoning tokens", count(record.reasoning_tokens)],
    ["Cost (exact)", h("span", { "data-testid": "record-cost" }, `$${record.cost_usd}`)],
    ["Estimated", record.estimated ? "yes: some counts are the gateway's estimate (a stream cut short)" : "no"],
    ["Duration", ms(record.duration_ms)],
    ["Time to first byte", ms(record.ttfb_ms)],
  ];
  view.append(
    h("div", { class: "page-head" }, h("h1", {}, "Request"), h("a", { href: "#/requests" }, "← Requests")),
    section(record.request_id, h("dl", { class: "record", "data-testid": "record" }, ...rows.flatMap(([label, value]) => [h("dt", {}, label), h("dd", {}, value)]))),
  );
}
