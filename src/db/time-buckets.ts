import { type SQL, sql } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";

/** The console's time buckets: hours for a day, days (UTC) for a week or a month. */
export type Bucket = "hour" | "day";

/** [since, until) cut into buckets. */
export interface BucketedRange {
  since: Date;
  until: Date;
  bucket: Bucket;
}

const BUCKET_UNITS: Record<Bucket, string> = { hour: "'hour'", day: "'day'" };

/**
 * A bucket's start as ISO-8601 UTC text, the same from postgres.js and PGlite. The unit is a literal, not a
 * parameter: GROUP BY must repeat the select's expression exactly.
 */
export const bucketStart = (column: PgColumn | SQL, bucket: Bucket) =>
  sql<string>`to_char(date_trunc(${sql.raw(BUCKET_UNITS[bucket])}, ${column}, 'UTC') at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;

/** `column` within [since, until). */
export const withinRange = (column: string, range: { since: Date; until: Date }) =>
  sql`${sql.raw(column)} >= ${range.since.toISOString()}::timestamptz and ${sql.raw(column)} < ${range.until.toISOString()}::timestamptz`;
