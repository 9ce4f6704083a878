import { Elysia } from "elysia";
import { consoleAssets, consolePage } from "../../console/assets.ts";
import { notFound } from "../../errors.ts";

/**
 * Nothing but this origin: no inline script or style, no eval, no frames,
 * no other host to connect to, and DOM sinks that parse HTML refused
 * (Trusted Types), so a workspace or key name can only ever be text.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
].join("; ");

const SECURITY_HEADERS = {
  "content-security-policy": CONSOLE_CSP,
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
};

const byPath = new Map(Object.values(consoleAssets).map((asset) => [asset.path, asset]));
const NOT_FOUND = notFound();

/** GET /console and its assets, from memory; a fresh Response per request (a body is read once). */
export const consoleRoutes = () =>
  new Elysia({ name: "console" })
    .get("/console", () => new Response(consolePage, { headers: { ...SECURITY_HEADERS, "content-type": "text/html; charset=utf-8", "cache-control": "no-cache" } }), {
      detail: { hide: true },
    })
    .get(
      "/console/assets/:file",
      ({ path }) => {
        const asset = byPath.get(path);
        if (!asset) throw NOT_FOUND;
        return new Response(asset.body, { headers: { ...SECURITY_HEADERS, "content-type": asset.type, "cache-control": "public, max-age=31536000, immutable" } });
      },
      { detail: { hide: true } },
    );
