import { afterAll, beforeAll, expect, test } from "bun:test";
import { CONSOLE_CSP } from "../../src/http/routes/console.ts";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";

// The page and its assets over HTTP: served from memory with a strict CSP, nothing inline, nothing from elsewhere.
let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startTestGateway();
});
afterAll(() => gateway.stop());

test("GET /console: HTML with a CSP that allows this origin only, no inline script or style, no framing", async () => {
  const response = await gateway.request("/console");
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
  const csp = response.headers.get("content-security-policy")!;
  expect(csp).toBe(CONSOLE_CSP);
  for (const directive of ["default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"]) expect(csp).toContain(directive);
  expect(csp).not.toContain("unsafe");
  expect(response.headers.get("x-frame-options")).toBe("DENY");
  expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  const html = await response.text();
  expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/);
  expect(html).not.toMatch(/<style|style=/);
  const urls = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
  expect(urls).toHaveLength(3);
  for (const url of urls) expect(url).toMatch(/^\/console\/assets\/[a-z]+-[0-9a-z]+\.(js|css|svg)$/);
});

test("the assets: the bundled script (uPlot in it), the styles and the icon, cacheable for good under content names", async () => {
  const html = await (await gateway.request("/console")).text();
  const paths = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
  const types: Record<string, string> = { js: "text/javascript; charset=utf-8", css: "text/css; charset=utf-8", svg: "image/svg+xml" };
  for (const path of paths) {
    const response = await gateway.request(path);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe(types[path.split(".").pop()!]!);
    expect(response.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(response.headers.get("content-security-policy")).toBe(CONSOLE_CSP);
  }
  const script = await (await gateway.request(paths.find((p) => p.endsWith(".js"))!)).text();
  expect(script).toContain("u-legend");
  expect(script).not.toContain("innerHTML");
  expect(script.length).toBeLessThan(150_000);
});

test("an unknown asset is a 404 in the envelope", async () => {
  const response = await gateway.request("/console/assets/console-nope.js");
  expect(response.status).toBe(404);
  expect(((await response.json()) as any).error.code).toBe("not_found");
});
