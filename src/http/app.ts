import type { Server } from "bun";
import { Elysia } from "elysia";
import type { Authenticator } from "../auth/authenticator.ts";
import type { Catalog } from "../catalog/catalog.ts";
import type { ChatDeps } from "../chat/chat-service.ts";
import type { EmbeddingsDeps } from "../embeddings/embeddings-service.ts";
import type { Config } from "../config.ts";
import { docs } from "./docs.ts";
import { errorResponse, toApiError } from "./error-handler.ts";
import { requestTooLarge, unsupportedMediaType } from "../errors.ts";
import { closeWithIdleTimer } from "./bounded-stream.ts";
import { isJsonContentType, readJsonBody } from "./json-body.ts";
import { newRequestContext, requestContext } from "./request-context.ts";
import { healthRoutes } from "./routes/health.ts";
import { chatRoutes } from "./routes/chat.ts";
import { embeddingRoutes } from "./routes/embeddings.ts";
import { modelRoutes } from "./routes/models.ts";

export interface AppDeps {
  config: Pick<Config, "maxBodyBytes" | "httpIdleTimeoutSeconds" | "streamWriteTimeoutMs">;
  catalog: Catalog;
  authenticator: Authenticator;
  chat: ChatDeps;
  embeddings: EmbeddingsDeps;
}

/** Paths that need a customer key; checked from the headers before any byte of the body is read. */
const isCustomerPath = (path: string) => path.startsWith("/v1/");

export function createApp({ config, catalog, authenticator, chat, embeddings }: AppDeps) {
  const tooLarge = requestTooLarge(config.maxBodyBytes);

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
  // standardHostname: false — Elysia otherwise finds the path from the 11th character of the URL, so with
  // a Host of 3 characters or fewer "/aa/v1/models" was routed as "/v1/models". The gateway speaks plain
  // HTTP (TLS ends at a proxy), so every URL starts "http://".
  // The server exists once the app listens; hooks read it per request.
  let server = (): Server<unknown> | null => null;
  const app = new Elysia({ normalize: false, serve, handler: { standardHostname: false } })
    .use(requestContext)
    .onRequest(async (c) => {
      const ctx = (c.ctx = newRequestContext(c.request, closeWithIdleTimer(server(), c.request)));
      const length = Number(c.request.headers.get("content-length") ?? 0);
      if (length > config.maxBodyBytes) return errorResponse(tooLarge, ctx.requestId);
      // Elysia's context carries the parsed path at run time; its PreContext type omits it.
      if (isCustomerPath((c as unknown as { path: string }).path)) ctx.principal = await authenticator.authenticate(c.request.headers.get("authorization"));
    })
    // Every body goes through here, whatever its content type, so none is read unbounded by a default parser.
    .onParse(async ({ ctx, request }) => {
      const contentType = request.headers.get("content-type");
      if (!isJsonContentType(contentType)) throw unsupportedMediaType(contentType ?? "");
      const { value, bytes } = await readJsonBody(request, config.maxBodyBytes);
      ctx.bodyBytes = bytes;
      // Bun's idle timer would cut a reply that takes longer than it (a slow completion, a long
      // pause between stream events). From here the gateway's own upstream and write deadlines bound it.
      server()?.timeout(request, 0);
      return value;
    })
    .onError(({ code, error, ctx, request }) => {
      const requestId = ctx.requestId;
      return errorResponse(toApiError(code, error, requestId, request.signal.aborted), requestId);
    })
    .use(docs())
    .use(healthRoutes)
    .use(modelRoutes(catalog))
    .use(chatRoutes(chat, { writeTimeoutMs: config.streamWriteTimeoutMs }))
    .use(embeddingRoutes(embeddings));
  server = () => app.server;
  return app;
}

export type App = ReturnType<typeof createApp>;
