import { openapi } from "@elysiajs/openapi";
import { Elysia } from "elysia";
// Embedded in the binary so the docs page works without internet access.
import bundlePath from "swagger-ui-dist/swagger-ui-bundle.js" with { type: "file" };
import cssPath from "swagger-ui-dist/swagger-ui.css" with { type: "file" };
import packageJson from "../../package.json";

const ASSETS = "/docs/assets";

/**
 * The generated OpenAPI spec at /openapi.json and Swagger UI at /docs. A
 * plugin per app, and a fresh Response per request: Elysia keeps the value
 * of an argument-less handler and serves it again, and a file body can be
 * read only once (a second app in the same process got a locked body).
 */
export const docs = () => new Elysia({ name: "docs" })
  // /docs/ redirects to /docs (app.ts): the page loads the spec by a relative URL.
  .use(
    openapi({
      path: "/docs",
      specPath: "/openapi.json",
      provider: "swagger-ui",
      swagger: { cdn: `${ASSETS}/swagger-ui-bundle.js`, theme: `${ASSETS}/swagger-ui.css`, autoDarkMode: false },
      exclude: { paths: [/^\/docs/] },
      documentation: {
        info: {
          title: "OpenToken API",
          version: packageJson.version,
          description:
            "OpenAI-compatible LLM gateway. Authenticate with `Authorization: Bearer sk-optk-...`. Every failure uses the OpenAI error envelope.",
        },
        components: {
          securitySchemes: {
            bearerAuth: { type: "http", scheme: "bearer", description: "A customer key (sk-optk-…): the /v1 routes" },
            adminKey: { type: "http", scheme: "bearer", description: "A management key (opentoken admin-key create): the /admin/v1 routes only" },
          },
        },
        tags: [
          { name: "Chat" },
          { name: "Embeddings" },
          { name: "Models" },
          { name: "Keys", description: "The calling key's own view" },
          { name: "Admin", description: "The operator's API: workspaces, credits, keys, usage, ledger, request records (management keys)" },
          { name: "System" },
        ],
      },
    }),
  )
  .get(`${ASSETS}/swagger-ui-bundle.js`, ({ set }) => asset(bundlePath, set), { detail: { hide: true } })
  .get(`${ASSETS}/swagger-ui.css`, ({ set }) => asset(cssPath, set), { detail: { hide: true } });

function asset(path: string, set: { headers: Record<string, unknown> }) {
  const file = Bun.file(path);
  set.headers["content-type"] = file.type;
  set.headers["cache-control"] = "public, max-age=86400";
  return new Response(file);
}
