import { h } from "./dom.ts";
import { displayUsd } from "./money.ts";

/** Money as shown everywhere: rounded to 4 significant digits, the exact decimal on hover. */
export const usd = (exact: string, testid?: string) => h("span", { class: "money", title: `$${exact} exactly`, "data-exact": exact, "data-testid": testid }, displayUsd(exact));

export const count = (n: number) => n.toLocaleString("en-US");

/** "1 attempt", "5 attempts". */
export const plural = (n: number, noun: string) => `${count(n)} ${noun}${n === 1 ? "" : "s"}`;

export const ms = (value: number | null) => (value === null ? "–" : `${count(value)} ms`);

/** A share as a percentage with one decimal ("–" of nothing). */
export const percent = (part: number, whole: number) => (whole === 0 ? "–" : `${((100 * part) / whole).toFixed(1)}%`);

/** "12-01 14:03:07" in the viewer's time zone (the year too when it is not this one); the ISO time on hover. */
export function time(iso: string | null) {
  if (iso === null) return "–";
  const date = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  const year = date.getFullYear() === new Date().getFullYear() ? "" : `${date.getFullYear()}-`;
  const text = `${year}${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  return h("time", { datetime: iso, title: iso }, text);
}
