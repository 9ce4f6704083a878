import type { TSchema } from "elysia";
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
      401: errorResponse("authentication_error: missing_auth or invalid_key (a management key is required)"),
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
