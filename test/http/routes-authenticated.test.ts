import { afterAll, beforeAll, expect, test } from "bun:test";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";

// The app authenticates by path before routing (a customer key for /v1, a
// management key or the console's session for /admin/v1); the handlers
// trust that. Every route of either kind, present and future, must answer
// 401 without a key: a route added under another prefix, or a change to
// the check, fails here rather than opening a route.
let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startTestGateway();
});
afterAll(() => gateway.stop());

test("every /v1 and /admin/v1 route answers 401 missing_auth without a key, before its handler", () => {
  const routes = gateway.app.routes.filter((route) => route.path.startsWith("/v1/") || route.path.startsWith("/admin/"));
  // Session sign-in is the one admin route a caller reaches without a session: it takes the key itself.
  const guarded = routes.filter((route) => !(route.path === "/admin/v1/session" && route.method === "POST"));
  expect(guarded.length).toBeGreaterThan(25);
  return Promise.all(
    guarded.map(async (route) => {
      const path = route.path.replace(/:[a-z_]+/g, "x");
      const response = await gateway.request(path, { method: route.method, headers: { "content-type": "application/json" }, body: route.method === "GET" ? undefined : "{}" });
      const body = (await response.json()) as { error?: { code?: string } };
      expect({ route: `${route.method} ${route.path}`, status: response.status, code: body.error?.code }).toEqual({
        route: `${route.method} ${route.path}`,
        status: 401,
        code: "missing_auth",
      });
    }),
  );
});
