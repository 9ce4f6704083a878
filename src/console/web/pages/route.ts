import { isRangeName, type Range, rangeOf } from "../range.ts";

/** The range a page's query names (`range=7d`); the last 24 hours without one. */
export const readRange = (query: URLSearchParams): Range => {
  const name = query.get("range");
  return rangeOf(isRangeName(name) ? name : "24h");
};

/** A console address: a page and its query, without empty values. */
export function route(page: string, query: Record<string, string | undefined> = {}) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value) params.set(name, value);
  const text = params.toString();
  return `#/${page}${text ? `?${text}` : ""}`;
}
