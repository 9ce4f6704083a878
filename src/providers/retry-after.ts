/** Longest wait passed on from a provider: a date far ahead is a provider's mistake, not a plan. */
const MAX_RETRY_AFTER_SECONDS = 3600;

/**
 * A `Retry-After` header (RFC 9110: delay-seconds or an HTTP-date) as whole
 * seconds from now, at least 1; undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const text = value.trim();
  // An HTTP-date names its day and month; anything else must be a plain number.
  const seconds = /^\d+(?:\.\d+)?$/.test(text) ? Number(text) : /[a-z]/i.test(text) ? (Date.parse(text) - now) / 1000 : NaN;
  if (!Number.isFinite(seconds)) return undefined;
  return retryAfterSeconds(seconds);
}

/** A provider's delay (Retry-After, Gemini's RetryInfo) as the whole seconds passed on: rounded up, 1 to an hour. */
export function retryAfterSeconds(seconds: number): number {
  return Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(1, Math.ceil(seconds)));
}
