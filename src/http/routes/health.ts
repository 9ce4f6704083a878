import { Elysia, t } from "elysia";
import { documentResponses } from "../openapi-responses.ts";
import { jsonResponse } from "../reply.ts";
import { requestContext } from "../request-context.ts";

const OK = JSON.stringify({ status: "ok" });

export const healthRoutes = new Elysia({ name: "health" }).use(requestContext).get("/health", ({ ctx }) => jsonResponse(OK, ctx), {
  detail: {
    summary: "Healthcheck",
    description: "Public and unauthenticated.",
    tags: ["System"],
    responses: documentResponses({ 200: { description: "The gateway is up", schema: t.Object({ status: t.Literal("ok") }) } }),
  },
});
