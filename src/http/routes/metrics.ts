import { Elysia, t } from "elysia";
import { constantTimeEqual, hashApiKey } from "../../auth/api-key.ts";
import { bearerToken } from "../../auth/key-cache.ts";
import { forbidden, invalidKey, missingAuth } from "../../errors.ts";
import type { GatewayMetrics } from "../../observability/gateway-metrics.ts";
import { CONTENT_TYPE } from "../../observability/metrics-registry.ts";
import { documentResponses, errorResponse } from "../openapi-responses.ts";
import { requestContext } from "../request-context.ts";

export interface MetricsAccess {
  /** METRICS_TOKEN: scrapers send it as a bearer token. */
  token: string | undefined;
  /** The client's address as the socket sees it; null when unknown (no server). */
  clientAddress(request: Request): string | null;
}

const LOOPBACK = /^(?:127\.|::1$|::ffff:127\.)/;
// A proxy on the same host connects from loopback: a request it forwarded is not a local one.
const FORWARDED = ["forwarded", "x-forwarded-for", "x-real-ip"];
const NOT_LOCAL = forbidden("/metrics answers only loopback clients unless METRICS_TOKEN is set: send it as a bearer token");
const MISSING = missingAuth();
const INVALID = invalidKey();

/** Throws unless the scrape may read the metrics. */
function authorize(request: Request, access: MetricsAccess, tokenHash: string | undefined): void {
  if (tokenHash !== undefined) {
    const token = bearerToken(request.headers.get("authorization"));
    if (token === undefined) throw MISSING;
    if (!constantTimeEqual(hashApiKey(token), tokenHash)) throw INVALID;
    return;
  }
  const address = access.clientAddress(request);
  if (address === null || !LOOPBACK.test(address) || FORWARDED.some((name) => request.headers.has(name))) throw NOT_LOCAL;
}

export const metricsRoutes = (metrics: GatewayMetrics, access: MetricsAccess) => {
  const tokenHash = access.token === undefined ? undefined : hashApiKey(access.token);
  return new Elysia({ name: "metrics" }).use(requestContext).get(
    "/metrics",
    ({ request, ctx }) => {
      authorize(request, access, tokenHash);
      return new Response(metrics.render(), { headers: { "content-type": CONTENT_TYPE, "x-request-id": ctx.requestId } });
    },
    {
      detail: {
        summary: "Prometheus metrics",
        description:
          "The text exposition format. With METRICS_TOKEN set, send it as `Authorization: Bearer <token>`; without it, only direct loopback clients (no proxy headers) may scrape.",
        tags: ["System"],
        responses: documentResponses({
          200: { description: "Metrics in the Prometheus text format", schema: t.String(), contentType: "text/plain" },
          401: errorResponse("authentication_error: missing_auth, invalid_key (with METRICS_TOKEN set)"),
          403: errorResponse("authentication_error: forbidden (not loopback, without METRICS_TOKEN)"),
        }),
      },
    },
  );
};
