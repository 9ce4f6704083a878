import { afterAll, beforeAll, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { createAdminKey, revokeAdminKey } from "../../src/auth/admin-keys.ts";
import { createSession, SESSION_TTL_SECONDS } from "../../src/auth/console-sessions.ts";
import { rowsOf } from "../../src/db/rows.ts";
import { newTenant, startTestGateway, type TestGateway } from "../support/gateway.ts";

// Console sign-in over HTTP: a management key exchanged for a session cookie, CSRF on every call
// that changes something, sign-out, and the boundaries (customer keys, revoked keys, /v1).
let gateway: TestGateway;
let adminKey: string;

beforeAll(async () => {
  gateway = await startTestGateway();
  ({ key: adminKey } = await createAdminKey(gateway.db, "console operator"));
});
afterAll(() => gateway.stop());

type Init = { method?: string; body?: unknown; headers?: Record<string, string>; base?: string };
async function call(path: string, { method = "GET", body, headers = {}, base = gateway.url }: Init = {}) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as any, headers: response.headers };
}

async function signIn(key = adminKey, headers: Record<string, string> = {}) {
  const reply = await call("/admin/v1/session", { method: "POST", body: {}, headers: { authorization: `Bearer ${key}`, ...headers } });
  const setCookie = reply.headers.get("set-cookie") ?? "";
  return { ...reply, setCookie, cookie: setCookie.split(";")[0]!, csrf: reply.json.csrf_token as string };
}

const expectError = (reply: { status: number; json: any }, status: number, code: string) => expect({ status: reply.status, code: reply.json.error?.code }).toEqual({ status, code });

test("sign-in sets an HttpOnly, SameSite=Strict cookie on /admin/v1 that expires, and answers with the CSRF token", async () => {
  const before = Date.now();
  const session = await signIn();
  expect(session.status).toBe(201);
  expect(session.setCookie).toMatch(new RegExp(`^opentoken_session=ots_[0-9A-Za-z]{43}; HttpOnly; SameSite=Strict; Path=/admin/v1; Max-Age=${SESSION_TTL_SECONDS}$`));
  expect(session.headers.get("cache-control")).toBe("no-store");
  expect(session.json).toMatchObject({ object: "console_session", admin_key: { name: "console operator" } });
  expect(session.csrf).toMatch(/^[0-9A-Za-z]{43}$/);
  const expires = Date.parse(session.json.expires_at);
  expect(expires - before).toBeGreaterThanOrEqual(SESSION_TTL_SECONDS * 1000 - 1000);
  expect(expires - before).toBeLessThanOrEqual(SESSION_TTL_SECONDS * 1000 + 5000);
  // Behind a TLS proxy the cookie is Secure.
  expect((await signIn(adminKey, { "x-forwarded-proto": "https" })).setCookie).toEndWith("; Secure");
});

test("the session is stored as a hash: no database row holds the cookie's token", async () => {
  const { cookie } = await signIn();
  const token = cookie.split("=")[1]!;
  const rows = rowsOf<{ row: string }>(await gateway.db.execute(sql`select row_to_json(s)::text as row from console_sessions s`));
  expect(rows.length).toBeGreaterThan(0);
  for (const { row } of rows) expect(row).not.toContain(token);
});

test("the cookie authenticates reads; anything that changes state needs the session's X-CSRF-Token too", async () => {
  const { cookie, csrf } = await signIn();
  expect((await call("/admin/v1/workspaces", { headers: { cookie } })).status).toBe(200);
  expect((await call("/admin/v1/session", { headers: { cookie } })).json.csrf_token).toBe(csrf);
  const create = (headers: Record<string, string>) => call("/admin/v1/workspaces", { method: "POST", body: { name: `console-${crypto.randomUUID().slice(0, 8)}` }, headers: { cookie, ...headers } });
  expectError(await create({}), 403, "forbidden");
  expectError(await create({ "x-csrf-token": "x".repeat(43) }), 403, "forbidden");
  expectError(await create({ "x-csrf-token": (await signIn()).csrf }), 403, "forbidden");
  expect((await create({ "x-csrf-token": csrf })).status).toBe(201);
  // A session cannot mint another.
  expectError(await call("/admin/v1/session", { method: "POST", body: {}, headers: { cookie, "x-csrf-token": csrf } }), 400, "invalid_request");
});

test("a customer key, a revoked management key or none cannot sign in", async () => {
  const { key: customerKey } = await newTenant();
  expectError(await signIn(customerKey), 401, "invalid_key");
  expectError(await call("/admin/v1/session", { method: "POST", body: {} }), 401, "missing_auth");
  const { key, row } = await createAdminKey(gateway.db, "to revoke");
  await revokeAdminKey(gateway.db, row.id);
  await gateway.adminAuthenticator.refresh();
  expectError(await signIn(key), 401, "invalid_key");
});

test("revoking the management key ends its sessions", async () => {
  const { key, row } = await createAdminKey(gateway.db, "revoked later");
  const { cookie } = await signIn(key);
  expect((await call("/admin/v1/workspaces", { headers: { cookie } })).status).toBe(200);
  await revokeAdminKey(gateway.db, row.id);
  await gateway.sessions.refresh();
  expectError(await call("/admin/v1/workspaces", { headers: { cookie } }), 401, "invalid_session");
});

test("an expired session is refused by the server, whatever the browser keeps", async () => {
  const [{ id }] = rowsOf<{ id: string }>(await gateway.db.execute(sql`select id from admin_keys where revoked_at is null limit 1`));
  const { token } = await createSession(gateway.db, id, new Date(Date.now() - SESSION_TTL_SECONDS * 1000 - 1000));
  expectError(await call("/admin/v1/workspaces", { headers: { cookie: `opentoken_session=${token}` } }), 401, "invalid_session");
  expectError(await call("/admin/v1/workspaces", { headers: { cookie: "opentoken_session=ots_made-up" } }), 401, "invalid_session");
});

test("sign-out ends the session on this gateway at once and on another sharing the database at its next refresh", async () => {
  const other = await startTestGateway();
  try {
    const { cookie, csrf } = await signIn();
    expect((await call("/admin/v1/workspaces", { headers: { cookie }, base: other.url })).status).toBe(200);
    expectError(await call("/admin/v1/session", { method: "DELETE", headers: { cookie } }), 403, "forbidden");
    const out = await call("/admin/v1/session", { method: "DELETE", headers: { cookie, "x-csrf-token": csrf } });
    expect(out.status).toBe(200);
    expect(out.headers.get("set-cookie")).toStartWith("opentoken_session=; HttpOnly; SameSite=Strict; Path=/admin/v1; Max-Age=0");
    expectError(await call("/admin/v1/workspaces", { headers: { cookie } }), 401, "invalid_session");
    await other.sessions.refresh();
    expectError(await call("/admin/v1/workspaces", { headers: { cookie }, base: other.url }), 401, "invalid_session");
  } finally {
    await other.stop();
  }
});

test("bearer keys work as before: with a cookie present the Authorization header decides, and it has no session to end", async () => {
  const { cookie } = await signIn();
  const bearer = { authorization: `Bearer ${adminKey}` };
  expect((await call("/admin/v1/workspaces", { method: "POST", body: { name: `bearer-${crypto.randomUUID().slice(0, 8)}` }, headers: { ...bearer, cookie } })).status).toBe(201);
  expectError(await call("/admin/v1/workspaces", { headers: { authorization: "Bearer sk-optk-wrong", cookie } }), 401, "invalid_key");
  expectError(await call("/admin/v1/session", { headers: bearer }), 404, "not_found");
  expectError(await call("/admin/v1/session", { method: "DELETE", headers: bearer }), 404, "not_found");
});

test("the session cookie opens nothing outside /admin/v1", async () => {
  const { cookie } = await signIn();
  expectError(await call("/v1/models", { headers: { cookie } }), 401, "missing_auth");
});
