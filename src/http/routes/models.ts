import { Elysia } from "elysia";
import type { Catalog } from "../../catalog/catalog.ts";
import { ModelList } from "../../openai/models.ts";
import { authErrorResponses } from "../openapi-responses.ts";

export const modelRoutes = (catalog: Catalog) =>
  new Elysia({ name: "models" }).get(
    "/v1/models",
    // Pre-serialised by the catalog on each refresh.
    () => new Response(catalog.modelListJson(), { headers: { "content-type": "application/json" } }),
    {
      response: { 200: ModelList, ...authErrorResponses },
      detail: {
        summary: "List models",
        description: "The enabled models of the routing catalog with USD prices per 1M tokens.",
        tags: ["Models"],
        security: [{ bearerAuth: [] }],
      },
    },
  );
