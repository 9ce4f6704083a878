import { afterAll, beforeAll, beforeEach, expect, test } from "bun:test";
import OpenAI from "openai";
import type { FakeServer } from "../fakes/fake-server.ts";
import { bearer, startTestGateway, type TestGateway } from "../support/gateway.ts";
import { type ProviderGateway, startProviderGateway } from "../support/provider-gateway.ts";
import { apiError } from "../support/api-error.ts";

// The gateway driven by the official openai client, as users drive it, over
// real HTTP against fake Gemini and Anthropic servers replaying recorded traffic.
let setup: ProviderGateway;
let gateway: TestGateway;
let gemini: FakeServer;
let anthropic: FakeServer;
let client: OpenAI;
let key: string;

beforeAll(async () => {
  setup = await startProviderGateway({ UPSTREAM_TIMEOUT_MS: "400", STREAM_IDLE_TIMEOUT_MS: "300" });
  ({ gateway, gemini, anthropic, client, key } = setup);
});
beforeEach(() => {
  gemini.reset();
  anthropic.reset();
});
afterAll(() => setup.stop());

const hello = [{ role: "user" as const, content: "Hello" }];


test("google: a plain completion through the official client", async () => {
  gemini.setNext({ fixture: "google-text.json" });
  const completion = await client.chat.completions.create({ model: "google/gemini-3-flash", messages: hello });
  expect(completion.object).toBe("chat.completion");
  expect(completion.id).toMatch(/^chatcmpl-/);
  expect(completion.model).toBe("google/gemini-3-flash");
  expect(completion.choices[0]!.finish_reason).toBe("stop");
  expect(completion.choices[0]!.message.content!.length).toBeGreaterThan(0);
  expect(completion.usage!.total_tokens).toBe(completion.usage!.prompt_tokens + completion.usage!.completion_tokens);

  const upstream = gemini.lastRequest()!;
  expect(upstream.path).toBe("/v1beta/models/gemini-3-flash:generateContent");
  expect(upstream.headers["x-goog-api-key"]).toBe(gemini.apiKey);
  expect(upstream.body.contents).toEqual([{ role: "user", parts: [{ text: "Hello" }] }]);
});

test("anthropic: a plain completion through the official client", async () => {
  anthropic.setNext({ fixture: "anthropic-text.json" });
  const completion = await client.chat.completions.create({ model: "anthropic/claude-sonnet-4-5", messages: hello });
  expect(completion.choices[0]!.message.role).toBe("assistant");
  expect(completion.choices[0]!.finish_reason).toBe("stop");
  const upstream = anthropic.lastRequest()!;
  expect(upstream.path).toBe("/v1/messages");
  expect(upstream.headers["anthropic-version"]).toBe("2023-06-01");
  expect(upstream.body.model).toBe("claude-sonnet-4-5");
  expect(upstream.body.max_tokens).toBeGreaterThan(0);
});

for (const [provider, model, fixture] of [
  ["google", "google/gemini-3-flash", "google-text.chunks.txt"],
  ["anthropic", "anthropic/claude-sonnet-4-5", "anthropic-text.chunks.txt"],
] as const) {
  test(`${provider}: streaming with include_usage through the official client`, async () => {
    (provider === "google" ? gemini : anthropic).setNext({ fixture });
    const stream = await client.chat.completions.create({
      model,
      messages: hello,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0]!.choices[0]!.delta.role).toBe("assistant");
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    const finishes = chunks.flatMap((c) => c.choices.filter((ch) => ch.finish_reason !== null));
    expect(finishes).toHaveLength(1);
    expect(finishes[0]!.finish_reason).toBe("stop");
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage!.completion_tokens).toBeGreaterThan(0);
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? "").join("");
    expect(text.length).toBeGreaterThan(10);
  });
}

test("streaming without include_usage sends no usage chunk", async () => {
  anthropic.setNext({ fixture: "anthropic-text.chunks.txt" });
  const response = await gateway.request("/v1/chat/completions", {
    method: "POST",
    headers: { ...bearer(key), "content-type": "application/json" },
    body: JSON.stringify({ model: "anthropic/claude-sonnet-4-5", messages: hello, stream: true }),
  });
  expect(response.headers.get("content-type")).toContain("text/event-stream");
  expect(response.headers.get("x-request-id")).toMatch(/^req_/);
  const body = await response.text();
  expect(body.endsWith("data: [DONE]\n\n")).toBe(true);
  expect(body).not.toContain('"choices":[]');
});

test("multi-turn: the returned message appended as is becomes assistant history", async () => {
  gemini.enqueue({ fixture: "google-text.json" }, { fixture: "google-text.json" });
  const messages: OpenAI.ChatCompletionMessageParam[] = [
    { role: "system", content: "You are a concise assistant." },
    { role: "user", content: "Name three uses for a paperclip." },
  ];
  const first = await client.chat.completions.create({ model: "google/gemini-3-flash", messages });
  messages.push(first.choices[0]!.message);
  messages.push({ role: "user", content: "Which is the most common?" });
  await client.chat.completions.create({ model: "google/gemini-3-flash", messages });
  const second = gemini.lastRequest()!.body;
  expect(second.systemInstruction.parts[0].text).toBe("You are a concise assistant.");
  expect(second.contents.map((c: any) => c.role)).toEqual(["user", "model", "user"]);
  expect(second.contents[1].parts.map((p: any) => p.text).join("")).toBe(first.choices[0]!.message.content);
});

test("an unknown model → 400 model_not_found with the spec's message", async () => {
  const error = await apiError(client.chat.completions.create({ model: "openai/gpt-4o", messages: hello }));
  expect(error.status).toBe(400);
  expect(error.type).toBe("invalid_request_error");
  expect(error.code).toBe("model_not_found");
  expect(error.message).toContain('model "openai/gpt-4o" not found');
});

test("the embedding model on the chat endpoint → 400 chat_unsupported", async () => {
  const error = await apiError(client.chat.completions.create({ model: "google/text-embedding-004", messages: hello }));
  expect(error.status).toBe(400);
  expect(error.code).toBe("chat_unsupported");
});

test("anthropic models reject tools before any upstream call", async () => {
  const error = await apiError(
    client.chat.completions.create({
      model: "anthropic/claude-sonnet-4-6",
      messages: hello,
      tools: [{ type: "function", function: { name: "get_weather", parameters: { type: "object" } } }],
    }),
  );
  expect(error.status).toBe(400);
  expect(error.code).toBe("unsupported_parameter");
  expect(error.param).toBe("tools");
  expect(anthropic.requests).toHaveLength(0);
});

test("anthropic n > 1 → 400 unsupported_parameter naming n", async () => {
  const error = await apiError(client.chat.completions.create({ model: "anthropic/claude-haiku-4-5", messages: hello, n: 2 }));
  expect(error.status).toBe(400);
  expect(error.code).toBe("unsupported_parameter");
  expect(error.param).toBe("n");
});

test("a provider with no API key has no supplier → 503 no_supplier", async () => {
  const bare = await startTestGateway({});
  try {
    const response = await bare.request("/v1/chat/completions", {
      method: "POST",
      headers: { ...bearer(key), "content-type": "application/json" },
      body: JSON.stringify({ model: "google/gemini-3-flash", messages: hello }),
    });
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      error: { message: expect.any(String), type: "upstream_error", code: "no_supplier" },
    });
  } finally {
    await bare.stop();
  }
});

test("provider 429 and 529 → 503 no_supplier; the message says what the provider answered, with no URL or key", async () => {
  gemini.setNext({ fixture: "google-429-retry-info.json", status: 429 });
  const fromGoogle = await apiError(client.chat.completions.create({ model: "google/gemini-3-flash", messages: hello }));
  expect(fromGoogle.status).toBe(503);
  expect(fromGoogle.type).toBe("upstream_error");
  expect(fromGoogle.code).toBe("no_supplier");
  expect(fromGoogle.message).toContain("429");

  // An overload is retried (here on the one supplier there is, UPSTREAM_MAX_ATTEMPTS times): every attempt is overloaded.
  anthropic.setDefault({ json: { type: "error", error: { type: "overloaded_error", message: "Overloaded" } }, status: 529 });
  const fromAnthropic = await apiError(client.chat.completions.create({ model: "anthropic/claude-haiku-4-5", messages: hello }));
  expect(fromAnthropic.status).toBe(503);
  expect(fromAnthropic.code).toBe("no_supplier");
  expect(fromAnthropic.message).toContain("3 attempts");
  expect(anthropic.requests).toHaveLength(3);
  for (const message of [fromGoogle.message, fromAnthropic.message]) {
    expect(message).not.toContain("127.0.0.1");
    expect(message).not.toContain(gemini.apiKey);
    expect(message).not.toContain(anthropic.apiKey);
  }
});

test("provider 400 → 400 invalid_request_error with the provider's message", async () => {
  gemini.setNext({ fixture: "issue-8943-gemini-2.5-flash-error.json", status: 400 });
  const error = await apiError(client.chat.completions.create({ model: "google/gemini-2.5-pro", messages: hello }));
  expect(error.status).toBe(400);
  expect(error.type).toBe("invalid_request_error");
  expect(error.message).toContain("Penalty is not enabled");
});

test("no upstream headers within UPSTREAM_TIMEOUT_MS → 504 upstream_timeout", async () => {
  gemini.setNext({ fixture: "google-text.json", delayMs: 1000 });
  const error = await apiError(client.chat.completions.create({ model: "google/gemini-3-flash", messages: hello }));
  expect(error.status).toBe(504);
  expect(error.type).toBe("upstream_error");
  expect(error.code).toBe("upstream_timeout");
});

async function streamFailure(setup: () => void, model: string) {
  setup();
  const stream = await client.chat.completions.create({ model, messages: hello, stream: true });
  const received: string[] = [];
  const error = await (async () => {
    for await (const chunk of stream) received.push(chunk.choices[0]?.delta.content ?? "");
  })().then(
    () => undefined,
    (e) => e,
  );
  return { error, received };
}

test("an upstream `event: error` mid-stream reaches the client as an error frame", async () => {
  const { error, received } = await streamFailure(
    () => anthropic.setNext({ fixture: "anthropic-text.chunks.txt", errorAfter: 5 }),
    "anthropic/claude-sonnet-4-5",
  );
  expect(received.join("")).toContain("Hello");
  expect(error).toBeInstanceOf(OpenAI.APIError);
  expect(error.error ?? error).toMatchObject({ type: "upstream_error" });
});

test("a connection reset mid-stream → error frame with stream_error, then [DONE]", async () => {
  gemini.setNext({ fixture: "google-text.chunks.txt", resetAfter: 1 });
  const response = await gateway.request("/v1/chat/completions", {
    method: "POST",
    headers: { ...bearer(key), "content-type": "application/json" },
    body: JSON.stringify({ model: "google/gemini-3-flash", messages: hello, stream: true }),
  });
  expect(response.status).toBe(200);
  const frames = (await response.text()).split("\n\n").filter(Boolean);
  expect(frames.at(-1)).toBe("data: [DONE]");
  expect(JSON.parse(frames.at(-2)!.slice(6))).toEqual({
    error: { message: expect.any(String), type: "upstream_error", code: "stream_error" },
  });
});

test("a stalled stream ends with an error frame after the idle timeout", async () => {
  const started = performance.now();
  const { error } = await streamFailure(
    () => gemini.setNext({ fixture: "google-text.chunks.txt", stallAfter: 1 }),
    "google/gemini-3-flash",
  );
  expect(error).toBeInstanceOf(OpenAI.APIError);
  expect(performance.now() - started).toBeLessThan(3000);
});

test("a client that disconnects mid-stream aborts the upstream request", async () => {
  anthropic.setNext({ fixture: "anthropic-text.chunks.txt", eventDelayMs: 50 });
  const controller = new AbortController();
  const stream = await client.chat.completions.create(
    { model: "anthropic/claude-sonnet-4-5", messages: hello, stream: true },
    { signal: controller.signal },
  );
  for await (const _chunk of stream) {
    controller.abort();
    break;
  }
  await anthropic.waitForDisconnect(1, 2000);
  expect(anthropic.disconnects).toBe(1);
});

test("unknown optional OpenAI fields are accepted and ignored", async () => {
  gemini.setNext({ fixture: "google-text.json" });
  const response = await gateway.request("/v1/chat/completions", {
    method: "POST",
    headers: { ...bearer(key), "content-type": "application/json" },
    body: JSON.stringify({ model: "google/gemini-3-flash", messages: hello, store: true, metadata: { a: "b" }, service_tier: "auto" }),
  });
  expect(response.status).toBe(200);
  expect(response.headers.get("x-request-id")).toMatch(/^req_/);
});
