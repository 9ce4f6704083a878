import { Elysia } from "elysia";
import type { Authenticator } from "../auth/authenticator.ts";
import type { Catalog } from "../catalog/catalog.ts";
import type { ChatDeps } from "../chat/chat-service.ts";
import type { EmbeddingsDeps } from "../embeddings/embeddings-service.ts";
import type { Config } from "../config.ts";
import { docs } from "./docs.ts";
import { errorResponse, toApiError } from "./error-handler.ts";
import { requestTooLarge, unsupportedMediaType } from "../errors.ts";
import { isJsonContentType, readJsonBody } from "./json-body.ts";
import { newRequestContext, requestContext } from "./request-context.ts";
import { healthRoutes } from "./routes/health.ts";
import { chatRoutes } from "./routes/chat.ts";
import { embeddingRoutes } from "./routes/embeddings.ts";
import { modelRoutes } from "./routes/models.ts";

export interface AppDeps {
  config: Pick<Config, "maxBodyBytes">;
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
  // Bun's own body limit answers with a bare 413; the gateway enforces its limit itself (json-body.ts).
  return new Elysia({ normalize: false, serve: { maxRequestBodySize: Number.MAX_SAFE_INTEGER } })
    .use(requestContext)
    .onRequest(async (c) => {
      const ctx = (c.ctx = newRequestContext(c.request));
      c.set.headers["x-request-id"] = ctx.requestId;
      const length = Number(c.request.headers.get("content-length") ?? 0);
      if (length > config.maxBodyBytes) return errorResponse(tooLarge, ctx.requestId);
      // Elysia's context carries the parsed path at run time; its PreContext type omits it.
      if (isCustomerPath((c as unknown as { path: string }).path)) ctx.principal = await authenticator.authenticate(c.request.headers.get("authorization"));
    })
    // Every body goes through here, whatever its content type, so none is read unbounded by a default parser.
    .onParse(async ({ ctx, request }, contentType) => {
      if (!isJsonContentType(contentType)) throw unsupportedMediaType(contentType);
      const { value, bytes } = await readJsonBody(request, config.maxBodyBytes);
      ctx.bodyBytes = bytes;
      return value;
    })
    .onError(({ code, error, ctx, request }) => {
      const requestId = ctx.requestId;
      return errorResponse(toApiError(code, error, requestId, request.signal.aborted), requestId);
    })
    .use(docs)
    .use(healthRoutes)
    .use(modelRoutes(catalog))
    .use(chatRoutes(chat))
    .use(embeddingRoutes(embeddings));
}

export type App = ReturnType<typeof createApp>;
