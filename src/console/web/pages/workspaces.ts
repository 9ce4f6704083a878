import { get, path, post, type Workspace, type WorkspacePage } from "../api.ts";
import { emptyState, h, replace, section, table } from "../dom.ts";
import { field, form } from "../forms.ts";
import { time, usd } from "../format.ts";
import { route } from "./route.ts";

const PAGE = 100;

const href = (workspace: Workspace) => `#/workspaces/${encodeURIComponent(workspace.name)}`;

/** Workspaces by name, a page at a time, those starting with the typed prefix. */
export async function workspaces(view: HTMLElement, query: URLSearchParams) {
  const prefix = query.get("prefix") ?? undefined;
  const first = await get<WorkspacePage>("/workspaces", { prefix, limit: PAGE });
  const create = form(
    "create-workspace",
    [field("Name", "name", { required: true, placeholder: "acme", autocomplete: "off" }), field("Initial credit (USD)", "credit_usd", { inputmode: "decimal", placeholder: "25.00" })],
    "Create workspace",
    async (values) => {
      const created = await post<Workspace>("/workspaces", { name: values.name, ...(values.credit_usd ? { credit_usd: values.credit_usd } : {}) });
      location.hash = href(created);
      return `Created ${created.name}`;
    },
  );
  const search = h(
    "form",
    { class: "inline-form filters", "data-testid": "workspace-search" },
    h("label", { class: "field" }, h("span", {}, "Name starts with"), h("input", { name: "prefix", value: prefix ?? "", autocomplete: "off", placeholder: "any" })),
    h("button", { type: "submit" }, "Find"),
  );
  search.addEventListener("submit", (event) => {
    event.preventDefault();
    location.hash = route("workspaces", { prefix: String(new FormData(search).get("prefix") ?? "").trim() });
  });

  const shown: Workspace[] = [...first.data];
  const rows = h("div");
  const more = h("button", { type: "button", "data-testid": "more-workspaces" }, "Load more");
  let after = first.next_after;
  const render = () => {
    more.hidden = after === null;
    replace(
      rows,
      shown.length === 0
        ? prefix
          ? emptyState("No workspace matches", "Clear the search to see them all.")
          : emptyState("No workspaces yet", "Create one below, or with ", h("code", {}, "opentoken workspace create <name> --credit 25"), ".")
        : table(
            ["Name", "Balance", "Held", "Available", "Created"],
            shown,
            (w) => [h("a", { href: href(w) }, w.name), usd(w.balance_usd), usd(w.held_usd), usd(w.available_usd), time(w.created_at)],
            { href, testid: "workspaces" },
          ),
    );
  };
  more.addEventListener("click", async () => {
    const page = await get<WorkspacePage>("/workspaces", { prefix, limit: PAGE, after: after ?? undefined });
    shown.push(...page.data);
    after = page.next_after;
    render();
  });
  render();
  view.append(
    h("div", { class: "page-head" }, h("h1", {}, "Workspaces")),
    section("Find", search),
    section("By name", rows, more),
    section("New workspace", create),
  );
}

export const workspacePath = (name: string) => `/workspaces/${path(name)}`;
