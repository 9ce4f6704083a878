import { afterAll, afterEach, beforeAll, expect, test } from "bun:test";
import type { ChatCompletionRequest, ChatMessage } from "../../../../src/openai/chat-request.ts";
import type { GeminiCall } from "../../../../src/providers/google/build-gemini-request.ts";
import { GoogleChatAdapter } from "../../../../src/providers/google/index.ts";
import { googleProtocol } from "../../../../src/providers/google/protocol.ts";
import { createProviderClient } from "../../../../src/providers/provider-client.ts";
import { createTransport } from "../../../../src/providers/upstream-transport.ts";
import {
  CACHED_CONTENTS,
  type FakeServer,
  geminiCacheTooSmall,
  geminiErrorResponse,
  startGeminiServer,
} from "../../../fakes/gemini-server.ts";
import { buildGemini, chatRequest, googleModel } from "../support.ts";

// The google adapter's prepare hook against the fake Gemini API, through the real transport.
let gemini: FakeServer;
beforeAll(() => {
  gemini = startGeminiServer();
});
afterAll(() => gemini.stop());
afterEach(() => gemini.reset());

/** No thinking family, so bodies carry no thinkingConfig. */
const model = googleModel("gemini-2.0-flash");
const live = new AbortController().signal;
const cc = { type: "ephemeral" as const };
const MANUAL = "You answer from the manual. <long, stable text>";
const CACHE_NAME = expect.stringMatching(/^cachedContents\/fake\d+$/);
const tools: ChatCompletionRequest["tools"] = [
  { type: "function", function: { name: "lookup", parameters: { type: "object", properties: { q: { type: "string" } } } } },
];

/** A fresh adapter and provider account: the adapter keeps one cache registry per account. */
const newUpstream = ({ timeoutMs = 5_000 } = {}) => ({
  adapter: new GoogleChatAdapter(createTransport({ upstreamTimeoutMs: timeoutMs, streamIdleTimeoutMs: 5_000 })),
  client: createProviderClient(googleProtocol, { name: "google", baseUrl: gemini.url, credential: gemini.apiKey }),
});
type Upstream = ReturnType<typeof newUpstream>;

const systemCached = (question = "What is covered?"): ChatMessage[] => [
  { role: "system", content: [{ type: "text", text: MANUAL, cache_control: cc }] },
  { role: "user", content: question },
];

function prepare(
  upstream: Upstream,
  fields: Partial<ChatCompletionRequest>,
  { stream = false, m = model, signal = live } = {},
): Promise<GeminiCall> {
  const call = buildGemini(chatRequest(fields), m, stream);
  return upstream.adapter.prepare(call, upstream.client, signal);
}

const cachedContentOf = (call: GeminiCall) => call.body.cachedContent;
const creations = () => gemini.requests.filter((request) => request.path === `/v1beta/${CACHED_CONTENTS}`);

test("system breakpoint: one creation; the call sends cachedContent instead of systemInstruction, tools, toolConfig", async () => {
  const call = await prepare(newUpstream(), { messages: systemCached(), tools, tool_choice: "auto", max_tokens: 50 });

  expect(creations()).toHaveLength(1);
  const [creation] = creations();
  expect(creation!.headers["x-goog-api-key"]).toBe(gemini.apiKey);
  expect(creation!.body).toEqual({
    model: "models/gemini-2.0-flash",
    systemInstruction: { parts: [{ text: MANUAL }] },
    tools: [{ functionDeclarations: [{ name: "lookup", parametersJsonSchema: tools[0]!.function.parameters }] }],
    toolConfig: { functionCallingConfig: { mode: "AUTO" } },
    ttl: "300s",
  });
  expect(call.path).toBe("/v1beta/models/gemini-2.0-flash:generateContent");
  expect(call.body).toEqual({
    contents: [{ role: "user", parts: [{ text: "What is covered?" }] }],
    generationConfig: { maxOutputTokens: 50 },
    cachedContent: CACHE_NAME,
  });
});

test("streaming calls are rewritten the same way and share the cache with non-streaming ones", async () => {
  const upstream = newUpstream();
  const streamed = await prepare(upstream, { messages: systemCached() }, { stream: true });
  const plain = await prepare(upstream, { messages: systemCached("Another question?") });

  expect(creations()).toHaveLength(1);
  expect(streamed.path).toBe("/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse");
  expect(streamed.body).toEqual({
    contents: [{ role: "user", parts: [{ text: "What is covered?" }] }],
    cachedContent: CACHE_NAME,
  });
  expect(cachedContentOf(plain)).toBe(cachedContentOf(streamed));
});

test("a document marked in the user message is cached up to the mark, with the breakpoint's ttl; the question stays", async () => {
  const call = await prepare(newUpstream(), {
    messages: [
      { role: "system", content: "Be brief." },
      {
        role: "user",
        content: [
          { type: "text", text: "<document>", cache_control: { type: "ephemeral", ttl: "1h" } },
          { type: "text", text: "Summarise it." },
        ],
      },
    ],
  });
  expect(creations()[0]!.body).toEqual({
    model: "models/gemini-2.0-flash",
    systemInstruction: { parts: [{ text: "Be brief." }] },
    contents: [{ role: "user", parts: [{ text: "<document>" }] }],
    ttl: "3600s",
  });
  expect(call.body).toEqual({ contents: [{ role: "user", parts: [{ text: "Summarise it." }] }], cachedContent: CACHE_NAME });
});

test("concurrent identical requests: exactly one creation, and every request uses it", async () => {
  const upstream = newUpstream();
  gemini.enqueueFor(CACHED_CONTENTS, { delayMs: 30, json: { name: "cachedContents/slow", expireTime: "2999-01-01T00:00:00Z" } });
  const calls = await Promise.all(Array.from({ length: 6 }, () => prepare(upstream, { messages: systemCached() })));
  expect(creations()).toHaveLength(1);
  for (const call of calls) expect(cachedContentOf(call)).toBe("cachedContents/slow");
});

test("only the request whose prepare created the cache carries cacheWriteTokens: the creation's totalTokenCount", async () => {
  const upstream = newUpstream();
  gemini.enqueueFor(CACHED_CONTENTS, {
    json: { name: "cachedContents/counted", expireTime: "2999-01-01T00:00:00Z", usageMetadata: { totalTokenCount: 4321 } },
  });
  const creating = await prepare(upstream, { messages: systemCached() });
  const reusing = await prepare(upstream, { messages: systemCached("Another question?") });

  expect(creations()).toHaveLength(1);
  expect(creating.cacheWriteTokens).toBe(4321);
  expect(cachedContentOf(reusing)).toBe("cachedContents/counted");
  expect(reusing.cacheWriteTokens).toBeUndefined();
});

test("the fake's default creation reply counts the cached prefix, and the creator carries that count", async () => {
  const creating = await prepare(newUpstream(), { messages: systemCached(), tools });
  expect(creating.cacheWriteTokens).toBe(Math.ceil(JSON.stringify(creations()[0]!.body).length / 4));
});

test("concurrent requests on one creation: only the one that started it carries cacheWriteTokens", async () => {
  const upstream = newUpstream();
  gemini.enqueueFor(CACHED_CONTENTS, {
    delayMs: 30,
    json: { name: "cachedContents/slow", expireTime: "2999-01-01T00:00:00Z", usageMetadata: { totalTokenCount: 5000 } },
  });
  const calls = await Promise.all(Array.from({ length: 6 }, () => prepare(upstream, { messages: systemCached() })));
  expect(creations()).toHaveLength(1);
  expect(calls.map((call) => call.cacheWriteTokens)).toEqual([5000, ...Array(5).fill(undefined)]);
  for (const call of calls) expect(cachedContentOf(call)).toBe("cachedContents/slow");
});

test("a creation reply without usageMetadata: the cache is used and no write is claimed", async () => {
  gemini.enqueueFor(CACHED_CONTENTS, { json: { name: "cachedContents/uncounted", expireTime: "2999-01-01T00:00:00Z" } });
  const call = await prepare(newUpstream(), { messages: systemCached() });
  expect(cachedContentOf(call)).toBe("cachedContents/uncounted");
  expect(call.cacheWriteTokens).toBeUndefined();
});

test("a refused creation (prefix too small) sends the plain request, and is not retried for the same prefix", async () => {
  const upstream = newUpstream();
  gemini.enqueueFor(CACHED_CONTENTS, geminiCacheTooSmall());
  const plain = buildGemini(chatRequest({ messages: systemCached() }), model, false);

  expect(await prepare(upstream, { messages: systemCached() })).toEqual(plain);
  expect(await prepare(upstream, { messages: systemCached() })).toEqual(plain);
  expect(creations()).toHaveLength(1);
  // Another prefix is tried on its own.
  await prepare(upstream, {
    messages: [{ role: "system", content: [{ type: "text", text: "Other.", cache_control: cc }] }, { role: "user", content: "Hi" }],
  });
  expect(creations()).toHaveLength(2);
});

test("an outage or a timeout falls back to the plain request for that call only; the next request tries again", async () => {
  const upstream = newUpstream({ timeoutMs: 100 });
  gemini.enqueueFor(
    CACHED_CONTENTS,
    geminiErrorResponse(503, "UNAVAILABLE", "The service is currently unavailable."),
    { delayMs: 500, json: { name: "cachedContents/late" } },
  );
  const plain = buildGemini(chatRequest({ messages: systemCached() }), model, false);

  expect(await prepare(upstream, { messages: systemCached() })).toEqual(plain);
  expect(await prepare(upstream, { messages: systemCached() })).toEqual(plain);
  const cached = await prepare(upstream, { messages: systemCached() });
  expect(creations()).toHaveLength(3);
  expect(cachedContentOf(cached)).toEqual(CACHE_NAME);
});

test("no upstream call and an unchanged call: no breakpoint, a model without caching, or nothing cacheable", async () => {
  const upstream = newUpstream();
  const cases: [Partial<ChatCompletionRequest>, typeof model][] = [
    [{ messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Hi" }] }, model],
    [{ messages: systemCached() }, googleModel("gemini-2.0-flash", { supportsCaching: false })],
    [{ messages: [{ role: "user", content: [{ type: "text", text: "Only turn", cache_control: cc }] }] }, model],
  ];
  for (const [fields, m] of cases) {
    const call = buildGemini(chatRequest(fields), m, false);
    expect(await upstream.adapter.prepare(call, upstream.client, live)).toBe(call);
  }
  expect(gemini.requests).toHaveLength(0);
});

test("the cache is per model and per provider account (one API key's project)", async () => {
  const upstream = newUpstream();
  await prepare(upstream, { messages: systemCached() });
  await prepare(upstream, { messages: systemCached() }, { m: googleModel("gemini-2.5-pro") });
  await prepare(newUpstream(), { messages: systemCached() });
  expect(creations().map((request) => request.body.model)).toEqual([
    "models/gemini-2.0-flash",
    "models/gemini-2.5-pro",
    "models/gemini-2.0-flash",
  ]);
});

test("a client that leaves while the cache is being created: its prepare rejects with its abort reason", async () => {
  gemini.enqueueFor(CACHED_CONTENTS, { delayMs: 50, json: { name: "cachedContents/x" } });
  const client = new AbortController();
  const pending = prepare(newUpstream(), { messages: systemCached() }, { signal: client.signal });
  client.abort(new DOMException("The operation was aborted.", "AbortError"));
  await expect(pending).rejects.toThrow("aborted");
});
