import { afterAll, beforeAll, expect, test } from "bun:test";
import type OpenAI from "openai";
import { CACHED_CONTENTS, type FakeServer, geminiCacheTooSmall } from "../fakes/gemini-server.ts";
import { fixtureChunks, fixtureJson } from "../support/fixtures.ts";
import { type ProviderGateway, startProviderGateway } from "../support/provider-gateway.ts";

// Gemini explicit context caching through the official client: a cache_control
// breakpoint on the system message makes the gateway create a cachedContents
// resource once and send every matching request on it. The gateway keeps its
// registry for its lifetime, so each test uses its own system text.
let setup: ProviderGateway;
let gemini: FakeServer;
let client: OpenAI;

beforeAll(async () => {
  setup = await startProviderGateway();
  ({ gemini, client } = setup);
});
afterAll(() => setup.stop());

const MODEL = "google/gemini-3-flash";
const CACHED = 4096;

/** A system message with a breakpoint (an OpenRouter extension the openai types do not know). */
const cachedSystem = (text: string): OpenAI.ChatCompletionSystemMessageParam => ({
  role: "system",
  content: [{ type: "text", text, cache_control: { type: "ephemeral" } } as OpenAI.ChatCompletionContentPartText],
});

const withCacheHit = (usage: Record<string, number>) => ({
  ...usage,
  promptTokenCount: usage.promptTokenCount! + CACHED,
  cachedContentTokenCount: CACHED,
});

/** google-text.json, answered on a cache of CACHED tokens. */
function cachedReply() {
  const reply = fixtureJson("google", "google-text.json");
  return { json: { ...reply, usageMetadata: withCacheHit(reply.usageMetadata) } };
}

function cachedStream() {
  const chunks = fixtureChunks("google", "google-text.chunks.txt").map((line) => JSON.parse(line));
  return { chunks: chunks.map((chunk) => ({ ...chunk, usageMetadata: withCacheHit(chunk.usageMetadata) })) };
}

const creations = () => gemini.requests.filter((request) => request.path === `/v1beta/${CACHED_CONTENTS}`);
const generations = () => gemini.requests.filter((request) => request.path.startsWith("/v1beta/models/"));

test("non-streaming: the cache is created once, both requests use it, and cache reads are reported", async () => {
  gemini.reset();
  gemini.enqueue(cachedReply(), cachedReply());
  const messages: OpenAI.ChatCompletionMessageParam[] = [
    cachedSystem("You answer questions about the strawberry manual. <long stable text>"),
    { role: "user", content: "How many r's in strawberry?" },
  ];
  const first = await client.chat.completions.create({ model: MODEL, messages });
  const second = await client.chat.completions.create({ model: MODEL, messages });

  expect(creations()).toHaveLength(1);
  expect(creations()[0]!.body).toMatchObject({
    model: "models/gemini-3-flash",
    systemInstruction: { parts: [{ text: "You answer questions about the strawberry manual. <long stable text>" }] },
    ttl: "300s",
  });
  for (const request of generations()) {
    expect(request.body.cachedContent).toMatch(/^cachedContents\//);
    expect(request.body.systemInstruction).toBeUndefined();
    expect(request.body.contents).toEqual([{ role: "user", parts: [{ text: "How many r's in strawberry?" }] }]);
  }
  const promptTokens = fixtureJson("google", "google-text.json").usageMetadata.promptTokenCount + CACHED;
  for (const completion of [first, second]) {
    expect(completion.usage!.prompt_tokens).toBe(promptTokens);
    expect(completion.usage!.prompt_tokens_details!.cached_tokens).toBe(CACHED);
  }
});

test("streaming: the request goes out on the cache and the usage chunk reports the cache read", async () => {
  gemini.reset();
  gemini.enqueue(cachedStream());
  const stream = await client.chat.completions.create({
    model: MODEL,
    messages: [cachedSystem("Streaming manual. <long stable text>"), { role: "user", content: "How many r's?" }],
    stream: true,
    stream_options: { include_usage: true },
  });
  let usage: OpenAI.CompletionUsage | undefined;
  for await (const chunk of stream) usage = chunk.usage ?? usage;

  expect(creations()).toHaveLength(1);
  const [request] = generations();
  expect(request!.path).toBe("/v1beta/models/gemini-3-flash:streamGenerateContent?alt=sse");
  expect(request!.body.cachedContent).toMatch(/^cachedContents\//);
  expect(request!.body.systemInstruction).toBeUndefined();
  expect(usage!.prompt_tokens_details!.cached_tokens).toBe(CACHED);
});

test("concurrent identical requests create the cache exactly once", async () => {
  gemini.reset();
  // A slow creation, so every request arrives while it is under way.
  gemini.enqueueFor(CACHED_CONTENTS, { delayMs: 100, json: { name: "cachedContents/concurrent" } });
  const messages: OpenAI.ChatCompletionMessageParam[] = [
    cachedSystem("Concurrent manual. <long stable text>"),
    { role: "user", content: "Hi" },
  ];
  await Promise.all(Array.from({ length: 5 }, () => client.chat.completions.create({ model: MODEL, messages })));
  expect(creations()).toHaveLength(1);
  expect(generations().map((request) => request.body.cachedContent)).toEqual(Array(5).fill("cachedContents/concurrent"));
});

test("a prefix Gemini refuses to cache is sent plainly, and the refusal is remembered", async () => {
  gemini.reset();
  gemini.enqueueFor(CACHED_CONTENTS, geminiCacheTooSmall());
  const messages: OpenAI.ChatCompletionMessageParam[] = [cachedSystem("Short."), { role: "user", content: "Hi" }];
  const first = await client.chat.completions.create({ model: MODEL, messages });
  await client.chat.completions.create({ model: MODEL, messages });

  expect(first.choices[0]!.message.content).toBe(fixtureJson("google", "google-text.json").candidates[0].content.parts[0].text);
  expect(creations()).toHaveLength(1);
  for (const request of generations()) {
    expect(request.body.cachedContent).toBeUndefined();
    expect(request.body.systemInstruction).toEqual({ parts: [{ text: "Short." }] });
  }
});
