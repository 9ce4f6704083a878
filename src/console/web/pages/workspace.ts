import { type ApiKey, type CreatedKey, type Credit, del, get, type LedgerPage, type List, patch, path, post, type UsageRow, type Workspace } from "../api.ts";
import { emptyState, figure, h, section, table } from "../dom.ts";
import { confirmButton, field, form, randomToken, select } from "../forms.ts";
import { count, time, usd } from "../format.ts";
import { route } from "./route.ts";
import { workspacePath } from "./workspaces.ts";

const RESETS: [string, string][] = [
  ["", "never (lifetime)"],
  ["daily", "daily"],
  ["weekly", "weekly"],
  ["monthly", "monthly"],
];

/** "google/*, anthropic/claude-haiku-4-5" → a list; empty → absent. */
const modelList = (text: string | undefined) => {
  const models = (text ?? "").split(",").map((model) => model.trim()).filter(Boolean);
  return models.length ? models : undefined;
};
const isoTime = (local: string | undefined) => (local ? new Date(local).toISOString() : undefined);
/** An ISO time as a datetime-local input's value (local time, to the minute); empty for none. */
const localInput = (iso: string | null) => {
  if (!iso) return "";
  const at = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
};

/** What the last action on the page came to, shown once the page is drawn anew after it. */
interface Outcome {
  topUp?: Node;
  created?: CreatedKey;
}

/** A workspace's money, top-up, keys, usage and ledger; every change draws the page anew (into the same `view`). */
export async function workspace(view: HTMLElement, name: string, outcome: Outcome = {}) {
  const base = workspacePath(name);
  const since = new Date(Date.now() - 30 * 86_400_000).toISOString();
  const [ws, keys, ledger, usage] = await Promise.all([
    get<Workspace>(base),
    get<List<ApiKey>>(`${base}/keys`),
    get<LedgerPage>(`${base}/ledger`, { limit: 10 }),
    get<List<UsageRow>>(`${base}/usage`, { group_by: "model", since }),
  ]);
  const redraw = (next: Outcome = {}) => workspace(view, name, next);

  // One Idempotency-Key per top-up: every submit of the same form (a double click) sends it, so the
  // gateway credits once; a new one is drawn once a credit went through.
  let idempotencyKey = randomToken();
  const topUp = form(
    "top-up",
    [field("Amount (USD)", "amount_usd", { required: true, inputmode: "decimal", placeholder: "10.00" }), field("Note", "note", { placeholder: "invoice 1042" })],
    "Add credit",
    async (values, element) => {
      const credit = await post<Credit>(`${base}/credits`, { amount_usd: values.amount_usd, ...(values.note ? { note: values.note } : {}) }, { "idempotency-key": idempotencyKey });
      idempotencyKey = randomToken();
      element.reset();
      const said = h("span", {}, "Credited ", usd(credit.entry.amount_usd), "; balance ", usd(credit.balance_usd));
      await redraw({ topUp: said });
      return said;
    },
    outcome.topUp,
  );

  const createKey = form(
    "create-key",
    [
      field("Name", "name", { placeholder: "backend", autocomplete: "off" }),
      field("Spend limit (USD)", "spend_limit_usd", { inputmode: "decimal", placeholder: "none" }),
      select("Limit resets", "limit_reset", RESETS),
      field("Models", "models", { placeholder: "all, or google/*, anthropic/claude-haiku-4-5" }),
      field("Expires", "expires_at", { type: "datetime-local" }),
    ],
    "Create key",
    async (values) => {
      const created = await post<CreatedKey>(`${base}/keys`, {
        ...(values.name ? { name: values.name } : {}),
        ...(values.spend_limit_usd ? { spend_limit_usd: values.spend_limit_usd } : {}),
        ...(values.limit_reset ? { limit_reset: values.limit_reset } : {}),
        ...(modelList(values.models) ? { models: modelList(values.models) } : {}),
        ...(values.expires_at ? { expires_at: isoTime(values.expires_at) } : {}),
      });
      await redraw({ created });
      return `Created ${created.prefix}…`;
    },
  );

  view.replaceChildren(
    h("div", { class: "page-head" }, h("h1", {}, ws.name), h("a", { href: route("requests", { workspace: ws.name }) }, "Requests →")),
    h(
      "div",
      { class: "figures" },
      figure("Balance", usd(ws.balance_usd, "balance"), "balance", "the ledger's sum"),
      figure("Held", usd(ws.held_usd, "held"), "held", "by requests in flight"),
      figure("Available", usd(ws.available_usd, "available"), "available"),
    ),
    section("Top up", topUp),
    section(
      "Keys",
      outcome.created ? newKey(outcome.created) : null,
      keys.data.length === 0
        ? emptyState("No keys yet", "Create one below: it is shown once.")
        : table(
            ["Key", "Name", "Status", "Spend limit", "Models", "Expires", "Last used", ""],
            keys.data,
            (key) => [
              h("code", {}, `${key.prefix}…`),
              key.name ?? "–",
              h("span", { class: `badge ${key.status}` }, key.status),
              key.spend_limit_usd === null ? "none" : h("span", {}, usd(key.spend_limit_usd), key.limit_reset ? ` ${key.limit_reset}` : " lifetime"),
              key.models?.join(", ") ?? "all",
              time(key.expires_at),
              time(key.last_used_at),
              key.status === "revoked" ? null : keyActions(key, () => redraw()),
            ],
            { testid: "keys" },
          ),
      h("h3", {}, "New key"),
      createKey,
    ),
    section(
      "Usage by model, last 30 days",
      usage.data.length === 0
        ? emptyState("No billed requests", "Usage shows here once one of this workspace's keys is used.")
        : table(["Model", "Requests", "Tokens in", "Tokens out", "Spend"], usage.data, (row) => [row.group, count(row.requests), count(row.input_tokens), count(row.output_tokens), usd(row.cost_usd)], {
            href: (row) => route("requests", { workspace: ws.name, model: row.group }),
          }),
    ),
    section(
      "Recent ledger entries",
      table(["Kind", "Amount", "Note", "Request", "Time"], ledger.data, (entry) => [
        entry.kind,
        usd(entry.amount_usd),
        entry.note ?? "–",
        entry.request_id ? h("a", { href: `#/requests/${encodeURIComponent(entry.request_id)}` }, entry.request_id) : "–",
        time(entry.created_at),
      ], { testid: "ledger" }),
    ),
  );
}

/** The full key, once: with a copy button, and gone the next time the page is drawn. */
function newKey(created: CreatedKey) {
  const input = h("input", { readonly: true, value: created.key, "data-testid": "new-key-value", "aria-label": "The new key" });
  const copied = h("span", { class: "copied", role: "status" });
  const copy = h("button", { type: "button", "data-testid": "copy-key" }, "Copy");
  copy.addEventListener("click", async () => {
    input.select();
    try {
      await navigator.clipboard.writeText(created.key);
    } catch {
      // Outside a secure context (http on a LAN address) there is no clipboard API; the selection remains.
      document.execCommand("copy");
    }
    copied.textContent = "Copied";
  });
  return h(
    "div",
    { class: "new-key", "data-testid": "new-key" },
    h("p", {}, h("strong", {}, `New key ${created.name ?? created.prefix}: `), "copy it now, it is not shown again."),
    h("div", { class: "copy-row" }, input, copy, copied),
  );
}

function keyActions(key: ApiKey, redraw: () => Promise<void>) {
  const expires = localInput(key.expires_at);
  const editor = h("div", { class: "key-editor", hidden: true });
  const edit = h("button", { type: "button", "data-testid": `edit-${key.id}` }, "Edit");
  edit.addEventListener("click", () => {
    editor.hidden = !editor.hidden;
  });
  editor.append(
    form(
      `edit-key-${key.id}`,
      [
        field("Name", "name", { value: key.name ?? "" }),
        field("Spend limit (USD)", "spend_limit_usd", { value: key.spend_limit_usd ?? "", placeholder: "none" }),
        select("Limit resets", "limit_reset", RESETS),
        field("Models", "models", { value: key.models?.join(", ") ?? "", placeholder: "all" }),
        field("Expires", "expires_at", { type: "datetime-local", value: expires }),
      ],
      "Save",
      async (values) => {
        // An emptied field clears the setting; an untouched expiry is not sent (the input drops its seconds).
        await patch(`/keys/${path(key.id)}`, {
          name: values.name || null,
          spend_limit_usd: values.spend_limit_usd || null,
          limit_reset: values.limit_reset || null,
          models: modelList(values.models) ?? null,
          ...((values.expires_at ?? "") !== expires && { expires_at: isoTime(values.expires_at) ?? null }),
        });
        await redraw();
        return "Saved";
      },
    ),
  );
  const reset = editor.querySelector<HTMLSelectElement>('select[name="limit_reset"]');
  if (reset) reset.value = key.limit_reset ?? "";
  const revoke = confirmButton("Revoke", "Confirm revoke", async () => {
    await del(`/keys/${path(key.id)}`);
    await redraw();
  }, `revoke-${key.id}`);
  return h("div", { class: "actions" }, edit, revoke, editor);
}
