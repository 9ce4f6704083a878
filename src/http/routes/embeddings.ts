import { Elysia } from "elysia";
import { createEmbeddings, type EmbeddingsDeps } from "../../embeddings/embeddings-service.ts";
import { EmbeddingList, EmbeddingRequest, MAX_EMBEDDING_INPUTS } from "../../openai/embeddings.ts";
import { billedJsonResponse } from "../reply.ts";
import { authenticated, requestContext } from "../request-context.ts";
import { billedRouteErrorResponses, documentResponses, errorResponse } from "../openapi-responses.ts";

export const embeddingRoutes = (deps: EmbeddingsDeps) =>
  new Elysia({ name: "embeddings" })
    .use(requestContext)
    .post(
      "/v1/embeddings",
      // async: Elysia decides from the source whether to await the handler inside its error handling.
      async ({ body, ctx }) => billedJsonResponse(await createEmbeddings(deps, body, authenticated(ctx)), ctx),
      {
        body: EmbeddingRequest,
        // Names the content type for the OpenAPI plugin; the app's size-limited JSON parser runs first.
        parse: "json",
        detail: {
          summary: "Create embeddings",
          description: `OpenAI Embeddings for \`google/text-embedding-004\`. \`input\` is a string or up to ${MAX_EMBEDDING_INPUTS} strings; \`data[i]\` is the vector of input i. \`encoding_format: "base64"\` (the official Node client's default) returns little-endian float32 values, base64-encoded. \`dimensions\` shortens the vectors and re-normalises them to unit length. Billed on input tokens only: the provider's count when it reports one, otherwise an estimate of ceil(UTF-8 bytes / 4) per input, recorded as estimated.`,
          tags: ["Embeddings"],
          security: [{ bearerAuth: [] }],
          responses: documentResponses({
            200: { description: "An embeddings list", schema: EmbeddingList },
            400: errorResponse(
              "invalid_request_error: model_not_found, embeddings_unsupported, invalid_request (empty input, empty strings, token-id input, too many inputs), upstream_invalid_request, invalid_json",
            ),
            ...billedRouteErrorResponses,
          }),
        },
      },
    );
