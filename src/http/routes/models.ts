import { Elysia } from "elysia";
import type { Catalog } from "../../catalog/catalog.ts";
import { modelNotListed } from "../../errors.ts";
import { Model, ModelList } from "../../openai/models.ts";
import { authErrorResponses, documentResponses, errorResponse } from "../openapi-responses.ts";
import { jsonResponse } from "../reply.ts";
import { authenticated, type RequestContext, requestContext } from "../request-context.ts";

/** The id after `/v1/models/` in the path as sent (the wildcard route's, which Elysia leaves encoded). */
function decodedId(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

export function modelRoutes(catalog: Catalog) {
  /** The entry as the key's list has it: an id the list lacks does not exist for this caller. */
  const modelEntry = (id: string, ctx: RequestContext) => {
    const body = catalog.modelJson(id, authenticated(ctx).principal.models);
    if (body === undefined) throw modelNotListed(id);
    return jsonResponse(body, ctx);
  };
  return new Elysia({ name: "models" })
    .use(requestContext)
    .get(
      "/v1/models",
      // Pre-serialised by the catalog on each refresh.
      ({ ctx }) => jsonResponse(catalog.modelListJson(authenticated(ctx).principal.models), ctx),
      {
        detail: {
          summary: "List models",
          description: "The enabled models of the routing catalog with USD prices per 1M tokens: those the key's model list allows, when it has one.",
          tags: ["Models"],
          security: [{ bearerAuth: [] }],
          responses: documentResponses({
            200: { description: "The model list", schema: ModelList },
            ...authErrorResponses,
          }),
        },
      },
    )
    // The ids contain a slash: the SDKs percent-encode it (one path segment, documented), others send it raw (hidden twin).
    // Elysia decodes a path parameter (to null when its escapes are malformed).
    .get("/v1/models/:model", ({ params, path, ctx }) => modelEntry(params.model ?? path.slice("/v1/models/".length), ctx), {
      detail: {
        summary: "Retrieve model",
        description:
          "One model of the key's list, with its prices. The id's slash may be percent-encoded (`/v1/models/google%2Fgemini-3-flash`, what the OpenAI SDKs send) or not (`/v1/models/google/gemini-3-flash`).",
        tags: ["Models"],
        security: [{ bearerAuth: [] }],
        responses: documentResponses({
          200: { description: "The model", schema: Model },
          404: errorResponse("invalid_request_error / model_not_found: not in the key's model list"),
          ...authErrorResponses,
        }),
      },
    })
    .get("/v1/models/*", ({ params, ctx }) => modelEntry(decodedId(params["*"]), ctx), { detail: { hide: true } });
}
