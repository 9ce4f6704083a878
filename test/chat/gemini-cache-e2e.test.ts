import { afterAll, beforeAll, expect, test } from "bun:test";
import OpenAI from "openai";
import { CACHED_CONTENTS, type FakeServer, geminiCacheTooSmall } from "../fakes/gemini-server.ts";
import { fixtureChunks, fixtureJson } from "../support/fixtures.ts";
import { newTenant } from "../support/gateway.ts";
import { accountState } from "../support/ledger.ts";
import { type ProviderGateway, startProviderGateway } from "../support/provider-gateway.ts";

// Gemini explicit context caching through the official client: a cache_control
// breakpoint on the system message makes the gateway create a cachedContents
// resource once and send every matching request on it. The gateway keeps its
// registry for its lifetime, so each test uses its own system text. The request
// that creates the cache pays for writing it: Gemini reports the prefix of that
// request as a cache read, so the gateway moves the tokens the creation reported
// (the CachedContent's usageMetadata.totalTokenCount) to cache writes.
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

/** A created CachedContent holding `totalTokenCount` tokens. */
const creationReply = (name: string, totalTokenCount: number, delayMs = 0) => ({
  delayMs,
  json: { name, expireTime: "2999-01-01T00:00:00Z", usageMetadata: { totalTokenCount } },
});

/** What the fake's default creation reply reports the cache holds. */
const defaultCacheTokens = (creation: { body: unknown }) => Math.ceil(JSON.stringify(creation.body).length / 4);

/** A client on a workspace of its own, whose usage records can be read back. */
async function tenant() {
  const { workspace, key } = await newTenant();
  const client = new OpenAI({ baseURL: `${setup.gateway.url}/v1`, apiKey: key, maxRetries: 0 });
  return { workspaceId: workspace.id, client };
}

const costOf = (usage: OpenAI.CompletionUsage | undefined) => (usage as unknown as { cost: number }).cost;

test("non-streaming: the cache is created once, both requests use it; the creator pays the write, the next one a read", async () => {
  gemini.reset();
  gemini.enqueue(cachedReply(), cachedReply());
  // The cache holds exactly what the generations then report as cached, as on the real API.
  gemini.enqueueFor(CACHED_CONTENTS, creationReply("cachedContents/billed", CACHED));
  const { workspaceId, client } = await tenant();
  const messages: OpenAI.ChatCompletionMessageParam[] = [
    cachedSystem("You answer questions about the strawberry manual. <long stable text>"),
    { role: "user", content: "How many r's in strawberry?" },
  ];
  const { data: first, response } = await client.chat.completions.create({ model: MODEL, messages }).withResponse();
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
  for (const completion of [first, second]) expect(completion.usage!.prompt_tokens).toBe(promptTokens);
  expect(first.usage!.prompt_tokens_details).toEqual({ cached_tokens: 0, cache_write_tokens: CACHED });
  expect(second.usage!.prompt_tokens_details).toEqual({ cached_tokens: CACHED, cache_write_tokens: 0 });

  // gemini-3-flash: input $0.50/M, cache read $0.05/M, cache write $0.50/M, output $3/M.
  // Creator: 9 input × 0.5 + 4096 written × 0.5 + 272 output (28 + 244 thinking) × 3 = 2,868,500 nano-USD.
  // Next:    9 input × 0.5 + 4096 read × 0.05 + 272 output × 3                   = 1,025,300 nano-USD.
  expect(costOf(first.usage)).toBe(0.0028685);
  expect(response.headers.get("x-opentoken-cost-usd")).toBe("0.0028685");
  expect(costOf(second.usage)).toBe(0.0010253);
  await setup.gateway.billing.flush();
  const { records } = await accountState(setup.gateway.db, workspaceId);
  expect(records.toReversed()).toMatchObject([
    {
      requestId: response.headers.get("x-request-id")!,
      promptTokens,
      cachedTokens: 0,
      cacheWriteTokens: CACHED,
      completionTokens: 272,
      cost: 2_868_500n,
      estimated: false,
    },
    { promptTokens, cachedTokens: CACHED, cacheWriteTokens: 0, completionTokens: 272, cost: 1_025_300n, estimated: false },
  ]);
});

test("streaming: the request goes out on the cache; the creator's usage chunk and record show the write, the next one's a read", async () => {
  gemini.reset();
  gemini.enqueue(cachedStream(), cachedStream());
  const { workspaceId, client } = await tenant();
  const streamedUsage = async () => {
    const stream = await client.chat.completions.create({
      model: MODEL,
      messages: [cachedSystem("Streaming manual. <long stable text>"), { role: "user", content: "How many r's?" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) usage = chunk.usage ?? usage;
    return usage!;
  };
  const first = await streamedUsage();
  const second = await streamedUsage();

  expect(creations()).toHaveLength(1);
  const [request] = generations();
  expect(request!.path).toBe("/v1beta/models/gemini-3-flash:streamGenerateContent?alt=sse");
  expect(request!.body.cachedContent).toMatch(/^cachedContents\//);
  expect(request!.body.systemInstruction).toBeUndefined();
  // The fake's default creation reply: a cache smaller than what the generation reports cached.
  const written = defaultCacheTokens(creations()[0]!);
  expect(written).toBeGreaterThan(0);
  expect(written).toBeLessThan(CACHED);
  expect(first.prompt_tokens_details).toEqual({ cached_tokens: CACHED - written, cache_write_tokens: written });
  expect(second.prompt_tokens_details).toEqual({ cached_tokens: CACHED, cache_write_tokens: 0 });
  expect(first.prompt_tokens).toBe(second.prompt_tokens);

  await setup.gateway.billing.flush();
  const records = (await accountState(setup.gateway.db, workspaceId)).records.toReversed();
  expect(records).toMatchObject([
    { cachedTokens: CACHED - written, cacheWriteTokens: written, estimated: false },
    { cachedTokens: CACHED, cacheWriteTokens: 0, estimated: false },
  ]);
  // The same output on both; the write costs the input price instead of the read price.
  expect(records[0]!.cost - records[1]!.cost).toBe(BigInt(Math.ceil(written * (500_000_000 - 50_000_000) / 1e6)));
  expect(records.map((record) => record.cost)).toEqual([first, second].map((usage) => BigInt(Math.round(costOf(usage) * 1e9))));
});

test("concurrent identical requests create the cache exactly once, and only one of them pays the write", async () => {
  gemini.reset();
  gemini.enqueue(...Array.from({ length: 5 }, cachedReply));
  // A slow creation, so every request arrives while it is under way.
  gemini.enqueueFor(CACHED_CONTENTS, creationReply("cachedContents/concurrent", CACHED, 100));
  const messages: OpenAI.ChatCompletionMessageParam[] = [
    cachedSystem("Concurrent manual. <long stable text>"),
    { role: "user", content: "Hi" },
  ];
  const completions = await Promise.all(
    Array.from({ length: 5 }, () => client.chat.completions.create({ model: MODEL, messages })),
  );
  expect(creations()).toHaveLength(1);
  expect(generations().map((request) => request.body.cachedContent)).toEqual(Array(5).fill("cachedContents/concurrent"));
  const details = completions.map((completion) => completion.usage!.prompt_tokens_details);
  expect(details.filter((detail) => detail!.cache_write_tokens === CACHED)).toEqual([{ cached_tokens: 0, cache_write_tokens: CACHED }]);
  expect(details.filter((detail) => detail!.cache_write_tokens === 0)).toEqual(
    Array(4).fill({ cached_tokens: CACHED, cache_write_tokens: 0 }),
  );
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
