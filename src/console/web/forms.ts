import { ApiFailure } from "./api.ts";
import { h } from "./dom.ts";

/** A labelled input; `name` is what the form's data calls it. */
export const field = (label: string, name: string, attributes: Record<string, string | boolean | undefined> = {}) =>
  h("label", { class: "field" }, h("span", {}, label), h("input", { name, ...attributes }));

export const select = (label: string, name: string, options: [string, string][]) =>
  h("label", { class: "field" }, h("span", {}, label), h("select", { name }, ...options.map(([value, text]) => h("option", { value }, text))));

/**
 * A form that calls `submit` with its values and shows the outcome: the
 * gateway's own error message (it names the field), or what `submit` says
 * (unless the page was drawn anew meanwhile: then `outcome` of the new form says it).
 */
export function form(
  testid: string,
  fields: Node[],
  button: string,
  submit: (values: Record<string, string>, form: HTMLFormElement) => Promise<string | Node>,
  /** What the last submit came to, when the page was drawn anew after it. */
  outcome?: string | Node,
) {
  const status = h("p", { class: "form-status", role: "status", "data-testid": `${testid}-status` }, outcome);
  const element = h("form", { class: "inline-form", "data-testid": testid }, ...fields, h("button", { type: "submit" }, button), status);
  element.addEventListener("submit", async (event) => {
    event.preventDefault();
    const values = Object.fromEntries([...new FormData(element)].map(([name, value]) => [name, String(value).trim()]));
    status.className = "form-status";
    status.textContent = "…";
    try {
      const result = await submit(values, element);
      if (element.isConnected) status.replaceChildren(result);
    } catch (error) {
      status.className = "form-status error";
      status.textContent = error instanceof ApiFailure ? error.message : String(error);
    }
  });
  return element;
}

/** Random text from the CSPRNG (crypto.randomUUID needs a secure context; a LAN address over http is not one). */
export function randomToken(): string {
  return [...crypto.getRandomValues(new Uint8Array(16))].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** A button that acts on a second click within a few seconds ("Revoke" → "Confirm revoke"). */
export function confirmButton(label: string, confirmLabel: string, act: () => Promise<void>, testid?: string) {
  const button = h("button", { type: "button", class: "danger", "data-testid": testid }, label);
  let armed: ReturnType<typeof setTimeout> | undefined;
  button.addEventListener("click", async () => {
    if (armed === undefined) {
      button.textContent = confirmLabel;
      armed = setTimeout(() => {
        armed = undefined;
        button.textContent = label;
      }, 4000);
      return;
    }
    clearTimeout(armed);
    armed = undefined;
    button.disabled = true;
    try {
      await act();
    } catch (error) {
      button.disabled = false;
      button.textContent = label;
      button.title = error instanceof ApiFailure ? error.message : String(error);
    }
  });
  return button;
}
