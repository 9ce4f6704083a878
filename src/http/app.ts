import type { Server } from "bun";
import { Elysia } from "elysia";
import type { AdminAuthenticator, Authenticator } from "../auth/authenticator.ts";
import type { SessionAuthenticator } from "../auth/console-sessions.ts";
import type { Catalog } from "../catalog/catalog.ts";
import type { ChatDeps } from "../chat/chat-service.ts";
import type { EmbeddingsDeps } from "../embeddings/embeddings-service.ts";
import type { ResponsesDeps } from "../responses/create-response.ts";
import type { Config } from "../config.ts";
import type { Database } from "../db/client.ts";
import type { SupplierConfig } from "../routing/supplier.ts";
import { authenticateAdmin } from "./admin-auth.ts";
import { docs } from "./docs.ts";
import { errorResponse, toApiError } from "./error-handler.ts";
import { requestTooLarge, unsupportedMediaType } from "../errors.ts";
import type { GatewayMetrics } from "../observability/gateway-metrics.ts";
import type { RequestObserver } from "../observability/finished-request.ts";
import { finishRequest } from "./finish-request.ts";
import { IdleTimer } from "./idle-timer.ts";
import { isJsonContentType, readJsonBody } from "./json-body.ts";
import { newRequestContext, requestContext } from "./request-context.ts";
import { adminKeyRoutes } from "./routes/admin-keys.ts";
import { adminRequestRoutes } from "./routes/admin-requests.ts";
import { adminSessionRoutes } from "./routes/admin-session.ts";
import { adminStatsRoutes } from "./routes/admin-stats.ts";
import { adminSupplierRoutes } from "./routes/admin-suppliers.ts";
import { adminWorkspaceRoutes } from "./routes/admin-workspaces.ts";
import { consoleRoutes } from "./routes/console.ts";
import { healthRoutes } from "./routes/health.ts";
import { keyRoutes } from "./routes/key.ts";
import { metricsRoutes } from "./routes/metrics.ts";
import { chatRoutes } from "./routes/chat.ts";
import { embeddingRoutes } from "./routes/embeddings.ts";
import { modelRoutes } from "./routes/models.ts";
import { responseRoutes } from "./routes/responses.ts";

export interface AppDeps {
  config: Pick<Config, "maxBodyBytes" | "httpIdleTimeoutSeconds" | "streamWriteTimeoutMs" | "metricsToken">;
  db: Database;
  catalog: Catalog;
  authenticator: Authenticator;
  adminAuthenticator: AdminAuthenticator;
  /** Console sign-ins: the session cookie, an alternative to a bearer management key on /admin/v1. */
  sessions: SessionAuthenticator;
  /** This gateway's suppliers, for the admin API's supplier list. */
  suppliers: () => readonly SupplierConfig[];
  chat: ChatDeps;
  embeddings: EmbeddingsDeps;
  metrics: GatewayMetrics;
  /** Sees every request end (metrics, access log). */
  observer: RequestObserver;
  responses: ResponsesDeps;
}

export function createApp({ config, db, catalog, authenticator, adminAuthenticator, sessions, suppliers, chat, embeddings, responses, metrics, observer }: AppDeps) {
  const tooLarge = requestTooLarge(config.maxBodyBytes);
  const streamLimits = { writeTimeoutMs: config.streamWriteTimeoutMs };

  // normalize: false — Elysia's default "normalize" rewrites a body to fit the schema before checking it
  // (a string where an object belongs became {"0": "x"} and passed); the wire schemas are open objects instead.
  const serve = {
    // Bun's own body limit answers with a bare 413; the gateway enforces its limit itself (json-body.ts).
    maxRequestBodySize: Number.MAX_SAFE_INTEGER,
    // Elysia's default shares the port with a second gateway started on it, which then serves at random.
    reusePort: false,
    development: false,
    idleTimeout: config.httpIdleTimeoutSeconds,
  };
  // The server exists once the app listens; hooks read it per request.
  let server = (): Server<unknown> | null => null;
  // standardHostname: false — Elysia otherwise finds the path from the 11th character of the URL, so with
  // a Host of 3 characters or fewer "/aa/v1/models" was routed as "/v1/models". The gateway speaks plain
  // HTTP (TLS ends at a proxy), so every URL starts "http://".
  const app = new Elysia({ normalize: false, serve, handler: { standardHostname: false } })
    .use(requestContext)
    .onRequest(async (c) => {
      const live = server();
      const ctx = (c.ctx = newRequestContext(c.request, live ? new IdleTimer(live, c.request, config.httpIdleTimeoutSeconds) : undefined, observer));
      observer.started?.();
      // Elysia's context carries the parsed path at run time; its PreContext type omits it.
      const path = (c as unknown as { path: string }).path;
      const length = Number(c.request.headers.get("content-length") ?? 0);
      if (length > config.maxBodyBytes) {
        ctx.route = staticRoute(path);
        finishRequest(ctx, tooLarge.status, tooLarge.code);
        return errorResponse(tooLarge, ctx.requestId);
      }
      // The docs page loads the spec by a relative URL, which from /docs/ would point below /docs.
      if (path === "/docs/") {
        finishRequest(ctx, 308);
        return Response.redirect("/docs", 308);
      }
      // Keys are checked from the headers before any byte of the body is read: a customer key for /v1, a
      // management key (or the console's session cookie) for /admin/v1, and neither works on the other's routes.
      if (path.startsWith("/v1/")) ctx.principal = await authenticator.authenticate(c.request.headers.get("authorization"));
      else if (path.startsWith("/admin/v1/")) ctx.admin = await authenticateAdmin(c.request, adminAuthenticator, sessions);
    })
    // Every body goes through here, whatever its content type, so none is read unbounded by a default parser.
    .onParse(async ({ ctx, request }) => {
      const contentType = request.headers.get("content-type");
      if (!isJsonContentType(contentType)) throw unsupportedMediaType(contentType ?? "");
      const { value, bytes } = await readJsonBody(request, config.maxBodyBytes, request.method === "DELETE");
      ctx.bodyBytes = bytes;
      // Bun's idle timer would cut a reply that takes longer than it (a slow completion, a long pause
      // between stream events). Until the request's record ends, its own upstream and write deadlines bound it.
      ctx.idleTimer?.holdOff();
      return value;
    })
    // The matched route's template labels the request (metrics, access log); Elysia sets `route` for hooks that read it.
    .onTransform(({ ctx, route }) => {
      ctx.route = route;
    })
    .onAfterHandle(({ ctx, responseValue }) => {
      if (!ctx.streaming) finishRequest(ctx, responseValue instanceof Response ? responseValue.status : 200);
    })
    .onError(({ code, error, ctx, request, route, path }) => {
      const requestId = ctx.requestId;
      const apiError = toApiError(code, error, requestId, request.signal.aborted);
      // Refused before routing (a key, a body that does not parse): the route when the path names one.
      ctx.route ??= route || staticRoute(path);
      finishRequest(ctx, apiError.status, apiError.code);
      return errorResponse(apiError, requestId);
    })
    .use(docs())
    .use(healthRoutes)
    .use(modelRoutes(catalog))
    .use(chatRoutes(chat, streamLimits))
    .use(responseRoutes(responses, streamLimits))
    .use(embeddingRoutes(embeddings))
    .use(keyRoutes(db))
    .use(adminWorkspaceRoutes(db))
    .use(adminKeyRoutes(db))
    .use(adminRequestRoutes(db))
    .use(adminStatsRoutes(db))
    .use(adminSupplierRoutes(db, suppliers))
    .use(adminSessionRoutes(db, sessions))
    .use(consoleRoutes())
    .use(metricsRoutes(metrics, { token: config.metricsToken, clientAddress: (request) => server()?.requestIP(request)?.address ?? null }));
  server = () => app.server;
  // Paths without parameters are their own template; any other unrouted path is "other" (bounded labels).
  const staticPaths = new Set(app.routes.map((r) => r.path).filter((p) => !p.includes(":") && !p.includes("*")));
  const staticRoute = (path: string) => (staticPaths.has(path) ? path : undefined);
  return app;
}

export type App = ReturnType<typeof createApp>;
