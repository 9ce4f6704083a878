import { h } from "../dom.ts";
import { RANGE_LABELS, RANGE_NAMES, type Range } from "../range.ts";
import { route } from "./route.ts";

/** Links to the same page over the last 24 hours, 7 or 30 days. */
export const rangePicker = (page: string, current: Range) =>
  h(
    "nav",
    { class: "range", "aria-label": "Time range" },
    ...RANGE_NAMES.map((name) =>
      h("a", { href: route(page, { range: name }), class: name === current.name ? "active" : undefined, "aria-current": name === current.name ? "page" : undefined }, RANGE_LABELS[name]),
    ),
  );
