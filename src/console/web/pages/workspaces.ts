import { get, path, post, type List, type Workspace } from "../api.ts";
import { emptyState, h, section, table } from "../dom.ts";
import { field, form } from "../forms.ts";
import { plural, time, usd } from "../format.ts";

const href = (workspace: Workspace) => `#/workspaces/${encodeURIComponent(workspace.name)}`;

export async function workspaces(view: HTMLElement) {
  const list = await get<List<Workspace>>("/workspaces");
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
  view.append(
    h("div", { class: "page-head" }, h("h1", {}, "Workspaces")),
    section(
      plural(list.data.length, "workspace"),
      list.data.length === 0
        ? emptyState("No workspaces yet", "Create one below, or with ", h("code", {}, "opentoken workspace create <name> --credit 25"), ".")
        : table(
            ["Name", "Balance", "Held", "Available", "Created"],
            list.data,
            (w) => [h("a", { href: href(w) }, w.name), usd(w.balance_usd), usd(w.held_usd), usd(w.available_usd), time(w.created_at)],
            { href, testid: "workspaces" },
          ),
    ),
    section("New workspace", create),
  );
}

export const workspacePath = (name: string) => `/workspaces/${path(name)}`;
