import { Elysia } from "elysia";
import type { Authenticator } from "../auth/authenticator.ts";
import type { Catalog } from "../catalog/catalog.ts";
import type { ChatDeps } from "../chat/chat-service.ts";
import type { EmbeddingsDeps } from "../embeddings/embeddings-service.ts";
import type { Config } from "../config.ts";
import { bodyTooLarge, parseJsonBody } from "./body-parser.ts";
import { authentication } from "./auth.ts";
import { docs } from "./docs.ts";
import { errorResponse, toApiError } from "./error-handler.ts";
import { newRequestId } from "./request-id.ts";
import { markStart } from "./request-start.ts";
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

export function createApp({ config, catalog, authenticator, chat, embeddings }: AppDeps) {
  const tooLarge = bodyTooLarge(config.maxBodyBytes);

  const v1 = new Elysia({ name: "v1" })
    .use(authentication(authenticator))
    .use(modelRoutes(catalog))
    .use(chatRoutes(chat, authenticator))
    .use(embeddingRoutes(embeddings, authenticator));

  // Bun's own limit answers with a bare 413; the gateway enforces its limit itself (body-parser.ts).
  return new Elysia({ serve: { maxRequestBodySize: Number.MAX_SAFE_INTEGER } })
    .onRequest(({ request, set }) => {
      markStart(request);
      const requestId = newRequestId();
      set.headers["x-request-id"] = requestId;
      const length = Number(request.headers.get("content-length") ?? 0);
      if (length > config.maxBodyBytes) return errorResponse(tooLarge, requestId);
    })
    .onParse(({ request, contentType }) =>
      contentType.startsWith("application/json") ? parseJsonBody(request, config.maxBodyBytes) : undefined,
    )
    .onError(({ code, error, set, request }) => {
      const requestId = String(set.headers["x-request-id"] ?? newRequestId());
      return errorResponse(toApiError(code, error, requestId, request.signal.aborted), requestId);
    })
    .use(docs)
    .use(healthRoutes)
    .use(v1);
}

export type App = ReturnType<typeof createApp>;
