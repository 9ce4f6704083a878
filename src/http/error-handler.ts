import type { ValueError } from "@sinclair/typebox/errors";
import type { ValidationError } from "elysia";
import { ApiError, clientClosed, internalError, invalidJson, invalidRequest, notFound } from "../errors.ts";

const CLIENT_CLOSED = clientClosed();
const NOT_FOUND = notFound();
const UNPARSABLE = invalidJson();
const DATA_EXCEPTION = invalidRequest("a value is out of range or holds a character the database cannot store (such as a NUL byte)");

/**
 * PostgreSQL's data exceptions (SQLSTATE class 22: a number out of range, a
 * NUL byte in text) come from values a client sent that no schema bounds
 * exactly (a balance pushed past bigint, a NUL in a name): a 400, not a 500.
 * Drivers and drizzle wrap the database's error, so the causes are searched.
 */
function isDataException(error: unknown): boolean {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 4; cause = cause.cause, depth++) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === "string" && code.startsWith("22")) return true;
  }
  return false;
}

/** An error as the OpenAI envelope, with the request id and, when the error has one, Retry-After. */
export function errorResponse(error: ApiError, requestId: string): Response {
  const headers: Record<string, string> = { "content-type": "application/json", "x-request-id": requestId };
  if (error.retryAfterSeconds !== undefined) headers["retry-after"] = String(error.retryAfterSeconds);
  return new Response(JSON.stringify(error.toEnvelope()), { status: error.status, headers });
}

/**
 * Maps every failure, Elysia's own included, to the OpenAI error envelope.
 * Unexpected errors become a 500 that names the request id and nothing else;
 * the details go to the log under that id.
 */
export function toApiError(code: string | number, error: unknown, requestId: string, clientGone = false): ApiError {
  if (error instanceof ApiError) return error;
  // The client disconnected and the work it started was aborted: nobody reads this reply, nothing went wrong here.
  if (clientGone) return CLIENT_CLOSED;
  // Elysia wraps whatever a body parser throws (e.g. our 413) in a ParseError.
  if (error instanceof Error && error.cause instanceof ApiError) return error.cause;
  switch (code) {
    case "VALIDATION":
      return validationError(error as ValidationError);
    case "PARSE":
      return UNPARSABLE;
    case "NOT_FOUND":
      return NOT_FOUND;
  }
  if (isDataException(error)) return DATA_EXCEPTION;
  console.error(`[${requestId}] unexpected error:`, error);
  return internalError(requestId);
}

/** Elysia answers schema violations with 422; the spec wants a 400 that names the field. */
function validationError(error: ValidationError): ApiError {
  const first = error.all[0];
  if (!first || !("path" in first)) return invalidRequest("the request body is invalid");
  const specific = mostSpecific(first);
  const field = specific.path.replace(/^\//, "").replaceAll("/", ".") || "body";
  return invalidRequest(`invalid value for '${field}': ${describe(specific)}`, field);
}

/**
 * A union reports its failure at its own path ("messages.0.content should be
 * one of string, array, null"); the variant that got furthest names the
 * actual field (messages.0.content.0.type), as a client needs it.
 */
function mostSpecific(error: ValueError): ValueError {
  let best = error;
  for (const variant of error.errors ?? []) {
    const first = variant.First();
    if (!first) continue;
    const candidate = mostSpecific(first);
    if (candidate.path.length > best.path.length) best = candidate;
  }
  return best;
}

/** "must be one of "system", "user", …" for a union of literals; TypeBox's own message otherwise. */
function describe(error: ValueError): string {
  const variants = (error.schema as { anyOf?: { const?: unknown }[] }).anyOf;
  if (variants?.length && variants.every((variant) => variant.const !== undefined)) {
    return `must be one of ${variants.map((variant) => JSON.stringify(variant.const)).join(", ")}`;
  }
  return error.message;
}
