import { Elysia, t } from "elysia";
import { documentResponses } from "../openapi-responses.ts";

export const healthRoutes = new Elysia({ name: "health" }).get("/health", () => ({ status: "ok" as const }), {
  detail: {
    summary: "Healthcheck",
    description: "Public and unauthenticated.",
    tags: ["System"],
    responses: documentResponses({ 200: { description: "The gateway is up", schema: t.Object({ status: t.Literal("ok") }) } }),
  },
});
