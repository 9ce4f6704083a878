import { Elysia } from "elysia";
import type { Catalog } from "../../catalog/catalog.ts";
import { ModelList } from "../../openai/models.ts";
import { authErrorResponses, documentResponses } from "../openapi-responses.ts";
import { jsonResponse } from "../reply.ts";
import { authenticated, requestContext } from "../request-context.ts";

export const modelRoutes = (catalog: Catalog) =>
  new Elysia({ name: "models" }).use(requestContext).get(
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
  );
