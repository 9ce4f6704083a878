// The operator console: a single page on the documented /admin/v1 routes, served by the gateway
// itself (src/http/routes/console.ts). Hash routes: #/overview, #/workspaces[/name], #/requests[/id],
// #/suppliers; queries carry ranges and filters, so every view has an address.
import { ApiFailure, currentSession, onSignedOut, resume, signOut } from "./api.ts";
import { destroyCharts } from "./charts.ts";
import { h } from "./dom.ts";
import { overview } from "./pages/overview.ts";
import { requestRecord, requests } from "./pages/requests.ts";
import { signInPage } from "./pages/sign-in.ts";
import { suppliers } from "./pages/suppliers.ts";
import { workspace } from "./pages/workspace.ts";
import { workspaces } from "./pages/workspaces.ts";

const root = document.body;
const PAGES = [
  ["overview", "Overview"],
  ["workspaces", "Workspaces"],
  ["requests", "Requests"],
  ["suppliers", "Suppliers"],
] as const;

function parseHash() {
  const [path = "", query = ""] = location.hash.replace(/^#\/?/, "").split("?", 2);
  const [page = "overview", ...rest] = path.split("/").map(decodeURIComponent);
  return { page, id: rest.join("/") || undefined, query: new URLSearchParams(query) };
}

async function renderPage(view: HTMLElement) {
  const { page, id, query } = parseHash();
  switch (page) {
    case "workspaces":
      return id ? workspace(view, id) : workspaces(view, query);
    case "requests":
      return id ? requestRecord(view, id) : requests(view, query);
    case "suppliers":
      return suppliers(view, query);
    default:
      return overview(view, query);
  }
}

let shell: { nav: HTMLElement; main: HTMLElement } | undefined;
let rendering = 0;

function showShell() {
  const signOutButton = h("button", { type: "button", class: "sign-out", "data-testid": "sign-out" }, "Sign out");
  signOutButton.addEventListener("click", async () => {
    await signOut().catch(() => {});
    showSignIn("Signed out.");
  });
  const nav = h("nav", { class: "pages", "aria-label": "Pages" }, ...PAGES.map(([page, label]) => h("a", { href: `#/${page}`, "data-page": page }, label)));
  const main = h("main", { id: "view" });
  root.replaceChildren(
    h("header", { class: "top" }, h("a", { class: "brand", href: "#/overview" }, "OpenToken"), nav, h("span", { class: "who", "data-testid": "who" }, currentSession()?.admin_key.name ?? ""), signOutButton),
    main,
  );
  shell = { nav, main };
}

async function render() {
  if (!shell) return;
  const token = ++rendering;
  destroyCharts();
  const { page } = parseHash();
  for (const link of shell.nav.querySelectorAll("a")) link.classList.toggle("active", link.dataset.page === page);
  const view = h("div", { class: "page", "aria-busy": "true" });
  shell.main.replaceChildren(view);
  try {
    await renderPage(view);
  } catch (error) {
    if (token !== rendering || (error instanceof ApiFailure && error.status === 401)) return;
    view.replaceChildren(h("div", { class: "card error", role: "alert" }, h("strong", {}, "Could not load this page: "), error instanceof Error ? error.message : String(error)));
  } finally {
    view.removeAttribute("aria-busy");
  }
}

function showSignIn(notice?: string) {
  shell = undefined;
  destroyCharts();
  signInPage(root, notice, () => {
    showShell();
    void render();
  });
}

onSignedOut(() => showSignIn("Your session ended: sign in again."));
window.addEventListener("hashchange", () => void render());

const session = await resume();
if (session) {
  showShell();
  await render();
} else showSignIn();
