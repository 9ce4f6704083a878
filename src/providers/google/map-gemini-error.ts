import { type ApiError, noSupplier, upstreamInvalidRequest } from "../../errors.ts";
import { retryAfterSeconds } from "../retry-after.ts";
import { supplierFailureOf } from "../supplier-failure.ts";
import type { GeminiError } from "./gemini-api-types.ts";

const INVALID_REQUEST_STATUSES = new Set(["INVALID_ARGUMENT", "FAILED_PRECONDITION", "NOT_FOUND"]);

/**
 * A non-2xx generateContent reply → the spec's error table (reference C.10):
 * the caller's bad request stays a 400 with Google's message; a rejected
 * gateway key, quota, overload or outage means no supplier (503). A 429's
 * RetryInfo.retryDelay becomes the Retry-After the client sees.
 */
export function mapGeminiError(status: number, bodyText: string): ApiError {
  const error = parseError(bodyText);
  if (status === 401 || status === 403 || isBadApiKey(error)) {
    // Never pass the provider's text on here: it is about the gateway's key.
    return noSupplier(`google rejected the gateway's credentials (${describeStatus(status, error)})`, "credentials");
  }
  const invalid = status === 404 || (status === 400 && (!error?.status || INVALID_REQUEST_STATUSES.has(error.status)));
  if (invalid) {
    return upstreamInvalidRequest(error?.message ? scrub(error.message) : `google rejected the request (${status})`);
  }
  return noSupplier(describeGeminiError(status, error), supplierFailureOf(status), retryDelaySeconds(error));
}

/** "google returned 429 RESOURCE_EXHAUSTED: <message>", shared with mid-stream errors. */
export function describeGeminiError(status: number | undefined, error: GeminiError | undefined): string {
  const message = error?.message ? `: ${scrub(error.message)}` : "";
  return `google returned ${describeStatus(status, error)}${message}`;
}

function describeStatus(status: number | undefined, error: GeminiError | undefined): string {
  return [status ?? error?.code, error?.status].filter((part) => part !== undefined).join(" ") || "an error";
}

function parseError(bodyText: string): GeminiError | undefined {
  try {
    const error = (JSON.parse(bodyText) as { error?: unknown })?.error;
    return typeof error === "object" && error !== null ? (error as GeminiError) : undefined;
  } catch {
    return undefined;
  }
}

/** Google answers an invalid key with 400 INVALID_ARGUMENT and reason API_KEY_INVALID. */
const isBadApiKey = (error: GeminiError | undefined) =>
  error?.details?.some((detail) => detail.reason?.startsWith("API_KEY_")) ?? false;

/** `google.rpc.RetryInfo.retryDelay` ("34.4s", fixture google-429-retry-info.json) in whole seconds, as Retry-After is. */
function retryDelaySeconds(error: GeminiError | undefined): number | undefined {
  for (const detail of error?.details ?? []) {
    const match = /^(\d+(?:\.\d+)?)s$/.exec(String(detail.retryDelay ?? ""));
    if (match) return retryAfterSeconds(Number(match[1]));
  }
  return undefined;
}

/** Provider text reaches clients: drop links (internal or Google docs) and anything shaped like a Google key. */
function scrub(message: string): string {
  return message
    .replace(/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, "<url>")
    .replace(/AIza[0-9A-Za-z_-]{20,}/g, "<redacted>")
    .trim();
}
