import { ApiFailure, signIn } from "../api.ts";
import { h } from "../dom.ts";

/** The sign-in form: a management key, exchanged for a session cookie; the key is not kept by the page. */
export function signInPage(root: HTMLElement, notice: string | undefined, signedIn: () => void) {
  const key = h("input", { name: "key", type: "password", required: true, autocomplete: "off", placeholder: "sk-optk-…", "aria-label": "Management key" });
  const status = h("p", { class: "form-status error", role: "alert", "data-testid": "sign-in-error" }, notice ?? "");
  const form = h(
    "form",
    { class: "sign-in card", "data-testid": "sign-in" },
    h("h1", {}, "OpenToken console"),
    h("p", { class: "muted" }, "Sign in with a management key. Create one on the gateway's host with ", h("code", {}, "opentoken admin-key create <name>"), "."),
    h("label", { class: "field" }, h("span", {}, "Management key"), key),
    h("button", { type: "submit" }, "Sign in"),
    status,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    status.textContent = "";
    try {
      await signIn(key.value.trim());
      key.value = "";
      signedIn();
    } catch (error) {
      status.textContent =
        error instanceof ApiFailure && error.status === 401 ? "That is not a management key (customer keys cannot sign in), or it was revoked." : String(error instanceof Error ? error.message : error);
    }
  });
  root.replaceChildren(h("main", { class: "centered" }, form));
  key.focus();
}
