import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import OpenAI from "openai";
import { apiError } from "../support/api-error.ts";
import { bearer, newTenant, startTestGateway, type TestGateway } from "../support/gateway.ts";

let gateway: TestGateway;
let key: string;

beforeAll(async () => {
  gateway = await startTestGateway();
  ({ key } = await newTenant());
});
afterAll(() => gateway.stop());

/** The "Registered models" and "Embeddings" tables of the spec, parsed from its text. */
function specModels() {
  const text = readFileSync(resolve(import.meta.dir, "../fixtures/spec/models.txt"), "utf8");
  const row = /^((?:google|anthropic)\/[\w.-]+?)(?:Google|Anthropic)\$([\d.]+)(?:\$([\d.]+)\$([\d.]+)\$([\d.]+))?$/gm;
  return [...text.matchAll(row)].map(([, id, input, output, cacheRead, cacheWrite]) => ({
    id: id!,
    input: Number(input),
    output: Number(output ?? 0),
    cache_read: cacheRead === undefined ? null : Number(cacheRead),
    cache_write: cacheWrite === undefined ? null : Number(cacheWrite),
  }));
}

test("the spec table parses into the ten registered models", () => {
  expect(specModels()).toHaveLength(10);
});

test("GET /v1/models lists exactly the spec's models and prices in the spec's shape", async () => {
  const response = await gateway.request("/v1/models", { headers: bearer(key) });
  expect(response.status).toBe(200);
  expect(response.headers.get("x-request-id")).toMatch(/^req_[0-9a-f]{32}$/);
  const body = (await response.json()) as any;
  expect(body.object).toBe("list");
  const byId = new Map(body.data.map((m: any) => [m.id, m]));
  for (const spec of specModels()) {
    expect(byId.get(spec.id)).toEqual({
      id: spec.id,
      object: "model",
      created: 1704067200,
      owned_by: spec.id.split("/")[0],
      pricing: { input: spec.input, output: spec.output, cache_read: spec.cache_read, cache_write: spec.cache_write },
    });
  }
  expect(body.data).toHaveLength(10);
});

test("the official openai client lists the models", async () => {
  const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: key });
  const ids = [];
  for await (const model of client.models.list()) ids.push(model.id);
  expect(ids).toContain("google/gemini-3-flash");
  expect(ids).toContain("anthropic/claude-sonnet-4-6");
  expect(ids).toContain("google/text-embedding-004");
});

test("a disabled model disappears from the list after a catalog reload", async () => {
  const { sql } = await import("drizzle-orm");
  await gateway.db.execute(sql`update models set enabled = false where id = 'google/gemini-3.1-pro'`);
  try {
    await gateway.catalog.load();
    const body = (await (await gateway.request("/v1/models", { headers: bearer(key) })).json()) as any;
    expect(body.data.map((m: any) => m.id)).not.toContain("google/gemini-3.1-pro");
    expect(gateway.catalog.get("google/gemini-3.1-pro")).toBeUndefined();
  } finally {
    await gateway.db.execute(sql`update models set enabled = true where id = 'google/gemini-3.1-pro'`);
    await gateway.catalog.load();
  }
});

test("client.models.retrieve: the list's entry, for the id with its slash percent-encoded (as the SDK sends it) or raw", async () => {
  const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: key, maxRetries: 0 });
  const listed = ((await (await gateway.request("/v1/models", { headers: bearer(key) })).json()) as any).data;
  const model = await client.models.retrieve("google/gemini-3-flash");
  expect(model).toEqual(listed.find((m: any) => m.id === "google/gemini-3-flash"));
  const raw = await gateway.request("/v1/models/anthropic/claude-sonnet-4-6", { headers: bearer(key) });
  expect(raw.status).toBe(200);
  expect(await raw.json()).toEqual(listed.find((m: any) => m.id === "anthropic/claude-sonnet-4-6"));
  expect((await client.models.retrieve("google/text-embedding-004")).owned_by).toBe("google");
});

test("an id not in the list → 404 model_not_found in the envelope; without a key → 401", async () => {
  const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: key, maxRetries: 0 });
  const error = await apiError(client.models.retrieve("openai/gpt-4o"));
  expect(error.status).toBe(404);
  expect(error.code).toBe("model_not_found");
  expect(error.type).toBe("invalid_request_error");
  expect(error.message).toContain('"openai/gpt-4o"');
  const unencoded = await gateway.request("/v1/models/google/nope", { headers: bearer(key) });
  expect(unencoded.status).toBe(404);
  expect(((await unencoded.json()) as any).error.code).toBe("model_not_found");
  // Decoded once, as sent: a double-encoded id is another id; a malformed escape is quoted as sent.
  expect((await gateway.request("/v1/models/google%252Fgemini-3-flash", { headers: bearer(key) })).status).toBe(404);
  const malformed = await gateway.request("/v1/models/google%zz", { headers: bearer(key) });
  expect(malformed.status).toBe(404);
  expect(((await malformed.json()) as any).error.message).toContain('"google%zz"');
  expect((await gateway.request("/v1/models/google%2Fgemini-3-flash")).status).toBe(401);
});

test("a key with a model list retrieves only those models; the others do not exist for it (404)", async () => {
  const { key: limited } = await newTenant(1_000_000_000n, { models: ["google/*"] });
  const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: limited, maxRetries: 0 });
  expect((await client.models.retrieve("google/gemini-3-flash")).id).toBe("google/gemini-3-flash");
  const hidden = await apiError(client.models.retrieve("anthropic/claude-sonnet-4-6"));
  expect(hidden.status).toBe(404);
  expect(hidden.code).toBe("model_not_found");
  expect((await gateway.request("/v1/models/anthropic/claude-sonnet-4-6", { headers: bearer(limited) })).status).toBe(404);
});
