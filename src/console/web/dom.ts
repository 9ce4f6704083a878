// DOM building without HTML strings: text goes in as text nodes, never parsed, so names and
// notes a customer chose cannot inject markup (and the CSP's Trusted Types forbid innerHTML anyway).

type Child = Node | string | number | null | undefined | false;
type Attributes = Record<string, string | number | boolean | null | undefined | EventListener>;

/** An element with attributes (`on…` ones as listeners; false/null/undefined omitted) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (typeof value === "function") element.addEventListener(name.slice(2), value);
    else if (value === true) element.setAttribute(name, "");
    else if (value !== false && value !== null && value !== undefined) element.setAttribute(name, String(value));
  }
  append(element, children);
  return element;
}

export function append(parent: Node, children: Child[]) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
  }
}

/** Replaces every child of `parent`. */
export function replace(parent: Node, ...children: Child[]) {
  while (parent.firstChild) parent.removeChild(parent.firstChild);
  append(parent, children);
}

/** A table: header texts, then one row of cells per item; rows link somewhere when `href` gives one. */
export function table<T>(headers: string[], items: T[], cells: (item: T) => Child[], options: { href?: (item: T) => string; testid?: string } = {}) {
  const body = h("tbody");
  for (const item of items) {
    const row = h("tr", {}, ...cells(item).map((cell) => h("td", {}, cell)));
    const href = options.href?.(item);
    if (href) {
      row.classList.add("link");
      row.addEventListener("click", (event) => {
        if (!(event.target instanceof HTMLAnchorElement)) location.hash = href;
      });
    }
    body.appendChild(row);
  }
  return h("div", { class: "table-wrap" }, h("table", { "data-testid": options.testid }, h("thead", {}, h("tr", {}, ...headers.map((text) => h("th", {}, text)))), body));
}

/** A labelled figure: the overview's and a workspace's headline numbers. */
export const figure = (label: string, value: Node | string, id: string, note?: string) =>
  h("div", { class: "figure", "data-figure": id }, h("div", { class: "figure-label" }, label), h("div", { class: "figure-value" }, value), note ? h("div", { class: "figure-note" }, note) : null);

/** What a page shows when it has nothing yet: what it would show, and what to do. */
export const emptyState = (title: string, ...what: Child[]) => h("div", { class: "empty", "data-testid": "empty" }, h("strong", {}, title), h("p", {}, ...what));

export const section = (title: string, ...children: Child[]) => h("section", { class: "card" }, h("h2", {}, title), ...children);
