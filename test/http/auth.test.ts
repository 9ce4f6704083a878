import { afterAll, beforeAll, expect, test } from "bun:test";
import OpenAI from "openai";
import { revokeApiKey } from "../../src/auth/keys.ts";
import { bearer, newTenant, startTestGateway, type TestGateway } from "../support/gateway.ts";

const DEMO_KEY = "demo-key-any-format";
let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway({ OPENTOKEN_DEMO_KEY: DEMO_KEY });
});
afterAll(() => gateway.stop());

async function expectAuthError(headers: Record<string, string>, code: string) {
  const response = await gateway.request("/v1/models", { headers });
  expect(response.status).toBe(401);
  expect(response.headers.get("x-request-id")).toMatch(/^req_/);
  const body = (await response.json()) as any;
  expect(body.error.type).toBe("authentication_error");
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe("string");
}

test("no Authorization header → 401 missing_auth", async () => {
  await expectAuthError({}, "missing_auth");
});

test("a non-Bearer Authorization header → 401 missing_auth", async () => {
  await expectAuthError({ authorization: "Basic dXNlcjpwYXNz" }, "missing_auth");
});

test("an unknown key → 401 invalid_key", async () => {
  await expectAuthError(bearer("sk-optk-00000000000000000000000000000000000000"), "invalid_key");
});

test("a revoked key → 401 invalid_key once the key cache refreshes", async () => {
  const { key, keyRow } = await newTenant();
  expect((await gateway.request("/v1/models", { headers: bearer(key) })).status).toBe(200);
  await revokeApiKey(gateway.db, keyRow.id);
  await gateway.authenticator.refresh();
  await expectAuthError(bearer(key), "invalid_key");
});

test("revocation reaches a running gateway within KEY_CACHE_SECONDS", async () => {
  const fast = await startTestGateway({ KEY_CACHE_SECONDS: "1" });
  try {
    const { key, keyRow } = await newTenant();
    expect((await fast.request("/v1/models", { headers: bearer(key) })).status).toBe(200);
    await revokeApiKey(fast.db, keyRow.id);
    await Bun.sleep(1500);
    expect((await fast.request("/v1/models", { headers: bearer(key) })).status).toBe(401);
  } finally {
    await fast.stop();
  }
});

test("an expired key → 401 expired_key, and expiry needs no cache refresh", async () => {
  const { key: past } = await newTenant(0n, { expiresAt: new Date(Date.now() - 1000) });
  await expectAuthError(bearer(past), "expired_key");

  const { key: soon } = await newTenant(0n, { expiresAt: new Date(Date.now() + 300) });
  expect((await gateway.request("/v1/models", { headers: bearer(soon) })).status).toBe(200);
  await Bun.sleep(400);
  await expectAuthError(bearer(soon), "expired_key");
});

test("OPENTOKEN_DEMO_KEY authenticates as the demo workspace", async () => {
  const response = await gateway.request("/v1/models", { headers: bearer(DEMO_KEY) });
  expect(response.status).toBe(200);
  const principal = await gateway.authenticator.authenticate(`Bearer ${DEMO_KEY}`);
  const { workspaces } = await import("../../src/db/schema.ts");
  const { eq } = await import("drizzle-orm");
  const [workspace] = await gateway.db.select().from(workspaces).where(eq(workspaces.id, principal.workspaceId));
  expect(workspace!.name).toBe("demo");
});

test("changing OPENTOKEN_DEMO_KEY retires the previous demo key", async () => {
  const other = await startTestGateway({ OPENTOKEN_DEMO_KEY: "another-demo-key" });
  try {
    await other.authenticator.refresh();
    expect((await other.request("/v1/models", { headers: bearer("another-demo-key") })).status).toBe(200);
    expect((await other.request("/v1/models", { headers: bearer(DEMO_KEY) })).status).toBe(401);
  } finally {
    await other.stop();
    // Restore the key the rest of this file uses.
    const restored = await startTestGateway({ OPENTOKEN_DEMO_KEY: DEMO_KEY });
    await restored.stop();
    await gateway.authenticator.refresh();
  }
});

test("the official client surfaces 401s as AuthenticationError with the code", async () => {
  const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: "sk-optk-wrong", maxRetries: 0 });
  const error = await client.models.list().then(
    () => undefined,
    (e) => e,
  );
  expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
  expect(error.status).toBe(401);
  expect(error.code).toBe("invalid_key");
  expect(error.type).toBe("authentication_error");
  expect(error.requestID).toMatch(/^req_/);
});

test("keys are stored hashed: the database never holds the secret", async () => {
  const { key, keyRow } = await newTenant();
  expect(keyRow.keyHash).toMatch(/^[0-9a-f]{64}$/);
  expect(keyRow.keyHash).not.toContain(key.slice(8));
  expect(key.startsWith(keyRow.prefix)).toBe(true);
  expect(key).toMatch(/^sk-optk-[0-9A-Za-z]{40}$/);
  expect(keyRow.prefix.length).toBeLessThan(16);
});

test("an unauthenticated request is answered from its headers: a 100 MB body is never read", async () => {
  const total = 100 * 1024 * 1024;
  const chunk = new Uint8Array(64 * 1024).fill(120);
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled >= total) return controller.close();
      pulled += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
  const rssBefore = process.memoryUsage().rss;
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "text/plain" },
    body,
  });
  expect(response.status).toBe(401);
  expect(((await response.json()) as any).error.code).toBe("missing_auth");
  // What the sockets and fetch's own buffers took, far from the whole body.
  expect(pulled).toBeLessThan(16 * 1024 * 1024);
  expect(process.memoryUsage().rss - rssBefore).toBeLessThan(64 * 1024 * 1024);
});
