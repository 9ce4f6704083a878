import { afterAll, beforeAll, expect, test } from "bun:test";
import type { AdminAuthenticator, Authenticator } from "../../src/auth/authenticator.ts";
import { createApp } from "../../src/http/app.ts";
import { MAX_JSON_DEPTH } from "../../src/http/json-body.ts";
import { bearer, newTenant, startTestGateway, type TestGateway } from "../support/gateway.ts";

let gateway: TestGateway;
let key: string;

beforeAll(async () => {
  gateway = await startTestGateway({ MAX_BODY_BYTES: "4096" });
  ({ key } = await newTenant());
});
afterAll(() => gateway.stop());

const post = (body: string, headers: Record<string, string> = {}) =>
  gateway.request("/v1/chat/completions", {
    method: "POST",
    headers: { ...bearer(key), "content-type": "application/json", ...headers },
    body,
  });

async function expectEnvelope(response: Response, status: number, type: string, code: string | null) {
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toContain("application/json");
  expect(response.headers.get("x-request-id")).toMatch(/^req_/);
  const body = (await response.json()) as any;
  expect(body.error.type).toBe(type);
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe("string");
  return body.error;
}

test("malformed JSON → 400 invalid_json", async () => {
  await expectEnvelope(await post("{not json"), 400, "invalid_request_error", "invalid_json");
});

test("a schema violation → 400 (not Elysia's 422) naming the field", async () => {
  const missing = await expectEnvelope(await post(JSON.stringify({ model: "google/gemini-3-flash" })), 400, "invalid_request_error", "invalid_request");
  expect(missing.param).toBe("messages");
  expect(missing.message).toContain("messages");

  const badRole = await expectEnvelope(
    await post(JSON.stringify({ model: "google/gemini-3-flash", messages: [{ role: "robot", content: "hi" }] })),
    400,
    "invalid_request_error",
    "invalid_request",
  );
  expect(badRole.param).toBe("messages.0.role");

  const badTemperature = await expectEnvelope(
    await post(JSON.stringify({ model: "google/gemini-3-flash", messages: [{ role: "user", content: "hi" }], temperature: 7 })),
    400,
    "invalid_request_error",
    "invalid_request",
  );
  expect(badTemperature.param).toBe("temperature");
});

test("a value of the wrong type for an object field → 400 naming it, never reshaped to fit", async () => {
  const base = { model: "google/gemini-3-flash", messages: [{ role: "user", content: "hi" }] };
  const cases: [Record<string, unknown>, string][] = [
    [{ reasoning: "x" }, "reasoning"],
    [{ stream_options: 5 }, "stream_options"],
    [{ logit_bias: true }, "logit_bias"],
    [{ response_format: { type: "json_schema", json_schema: { name: "a", schema: [] } } }, "response_format.json_schema.schema"],
    [{ tools: [{ type: "function", function: { name: "f", parameters: "x" } }] }, "tools.0.function.parameters"],
  ];
  for (const [extra, param] of cases) {
    const error = await expectEnvelope(await post(JSON.stringify({ ...base, ...extra })), 400, "invalid_request_error", "invalid_request");
    expect(error.param).toBe(param);
  }
});

test("a non-JSON content type on a JSON route → 415, the body unread; no content type is read as JSON", async () => {
  for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
    await expectEnvelope(await post("{}", { "content-type": type }), 415, "invalid_request_error", "unsupported_media_type");
  }
  const untyped = await gateway.request("/v1/chat/completions", { method: "POST", headers: bearer(key), body: "{not json" });
  await expectEnvelope(untyped, 400, "invalid_request_error", "invalid_json");
});

test(`a body nested deeper than ${MAX_JSON_DEPTH} levels → 400 before parsing; ${MAX_JSON_DEPTH} levels are fine`, async () => {
  // The body object and `metadata` are two levels; the rest is nested arrays.
  const nested = (levels: number) =>
    `{"model":"google/gemini-3-flash","messages":[{"role":"user","content":"hi"}],"metadata":{"x":${"[".repeat(levels - 2)}${"]".repeat(levels - 2)}}}`;
  const deep = await expectEnvelope(await post(nested(MAX_JSON_DEPTH + 1)), 400, "invalid_request_error", "invalid_json");
  expect(deep.message).toContain(`${MAX_JSON_DEPTH} levels`);
  // Within the limit it parses, validates and goes on (no provider is configured here: 503).
  expect((await post(nested(MAX_JSON_DEPTH))).status).toBe(503);
  // Brackets inside strings do not count (1,000 of them, within the 4 KB body limit of this gateway).
  const quoted = JSON.stringify({ model: "google/gemini-3-flash", messages: [{ role: "user", content: "[".repeat(1_000) }] });
  expect((await post(quoted)).status).toBe(503);
});

test("an unknown route → 404 in the envelope", async () => {
  await expectEnvelope(await gateway.request("/v1/nope", { headers: bearer(key) }), 404, "invalid_request_error", "not_found");
  await expectEnvelope(await gateway.request("/nothing-here"), 404, "invalid_request_error", "not_found");
});

test("an oversized body → 413 in the envelope, declared or chunked", async () => {
  const big = JSON.stringify({ model: "google/gemini-3-flash", messages: [{ role: "user", content: "x".repeat(5000) }] });
  await expectEnvelope(await post(big), 413, "invalid_request_error", "request_too_large");

  // Over a real socket with chunked transfer encoding: no Content-Length to check up front.
  const chunked = new ReadableStream({
    start(controller) {
      for (let i = 0; i < 10; i++) controller.enqueue(new TextEncoder().encode(big.slice(i * 600, (i + 1) * 600)));
      controller.close();
    },
  });
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: "POST",
    headers: { ...bearer(key), "content-type": "application/json" },
    body: chunked,
  });
  await expectEnvelope(response, 413, "invalid_request_error", "request_too_large");
});

test("an unexpected failure → 500 api_error with the request id and no internals", async () => {
  const broken = { authenticate: () => Promise.reject(new Error("connection string postgres://secret@db")) };
  const app = createApp({
    config: { maxBodyBytes: 1024, httpIdleTimeoutSeconds: 30, streamWriteTimeoutMs: 1000, metricsToken: undefined },
    db: gateway.db,
    catalog: gateway.catalog,
    authenticator: broken as unknown as Authenticator,
    adminAuthenticator: broken as unknown as AdminAuthenticator,
    sessions: gateway.sessions,
    suppliers: () => [],
    chat: {} as never,
    embeddings: {} as never,
    metrics: gateway.metrics,
    observer: gateway.metrics,
    responses: {} as never,
  });
  const originalError = console.error;
  console.error = () => {};
  try {
    const response = await app.handle(new Request("http://localhost/v1/models", { headers: bearer(key) }));
    const error = await expectEnvelope(response, 500, "api_error", null);
    expect(error.message).toContain(response.headers.get("x-request-id")!);
    expect(error.message).not.toContain("secret");
  } finally {
    console.error = originalError;
  }
});

test("the OpenAPI spec documents every endpoint with its schemas and the error envelope", async () => {
  const spec = (await (await gateway.request("/openapi.json")).json()) as any;
  for (const path of ["/health", "/v1/models", "/v1/chat/completions"]) expect(spec.paths[path]).toBeDefined();
  const chat = spec.paths["/v1/chat/completions"].post;
  expect(chat.requestBody.content["application/json"].schema.properties.messages).toBeDefined();
  expect(chat.responses["200"].content["application/json"].schema.title).toBe("ChatCompletion");
  expect(chat.responses["200"].content["text/event-stream"].schema.title).toBe("ChatCompletionChunk");
  for (const status of ["400", "401", "402", "429", "500", "503", "504"]) {
    expect(chat.responses[status].content["application/json"].schema.title).toBe("ErrorEnvelope");
  }
  expect(spec.paths["/v1/models"].get.responses["200"].content["application/json"].schema.title).toBe("ModelList");
});

test("the OpenAPI spec documents the Responses API and GET /v1/models/{id}", async () => {
  const spec = (await (await gateway.request("/openapi.json")).json()) as any;
  const create = spec.paths["/v1/responses"].post;
  expect(create.requestBody.content["application/json"].schema.properties.input).toBeDefined();
  expect(create.responses["200"].content["application/json"].schema.title).toBe("Response");
  expect(create.responses["200"].content["text/event-stream"].schema.title).toBe("ResponseStreamEvent");
  for (const status of ["400", "401", "402", "404", "429", "503"]) {
    expect(create.responses[status].content["application/json"].schema.title).toBe("ErrorEnvelope");
  }
  const stored = spec.paths["/v1/responses/{id}"];
  expect(stored.get.responses["200"].content["application/json"].schema.title).toBe("Response");
  expect(stored.delete.responses["200"].content["application/json"].schema.title).toBe("ResponseDeleted");
  expect(stored.get.responses["404"].content["application/json"].schema.title).toBe("ErrorEnvelope");
  const items = spec.paths["/v1/responses/{id}/input_items"].get;
  expect(items.responses["200"].content["application/json"].schema.title).toBe("ResponseItemList");
  expect(items.responses["400"].content["application/json"].schema.title).toBe("ErrorEnvelope");
  const model = Object.entries(spec.paths).find(([path]) => path.startsWith("/v1/models/"))![1] as any;
  expect(model.get.responses["200"].content["application/json"].schema.title).toBe("Model");
  expect(model.get.responses["404"].content["application/json"].schema.title).toBe("ErrorEnvelope");
});

test("the Swagger UI page and its assets are served by the gateway itself", async () => {
  const page = await (await gateway.request("/docs")).text();
  const scripts = [...page.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
  expect(scripts.length).toBeGreaterThan(0);
  for (const asset of scripts.filter((s) => /\.(js|css)$/.test(s))) {
    expect(asset.startsWith("/")).toBe(true);
    expect((await gateway.request(asset)).status).toBe(200);
  }
  expect(page).not.toContain("unpkg.com");
  expect(page).not.toContain("jsdelivr");
  // The page loads the spec relative to itself: /docs/ would look for it under /docs/.
  const slash = await gateway.request("/docs/");
  expect(slash.status).toBe(308);
  expect(slash.headers.get("location")).toBe("/docs");
});
