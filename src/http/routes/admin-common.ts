import type { TSchema } from "elysia";
import type { Bucket, BucketedRange } from "../../db/time-buckets.ts";
import { invalidRequest } from "../../errors.ts";
import { documentResponses, errorResponse } from "../openapi-responses.ts";

/** OpenAPI for an admin route: its tag, its security scheme, its replies and the errors every admin route can give. */
export function adminDetail(summary: string, description: string, ok: { status?: number; schema: TSchema; description: string }, errors: Record<number, string> = {}) {
  return {
    summary,
    description,
    tags: ["Admin"],
    security: [{ adminKey: [] }],
    responses: documentResponses({
      [ok.status ?? 200]: { description: ok.description, schema: ok.schema },
      400: errorResponse("invalid_request_error: a field is invalid (param names it)"),
      401: errorResponse("authentication_error: missing_auth or invalid_key (a management key is required), or invalid_session (the console's cookie)"),
      403: errorResponse("authentication_error: forbidden (a call with the console's session cookie that changes something, without its X-CSRF-Token)"),
      ...Object.fromEntries(Object.entries(errors).map(([status, text]) => [status, errorResponse(text)])),
      500: errorResponse("api_error"),
    }),
  };
}

/** An ISO-8601 time from a query or body field; a bad one is a 400 naming it. */
export function timeParam(value: string | undefined, param: string): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime())) {
    throw invalidRequest(`'${param}' must be an ISO-8601 time, e.g. 2026-12-01T00:00:00Z`, param);
  }
  return date;
}

const BUCKET_MS: Record<Bucket, number> = { hour: 3_600_000, day: 86_400_000 };
/** Without `since`: the last 24 hours by hour, the last 30 days by day, the current bucket included. */
const DEFAULT_BUCKETS: Record<Bucket, number> = { hour: 24, day: 30 };
/** Bounds what one query adds up: 41 days by hour, 2.7 years by day. */
const MAX_BUCKETS = 1000;

/** [since, until) and its bucket from a query; a reversed or too long range is a 400 naming `since`. */
export function rangeParams(query: { since?: string; until?: string; bucket?: Bucket }, now = new Date()): BucketedRange {
  const bucket = query.bucket ?? "hour";
  const size = BUCKET_MS[bucket];
  const until = timeParam(query.until, "until") ?? now;
  const since = timeParam(query.since, "since") ?? new Date(Math.floor(until.getTime() / size) * size - (DEFAULT_BUCKETS[bucket] - 1) * size);
  if (since >= until) throw invalidRequest("'since' must be before 'until'", "since");
  if ((until.getTime() - since.getTime()) / size > MAX_BUCKETS) {
    throw invalidRequest(`at most ${MAX_BUCKETS} ${bucket}s at once: narrow 'since' and 'until'${bucket === "hour" ? " or use bucket=day" : ""}`, "since");
  }
  return { since, until, bucket };
}

export const presentRange = (range: BucketedRange) => ({ bucket: range.bucket, since: range.since.toISOString(), until: range.until.toISOString() });

/** A newest-first page from rows fetched one past `limit`: `has_more`, and the cursor that continues below its last row. */
export function cursorPage<R, T>(rows: R[], limit: number, present: (row: R) => T, cursor: (row: R) => string) {
  const page = rows.slice(0, limit);
  const hasMore = rows.length > limit;
  return { object: "list" as const, data: page.map(present), has_more: hasMore, next_before: hasMore ? cursor(page.at(-1)!) : null };
}
