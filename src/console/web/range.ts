// The overview's and the suppliers' time ranges: the last 24 hours by hour, 7 or 30 days by (UTC) day,
// the current bucket included, so the API's buckets line up with the charts' x values.

export type RangeName = "24h" | "7d" | "30d";

export interface Range {
  name: RangeName;
  bucket: "hour" | "day";
  since: string;
  until: string;
  /** Every bucket's start, epoch seconds (uPlot's x values). */
  starts: number[];
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const SHAPES: Record<RangeName, { bucket: "hour" | "day"; size: number; buckets: number }> = {
  "24h": { bucket: "hour", size: HOUR, buckets: 24 },
  "7d": { bucket: "day", size: DAY, buckets: 7 },
  "30d": { bucket: "day", size: DAY, buckets: 30 },
};
export const RANGE_NAMES = Object.keys(SHAPES) as RangeName[];
export const RANGE_LABELS: Record<RangeName, string> = { "24h": "24 hours", "7d": "7 days", "30d": "30 days" };

export function rangeOf(name: RangeName, now = Date.now()): Range {
  const { bucket, size, buckets } = SHAPES[name];
  const first = Math.floor(now / size) * size - (buckets - 1) * size;
  const starts = Array.from({ length: buckets }, (_, i) => (first + i * size) / 1000);
  return { name, bucket, since: new Date(first).toISOString(), until: new Date(now).toISOString(), starts };
}

export const isRangeName = (value: string | null): value is RangeName => value !== null && value in SHAPES;

/** One value per bucket start from rows keyed by ISO start, summed; `empty` where a bucket has none. */
export function perBucket<T>(range: Range, rows: T[], start: (row: T) => string, value: (row: T) => number | null, empty: number | null = 0): (number | null)[] {
  const byStart = new Map<number, number>();
  for (const row of rows) {
    const at = Date.parse(start(row)) / 1000;
    const v = value(row);
    if (v !== null) byStart.set(at, (byStart.get(at) ?? 0) + v);
  }
  return range.starts.map((at) => byStart.get(at) ?? empty);
}

/** parts[i] as a percentage of wholes[i]; null where the whole is none. */
export const percentages = (parts: (number | null)[], wholes: (number | null)[]) => wholes.map((whole, i) => (whole ? (100 * (parts[i] ?? 0)) / whole : null));
