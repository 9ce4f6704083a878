import type { TSchema } from "elysia";
import { ErrorEnvelope } from "../openai/error.ts";

/** A response: its schema (JSON unless `contentType` says otherwise), plus schemas for other content types of the same status. */
type Documented = { description: string; schema: TSchema; contentType?: string; alternatives?: Record<string, TSchema> };

/**
 * OpenAPI `responses` from TypeBox schemas. Routes document their replies
 * this way instead of Elysia's `response` option, which would also validate
 * every reply at run time: handlers build their replies from typed code, so
 * that is per-request work with nothing to find.
 */
export function documentResponses(responses: Record<number, Documented>) {
  return Object.fromEntries(
    Object.entries(responses).map(([status, { description, schema, contentType = "application/json", alternatives = {} }]) => [
      status,
      {
        description,
        content: Object.fromEntries(
          Object.entries({ [contentType]: schema, ...alternatives }).map(([type, s]) => [type, { schema: s }]),
        ),
      },
    ]),
  );
}

export const errorResponse = (description: string): Documented => ({ description, schema: ErrorEnvelope });

/** Error responses every authenticated route can give. */
export const authErrorResponses = {
  401: errorResponse("authentication_error: missing_auth, invalid_key or expired_key"),
  500: errorResponse("api_error: unexpected failure inside the gateway"),
};

/** The failures every billed, provider-backed route shares besides its own 400s. */
export const billedRouteErrorResponses = {
  ...authErrorResponses,
  402: errorResponse("insufficient_credit"),
  413: errorResponse("request_too_large"),
  429: errorResponse("spend_limit_exceeded"),
  503: errorResponse("upstream_error / no_supplier: the provider failed or none is configured"),
  504: errorResponse("upstream_error / upstream_timeout"),
};
