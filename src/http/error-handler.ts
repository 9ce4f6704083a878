import { ValidationError } from "elysia";
import { ApiError, invalidRequest } from "../errors.ts";

const JSON_HEADERS = { "content-type": "application/json" };

/** nginx's 499: the client closed the request before the reply. */
const CLIENT_CLOSED = new ApiError(499, "invalid_request_error", "client_closed", "the client closed the request");

export function errorResponse(error: ApiError, requestId: string): Response {
  return new Response(JSON.stringify(error.toEnvelope()), {
    status: error.status,
    headers: { ...JSON_HEADERS, "x-request-id": requestId },
  });
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
      return invalidRequest("the request body could not be parsed: send valid JSON with 'Content-Type: application/json'", "invalid_json");
    case "NOT_FOUND":
      return new ApiError(404, "invalid_request_error", "not_found", "no such endpoint; see /docs for the API");
  }
  console.error(`[${requestId}] unexpected error:`, error);
  return new ApiError(500, "api_error", null, `internal error in the gateway (request id ${requestId})`);
}

/** Elysia answers schema violations with 422; the spec wants a 400 that names the field. */
function validationError(error: ValidationError): ApiError {
  const first = error.all[0];
  if (!first || !("path" in first)) return invalidRequest("the request body is invalid", "invalid_request");
  const field = first.path.replace(/^\//, "").replaceAll("/", ".") || "body";
  const detail = first.summary ?? first.message;
  return invalidRequest(`invalid value for '${field}': ${detail}`, "invalid_request", field);
}
