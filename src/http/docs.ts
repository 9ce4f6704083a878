import { openapi } from "@elysiajs/openapi";
import { Elysia } from "elysia";
// Embedded in the binary so the docs page works without internet access.
import bundlePath from "swagger-ui-dist/swagger-ui-bundle.js" with { type: "file" };
import cssPath from "swagger-ui-dist/swagger-ui.css" with { type: "file" };
import packageJson from "../../package.json";

const ASSETS = "/docs/assets";

/** The generated OpenAPI spec at /openapi.json and Swagger UI at /docs. */
export const docs = new Elysia({ name: "docs" })
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
        components: { securitySchemes: { bearerAuth: { type: "http", scheme: "bearer" } } },
      },
    }),
  )
  .get(`${ASSETS}/swagger-ui-bundle.js`, () => Bun.file(bundlePath), { detail: { hide: true } })
  .get(`${ASSETS}/swagger-ui.css`, () => Bun.file(cssPath), { detail: { hide: true } });
