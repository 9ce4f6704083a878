/** How often a key's spend limit starts afresh (UTC, like OpenRouter); null = lifetime. */
export type LimitReset = "daily" | "weekly" | "monthly";

export const LIMIT_RESETS: readonly LimitReset[] = ["daily", "weekly", "monthly"];

const LIFETIME = new Date(0);
const DAY_MS = 86_400_000;

/** The start of the period that `now` falls in: UTC midnight, Monday, or the 1st. */
export function periodStart(reset: LimitReset | null, now: Date): Date {
  if (reset === null) return LIFETIME;
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  switch (reset) {
    case "daily":
      return new Date(midnight);
    case "weekly":
      // getUTCDay(): Sunday = 0; weeks start on Monday.
      return new Date(midnight - ((now.getUTCDay() + 6) % 7) * DAY_MS);
    case "monthly":
      return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  }
}

/** When the current period ends, or null for a lifetime limit. */
export function nextReset(reset: LimitReset | null, now: Date): Date | null {
  if (reset === null) return null;
  const start = periodStart(reset, now);
  switch (reset) {
    case "daily":
      return new Date(start.getTime() + DAY_MS);
    case "weekly":
      return new Date(start.getTime() + 7 * DAY_MS);
    case "monthly":
      return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
  }
}
