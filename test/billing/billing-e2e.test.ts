import { afterAll, beforeAll, beforeEach, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import OpenAI from "openai";
import { keySpend, models, workspaces } from "../../src/db/schema.ts";
import { randomBase62, randomId } from "../../src/util/random.ts";
import { createApiKey } from "../../src/auth/keys.ts";
import { anthropicErrorResponse } from "../fakes/anthropic-server.ts";
import type { FakeServer } from "../fakes/fake-server.ts";
import { geminiErrorResponse } from "../fakes/gemini-server.ts";
import { newTenant, type TestGateway } from "../support/gateway.ts";
import { accountState } from "../support/ledger.ts";
import { type ProviderGateway, startProviderGateway } from "../support/provider-gateway.ts";
import { apiError } from "../support/api-error.ts";

// Billing through the real route, the official client and a real database:
// what a request costs, what it writes, and what it refuses.
let setup: ProviderGateway;
let gateway: TestGateway;
let gemini: FakeServer;
let anthropic: FakeServer;

beforeAll(async () => {
  setup = await startProviderGateway({ LEASE_TTL_SECONDS: "1", UPSTREAM_TIMEOUT_MS: "2000", STREAM_IDLE_TIMEOUT_MS: "1000" });
  ({ gateway, gemini, anthropic } = setup);
});
beforeEach(() => {
  gemini.reset();
  anthropic.reset();
});
afterAll(() => setup.stop());

const hello = [{ role: "user" as const, content: "Hello" }];
const USD = 1_000_000_000n;

async function tenant(credit = 10n * USD, keyOptions = {}) {
  const { workspace, key } = await newTenant(credit, keyOptions);
  const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: key, maxRetries: 0 });
  return { workspaceId: workspace.id, client, key };
}

async function settled(workspaceId: string) {
  await gateway.billing.flush();
  return accountState(gateway.db, workspaceId);
}


test("a completion is billed once at catalog prices: usage.cost, header, usage record and ledger debit agree", async () => {
  const { workspaceId, client } = await tenant();
  gemini.setNext({ fixture: "google-text.json" });
  const { data, response } = await client.chat.completions
    .create({ model: "google/gemini-3-flash", messages: hello })
    .withResponse();

  // 9 input × $0.50/M + (28 output + 244 thinking) × $3/M = 820,500 nano-USD
  expect((data.usage as unknown as { cost: number }).cost).toBe(0.0008205);
  expect(response.headers.get("x-opentoken-cost-usd")).toBe("0.0008205");
  expect(response.headers.get("server-timing")).toMatch(/^gateway;dur=\d+\.\d+, upstream;dur=\d+\.\d+$/);

  const state = await settled(workspaceId);
  expect(state.records).toHaveLength(1);
  expect(state.records[0]).toMatchObject({
    requestId: response.headers.get("x-request-id")!,
    modelId: "google/gemini-3-flash",
    promptTokens: 9,
    completionTokens: 272,
    reasoningTokens: 244,
    cost: 820_500n,
    estimated: false,
  });
  expect(state.debits).toHaveLength(1);
  expect(state.debits[0]).toMatchObject({ amount: -820_500n, requestId: response.headers.get("x-request-id")! });
  expect(state.balance).toBe(10n * USD - 820_500n);
  expect(state.ledgerSum).toBe(state.balance!);
});

test("a stream's final usage chunk carries the cost, and cache reads are billed at the cache-read price", async () => {
  const { workspaceId, client } = await tenant();
  anthropic.setNext({ fixture: "anthropic-issue-5942-cache-read.chunks.txt" });
  const stream = await client.chat.completions.create({
    model: "anthropic/claude-sonnet-4-6",
    messages: hello,
    stream: true,
    stream_options: { include_usage: true },
  });
  let usage: (OpenAI.CompletionUsage & { cost?: number }) | undefined;
  for await (const chunk of stream) if (chunk.usage) usage = chunk.usage;

  // 3 input × $3/M + 18,639 cache reads × $0.30/M + 1 output × $15/M = 5,615,700 nano-USD
  expect(usage?.prompt_tokens_details?.cached_tokens).toBe(18_639);
  expect(usage?.cost).toBe(0.0056157);
  const state = await settled(workspaceId);
  expect(state.records[0]).toMatchObject({ promptTokens: 18_642, cachedTokens: 18_639, completionTokens: 1, cost: 5_615_700n, estimated: false });
  expect(state.balance).toBe(state.ledgerSum);
});

test("cache writes are billed at the cache-write price; the system breakpoint reaches Anthropic", async () => {
  const { workspaceId, client } = await tenant();
  anthropic.setNext({ fixture: "anthropic-issue-5942-cache-write.chunks.txt" });
  const system = { role: "system", content: [{ type: "text", text: "A long manual…", cache_control: { type: "ephemeral" } }] };
  const stream = await client.chat.completions.create({
    model: "anthropic/claude-sonnet-4-6",
    messages: [system as unknown as OpenAI.ChatCompletionSystemMessageParam, ...hello],
    stream: true,
    stream_options: { include_usage: true },
  });
  let usage: (OpenAI.CompletionUsage & { cost?: number; prompt_tokens_details?: { cache_write_tokens?: number } }) | undefined;
  for await (const chunk of stream) if (chunk.usage) usage = chunk.usage;

  expect(anthropic.lastRequest()!.body.system).toEqual([{ type: "text", text: "A long manual…", cache_control: { type: "ephemeral" } }]);
  // 3 input × $3/M + 18,639 cache writes × $3.75/M + 1 output × $15/M = 69,920,250 nano-USD
  expect(usage?.prompt_tokens_details?.cache_write_tokens).toBe(18_639);
  expect(usage?.cost).toBe(0.06992025);
  const state = await settled(workspaceId);
  expect(state.records[0]).toMatchObject({ promptTokens: 18_642, cacheWriteTokens: 18_639, cachedTokens: 0, cost: 69_920_250n });
});

test("a non-streaming request the client abandons is not billed and releases its reservation", async () => {
  const { workspaceId, client } = await tenant();
  gemini.setNext({ fixture: "google-text.json", delayMs: 1_000 });
  const controller = new AbortController();
  const logged: unknown[] = [];
  const originalError = console.error;
  console.error = (...args: unknown[]) => logged.push(args);
  try {
    const pending = client.chat.completions.create({ model: "google/gemini-3-flash", messages: hello }, { signal: controller.signal });
    while (gemini.requests.length === 0) await Bun.sleep(5);
    controller.abort();
    expect(await pending.then(() => "completed", () => "aborted")).toBe("aborted");
    await gemini.waitForDisconnect();
    await Bun.sleep(50);
  } finally {
    console.error = originalError;
  }
  // A client going away is not a gateway failure: nothing is logged as unexpected.
  expect(logged).toEqual([]);

  const state = await settled(workspaceId);
  expect(state.records).toHaveLength(0);
  expect(state.balance).toBe(10n * USD);
  expect(gateway.billing.inFlight()).toBe(0);
});

test("a stream the client abandons is billed for the usage known then, marked estimated", async () => {
  const { workspaceId, client } = await tenant();
  let resume!: () => void;
  // message_start (12 input tokens), a text block start, a ping, then two text deltas; the rest waits.
  anthropic.setNext({ fixture: "anthropic-text.chunks.txt", pause: { after: 5, until: new Promise<void>((r) => (resume = r)) } });
  const controller = new AbortController();
  const stream = await client.chat.completions.create(
    { model: "anthropic/claude-sonnet-4-5", messages: hello, stream: true },
    { signal: controller.signal },
  );
  let text = "";
  try {
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      if (text.length >= "Hello! I".length) controller.abort();
    }
  } catch {
    // the client's own abort
  }
  expect(text).toBe("Hello! I");
  await anthropic.waitForDisconnect();
  resume();

  const state = await settled(workspaceId);
  expect(state.records).toHaveLength(1);
  // The provider's input count from message_start; output estimated from the 8 characters sent (⌈8/4⌉ = 2).
  expect(state.records[0]).toMatchObject({ promptTokens: 12, completionTokens: 2, estimated: true, cost: 66_000n });
  expect(state.balance).toBe(10n * USD - 66_000n);
  expect(gateway.billing.inFlight()).toBe(0);
});

test("a stream that fails mid-way is billed for the usage so far", async () => {
  const { workspaceId, client } = await tenant();
  anthropic.setNext({ fixture: "anthropic-text.chunks.txt", errorAfter: 5 });
  const stream = await client.chat.completions.create({ model: "anthropic/claude-sonnet-4-5", messages: hello, stream: true });
  await expect(
    (async () => {
      for await (const _ of stream);
    })(),
  ).rejects.toThrow();
  const state = await settled(workspaceId);
  expect(state.records[0]).toMatchObject({ promptTokens: 12, completionTokens: 2, estimated: true });
  expect(state.ledgerSum).toBe(state.balance!);
});

test("requests that fail before any tokens are consumed are not billed, and release their reservation", async () => {
  const { workspaceId, client } = await tenant();
  // Every attempt fails (the one supplier is retried), and none of them is billed.
  gemini.setDefault(geminiErrorResponse(503, "UNAVAILABLE", "The model is overloaded."));
  expect((await apiError(client.chat.completions.create({ model: "google/gemini-3-flash", messages: hello }))).status).toBe(503);
  anthropic.setNext(anthropicErrorResponse("invalid_request_error", "prompt is too long"));
  expect((await apiError(client.chat.completions.create({ model: "anthropic/claude-sonnet-4-5", messages: hello }))).status).toBe(400);
  gemini.setDefault({ fixture: "google-text.chunks.txt", delayMs: 3_000 });
  const timedOut = await apiError(client.chat.completions.create({ model: "google/gemini-3-flash", messages: hello, stream: true }));
  expect(timedOut.status).toBe(504);
  gemini.setDefault(undefined);
  expect((await apiError(client.chat.completions.create({ model: "openai/gpt-4o", messages: hello }))).status).toBe(400);

  const state = await settled(workspaceId);
  expect(state.records).toHaveLength(0);
  expect(state.debits).toHaveLength(0);
  expect(state.balance).toBe(10n * USD);
  expect(gateway.billing.inFlight()).toBe(0);
});

test("402 insufficient_credit says what the request needed and what is available", async () => {
  const { workspaceId, client } = await tenant(1_000_000n); // $0.001
  // Worst case: 64,000 max output tokens × $15/M alone is $0.96.
  const error = await apiError(client.chat.completions.create({ model: "anthropic/claude-sonnet-4-5", messages: hello, max_tokens: 64_000 }));
  expect(error.status).toBe(402);
  expect(error.code).toBe("insufficient_credit");
  expect(error.type).toBe("invalid_request_error");
  expect(error.message).toMatch(/needs up to \$0\.96\d* reserved .* has \$0\.001 available/);
  expect(anthropic.requests).toHaveLength(0);

  // A request that fits is admitted on the same balance.
  anthropic.setNext({ fixture: "anthropic-text.json" });
  await client.chat.completions.create({ model: "anthropic/claude-sonnet-4-5", messages: hello, max_tokens: 20 });
  const state = await settled(workspaceId);
  expect(state.balance).toBe(1_000_000n - 471_000n);
});

test("402 when the workspace has no billing account", async () => {
  const workspaceId = randomId("ws");
  await gateway.db.insert(workspaces).values({ id: workspaceId, name: `nobill-${randomBase62(8)}` });
  const { key } = await createApiKey(gateway.db, workspaceId);
  const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: key, maxRetries: 0 });
  const error = await apiError(client.chat.completions.create({ model: "google/gemini-3-flash", messages: hello }));
  expect(error.status).toBe(402);
  expect(error.code).toBe("insufficient_credit");
  expect(error.message).toContain("no billing account");
});

test("429 spend_limit_exceeded once a key's daily limit is used up; the workspace still has credit", async () => {
  // Each request: worst case ≈ 9 bytes… + 300 output × $3/M ≈ $0.0009; actual cost $0.0008205.
  const { workspaceId, client } = await tenant(10n * USD, { spendLimit: 2_000_000n, limitReset: "daily" });
  gemini.setDefault({ fixture: "google-text.json" });
  const request = () => client.chat.completions.create({ model: "google/gemini-3-flash", messages: hello, max_tokens: 300 });
  await request();
  await request();
  const error = await apiError(request());
  expect(error.status).toBe(429);
  expect(error.code).toBe("spend_limit_exceeded");
  expect(error.type).toBe("invalid_request_error");
  expect(error.message).toMatch(/has \$0\.00\d+ left of its \$0\.002 daily limit \(it resets at \d{4}-\d\d-\d\dT00:00:00\.000Z\)/);

  const state = await settled(workspaceId);
  expect(state.records).toHaveLength(2);
  const [spend] = await gateway.db.select().from(keySpend).where(eq(keySpend.apiKeyId, state.records[0]!.apiKeyId));
  expect(spend!.spent).toBe(2n * 820_500n);
  expect(spend!.periodStart.getUTCHours()).toBe(0);
});

test("200 concurrent requests on a balance that covers 20 worst cases: 20 admitted, no overdraft", async () => {
  // Worst case per request: body bytes × $0.50/M + 1,000 output × $3/M; the body is under 200 bytes.
  const worstCase = 200n * 500n + 1_000n * 3_000n; // nano-USD, an upper bound of the real estimate
  const { workspaceId, client } = await tenant(20n * worstCase + worstCase / 2n);
  gemini.setDefault({ fixture: "google-text.json", delayMs: 400 });
  const results = await Promise.allSettled(
    Array.from({ length: 200 }, () => client.chat.completions.create({ model: "google/gemini-3-flash", messages: hello, max_tokens: 1_000 })),
  );
  const admitted = results.filter((r) => r.status === "fulfilled").length;
  const refused = results.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason);
  expect(admitted).toBeGreaterThanOrEqual(20);
  expect(admitted).toBeLessThanOrEqual(24);
  for (const error of refused) expect(error.status).toBe(402);

  const state = await settled(workspaceId);
  expect(state.records).toHaveLength(admitted);
  expect(state.balance).toBeGreaterThanOrEqual(0n);
  expect(state.ledgerSum).toBe(state.balance!);
  expect(gateway.billing.inFlight()).toBe(0);
});

test("after a burst, the process gives its idle credit holds back", async () => {
  const { workspaceId, client } = await tenant();
  gemini.setDefault({ fixture: "google-text.json" });
  await Promise.all(Array.from({ length: 10 }, () => client.chat.completions.create({ model: "google/gemini-3-flash", messages: hello })));
  expect((await accountState(gateway.db, workspaceId)).holds).toBeGreaterThan(0n);
  // LEASE_TTL_SECONDS=1: idle leases are dropped within a few maintenance rounds of ⅓ s.
  const deadline = Date.now() + 5_000;
  while ((await accountState(gateway.db, workspaceId)).holds > 0n && Date.now() < deadline) await Bun.sleep(100);
  expect((await accountState(gateway.db, workspaceId)).holds).toBe(0n);
  expect(gateway.billing.inFlight()).toBe(0);
});

test("a request is priced at the catalog prices in force when it was admitted", async () => {
  const { workspaceId, client } = await tenant();
  gemini.setNext({ fixture: "google-text.json", delayMs: 500 });
  const pending = client.chat.completions.create({ model: "google/gemini-3-flash", messages: hello });
  while (gemini.requests.length === 0) await Bun.sleep(5);
  await gateway.db.update(models).set({ outputPrice: 30_000_000_000n }).where(eq(models.id, "google/gemini-3-flash"));
  try {
    await gateway.catalog.load();
    await pending;
  } finally {
    await gateway.db.update(models).set({ outputPrice: 3_000_000_000n }).where(eq(models.id, "google/gemini-3-flash"));
    await gateway.catalog.load();
  }
  expect((await settled(workspaceId)).records[0]!.cost).toBe(820_500n);
});
