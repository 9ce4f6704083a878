import { afterAll, beforeAll, beforeEach, expect, test } from "bun:test";
import type { FakeServer, RecordedRequest } from "../fakes/fake-server.ts";
import { startGeminiServer } from "../fakes/gemini-server.ts";
import { apiError } from "../support/api-error.ts";
import { type ProviderGateway, startProviderGateway } from "../support/provider-gateway.ts";

// Upstreams that try to steer the gateway: redirects to another origin,
// error bodies and stream events that quote the credential, rate limits
// with Retry-After. Driven through the official client.
let setup: ProviderGateway;
let gemini: FakeServer;
let anthropic: FakeServer;
/** Another origin that a redirect points at: it must never see a request. */
let elsewhere: FakeServer;

beforeAll(async () => {
  setup = await startProviderGateway();
  ({ gemini, anthropic } = setup);
  elsewhere = startGeminiServer({ apiKey: gemini.apiKey });
});
beforeEach(() => {
  gemini.reset();
  anthropic.reset();
  elsewhere.reset();
});
afterAll(async () => {
  await setup.stop();
  await elsewhere.stop();
});

const hello = [{ role: "user" as const, content: "Hello" }];
const chat = (model: string, stream = false): Promise<unknown> =>
  setup.client.chat.completions.create({ model, messages: hello, stream });

for (const status of [301, 302, 307, 308]) {
  test(`an upstream ${status} to another origin is not followed: 503, and the credential goes nowhere else`, async () => {
    const redirect = { status, headers: { location: `${elsewhere.url}/v1beta/models/gemini-3-flash:generateContent` }, text: "" };
    gemini.setNext(redirect);
    const error = await apiError(chat("google/gemini-3-flash"));
    expect(error.status).toBe(503);
    expect(error.code).toBe("no_supplier");
    expect(error.message).toContain(`redirect (${status})`);
    anthropic.setNext({ ...redirect, headers: { location: `${elsewhere.url}/v1/messages` } });
    expect((await apiError(chat("anthropic/claude-sonnet-4-5", true))).status).toBe(503);
    expect(elsewhere.requests).toHaveLength(0);
  });
}

/** A reply computed from the request that quotes the credential it was sent. */
const echoKey = (header: string, build: (key: string) => object) => ({
  reply: (request: RecordedRequest) => ({ status: 400, json: build(request.headers[header]!) }),
});

test("a provider 400 that quotes the API key reaches the client without it (any key shape, both providers)", async () => {
  gemini.setNext(
    echoKey("x-goog-api-key", (key) => ({ error: { code: 400, status: "INVALID_ARGUMENT", message: `bad request for key ${key}` } })),
  );
  const google = await apiError(chat("google/gemini-3-flash"));
  expect(google.status).toBe(400);
  expect(google.message).toContain("bad request for key [redacted]");
  expect(google.message).not.toContain(gemini.apiKey);

  anthropic.setNext(
    echoKey("x-api-key", (key) => ({ type: "error", error: { type: "invalid_request_error", message: `key ${key} is odd` } })),
  );
  const claude = await apiError(chat("anthropic/claude-sonnet-4-5"));
  expect(claude.status).toBe(400);
  expect(claude.code).toBe("upstream_invalid_request");
  expect(claude.message).toContain("key [redacted] is odd");
  expect(claude.message).not.toContain(anthropic.apiKey);
});

test("a mid-stream error event that quotes the API key reaches the client without it", async () => {
  anthropic.setNext({
    fixture: "anthropic-text.chunks.txt",
    errorAfter: 3,
    errorPayload: { type: "error", error: { type: "overloaded_error", message: `overloaded for ${anthropic.apiKey}` } },
  });
  const stream = (await chat("anthropic/claude-sonnet-4-5", true)) as AsyncIterable<unknown>;
  const error = await (async () => {
    for await (const _chunk of stream);
  })().catch((e) => e);
  expect(String(error.message)).toContain("overloaded for [redacted]");
  expect(String(error.message)).not.toContain(anthropic.apiKey);
});

test("a provider 429 with Retry-After → 503 no_supplier with the Retry-After passed on", async () => {
  anthropic.setNext({
    status: 429,
    headers: { "retry-after": "17" },
    json: { type: "error", error: { type: "rate_limit_error", message: "Number of requests has exceeded your rate limit" } },
  });
  const claude = await apiError(chat("anthropic/claude-sonnet-4-5"));
  expect(claude.status).toBe(503);
  expect(claude.code).toBe("no_supplier");
  expect(claude.headers?.get("retry-after")).toBe("17");

  gemini.setNext({ status: 503, headers: { "retry-after": "3" }, json: { error: { code: 503, status: "UNAVAILABLE", message: "overloaded" } } });
  expect((await apiError(chat("google/gemini-3-flash", true))).headers?.get("retry-after")).toBe("3");
});

test("Gemini's 429 RetryInfo.retryDelay becomes Retry-After (rounded up) when no header says otherwise", async () => {
  gemini.setNext({ fixture: "google-429-retry-info.json" });
  const error = await apiError(chat("google/gemini-3-flash"));
  expect(error.status).toBe(503);
  expect(error.headers?.get("retry-after")).toBe("35");
});
