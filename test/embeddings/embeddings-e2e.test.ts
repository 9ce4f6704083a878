import { afterAll, beforeAll, beforeEach, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import OpenAI from "openai";
import { ledgerEntries, usageRecords } from "../../src/db/schema.ts";
import { estimatePromptTokens } from "../../src/embeddings/token-estimate.ts";
import type { FakeServer } from "../fakes/fake-server.ts";
import { fakeEmbedding, geminiEmbeddingReply } from "../fakes/gemini-embeddings.ts";
import { geminiErrorResponse } from "../fakes/gemini-server.ts";
import { bearer, newTenant, startTestGateway, type TestGateway } from "../support/gateway.ts";
import { type ProviderGateway, startProviderGateway } from "../support/provider-gateway.ts";
import { decodeBase64Float32, norm } from "./support.ts";
import { apiError } from "../support/api-error.ts";

// POST /v1/embeddings driven by the official openai client over real HTTP,
// against a fake Gemini batchEmbedContents that computes vectors from the texts.
let setup: ProviderGateway;
let gateway: TestGateway;
let gemini: FakeServer;
let client: OpenAI;
let key: string;

const MODEL = "google/text-embedding-004";
/** text-embedding-004's input price: $0.025 per 1M tokens = 25 nano-USD per token. */
const NANO_PER_TOKEN = 25n;

beforeAll(async () => {
  setup = await startProviderGateway({ UPSTREAM_TIMEOUT_MS: "400" });
  ({ gateway, gemini, client, key } = setup);
});
beforeEach(() => {
  gemini.reset();
  gemini.setDefault(geminiEmbeddingReply());
});
afterAll(() => setup.stop());

/** The usage record and ledger debit of one request, once billing has written them. */
async function billed(requestId: string) {
  await gateway.billing.flush();
  const records = await gateway.db.select().from(usageRecords).where(eq(usageRecords.requestId, requestId));
  const debits = await gateway.db.select().from(ledgerEntries).where(eq(ledgerEntries.requestId, requestId));
  return { records, debits };
}


const post = (body: unknown, headers: Record<string, string> = bearer(key)) =>
  gateway.request("/v1/embeddings", {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify(body),
  });

test("float: the provider's values come back exactly, in input order, with usage, cost and billing records", async () => {
  const inputs = ["The food was delicious.", "안녕하세요"];
  const { data: list, response } = await client.embeddings
    .create({ model: MODEL, input: inputs, encoding_format: "float" })
    .withResponse();

  expect(list.object).toBe("list");
  expect(list.model).toBe(MODEL);
  expect(list.data).toEqual(inputs.map((text, index) => ({ object: "embedding", index, embedding: fakeEmbedding(text) })));

  const upstream = gemini.lastRequest()!;
  expect(gemini.requests).toHaveLength(1);
  expect(upstream.path).toBe("/v1beta/models/text-embedding-004:batchEmbedContents");
  expect(upstream.headers["x-goog-api-key"]).toBe(gemini.apiKey);
  expect(upstream.body).toEqual({
    requests: inputs.map((text) => ({ model: "models/text-embedding-004", content: { parts: [{ text }] } })),
  });

  // text-embedding-004 reports no usage: ceil(23 / 4) + ceil(15 / 4) tokens, estimated.
  const tokens = estimatePromptTokens(inputs);
  expect(tokens).toBe(10);
  expect(list.usage).toEqual({ prompt_tokens: tokens, total_tokens: tokens, cost: 0.00000025 } as any);

  expect(response.headers.get("x-opentoken-cost-usd")).toBe("0.00000025");
  expect(response.headers.get("server-timing")).toMatch(/^gateway;dur=\d+\.\d+, upstream;dur=\d+\.\d+$/);
  const requestId = response.headers.get("x-request-id")!;
  expect(requestId).toMatch(/^req_/);
  const { records, debits } = await billed(requestId);
  expect(records).toHaveLength(1);
  expect(records[0]).toMatchObject({
    modelId: MODEL,
    promptTokens: tokens,
    completionTokens: 0,
    cost: BigInt(tokens) * NANO_PER_TOKEN,
    estimated: true,
  });
  expect(debits).toHaveLength(1);
  expect(debits[0]).toMatchObject({ kind: "debit", amount: -BigInt(tokens) * NANO_PER_TOKEN });
});

test("base64, the official client's default, decodes to exactly the same vectors", async () => {
  const input = ["first", "second", "third"];
  const decoded = await client.embeddings.create({ model: MODEL, input });
  const floats = await client.embeddings.create({ model: MODEL, input, encoding_format: "float" });
  expect(decoded.data.map((d) => d.embedding)).toEqual(input.map((text) => fakeEmbedding(text)));
  expect(decoded.data).toEqual(floats.data);

  // On the wire it is a base64 string of 768 little-endian float32 values.
  const raw = (await (await post({ model: MODEL, input: "first", encoding_format: "base64" })).json()) as any;
  expect(typeof raw.data[0].embedding).toBe("string");
  expect(Buffer.from(raw.data[0].embedding, "base64").length).toBe(768 * 4);
});

test("a single string is one embedding at index 0", async () => {
  const list = await client.embeddings.create({ model: MODEL, input: "hello" });
  expect(list.data).toHaveLength(1);
  expect(list.data[0]!.index).toBe(0);
  expect(list.data[0]!.embedding).toEqual(fakeEmbedding("hello"));
});

test("250 inputs: three concurrent calls of at most 100, results in input order", async () => {
  const arrivals: number[] = [];
  const reply = geminiEmbeddingReply().reply!;
  gemini.setDefault({
    delayMs: 250,
    reply: (request) => {
      arrivals.push(performance.now());
      return reply(request);
    },
  });
  const inputs = Array.from({ length: 250 }, (_, i) => `input #${i}`);
  const list = await client.embeddings.create({ model: MODEL, input: inputs });

  const sizes = gemini.requests.map((r) => r.body.requests.length);
  expect(sizes.toSorted((a, b) => a - b)).toEqual([50, 100, 100]);
  // Every call arrived before the first reply (250 ms) could have gone out.
  expect(Math.max(...arrivals) - Math.min(...arrivals)).toBeLessThan(200);
  expect(list.data.map((d) => d.index)).toEqual(inputs.map((_, i) => i));
  list.data.forEach((d, i) => expect(d.embedding).toEqual(fakeEmbedding(inputs[i]!)));
});

test("dimensions: sent as outputDimensionality; the truncated vector is re-normalised to unit length", async () => {
  for (const encoding_format of ["float", "base64"] as const) {
    gemini.reset();
    gemini.setDefault(geminiEmbeddingReply());
    const list = await client.embeddings.create({ model: MODEL, input: ["alpha", "beta"], dimensions: 256, encoding_format });
    for (const request of gemini.lastRequest()!.body.requests) expect(request.outputDimensionality).toBe(256);
    for (const [i, text] of ["alpha", "beta"].entries()) {
      // An explicit encoding_format is returned as sent: the client decodes base64 only when it chose it.
      const sent = list.data[i]!.embedding as number[] | string;
      const vector = typeof sent === "string" ? decodeBase64Float32(sent) : sent;
      const prefix = fakeEmbedding(text, 256);
      expect(vector).toHaveLength(256);
      expect(norm(prefix)).toBeLessThan(0.9); // the fake, like Gemini, does not normalise the prefix
      expect(norm(vector)).toBeCloseTo(1, 6);
      const scale = norm(prefix);
      vector.forEach((value, j) => expect(value).toBeCloseTo(prefix[j]! / scale, 6));
    }
  }
});

test("provider token counts are used when reported, summed over the calls, and billed as exact", async () => {
  gemini.setDefault(geminiEmbeddingReply({ tokensPerInput: 3 }));
  const inputs = Array.from({ length: 150 }, (_, i) => `text ${i}`);
  const { data: list, response } = await client.embeddings.create({ model: MODEL, input: inputs }).withResponse();
  expect(list.usage).toMatchObject({ prompt_tokens: 450, total_tokens: 450 });
  const { records, debits } = await billed(response.headers.get("x-request-id")!);
  expect(records[0]).toMatchObject({ promptTokens: 450, cost: 450n * NANO_PER_TOKEN, estimated: false });
  expect(debits[0]!.amount).toBe(-450n * NANO_PER_TOKEN);
});

const badRequests: [string, Record<string, unknown>, string, string][] = [
  ["an unknown model", { model: "openai/text-embedding-3-small", input: "x" }, "model_not_found", 'model "openai/text-embedding-3-small" not found'],
  ["a chat model", { model: "google/gemini-3-flash", input: "x" }, "embeddings_unsupported", "does not support embeddings"],
  ["an empty string", { model: MODEL, input: "" }, "invalid_request", "'input' is an empty string"],
  ["an empty array", { model: MODEL, input: [] }, "invalid_request", "'input' is an empty array"],
  ["an empty string in the array", { model: MODEL, input: ["a", ""] }, "invalid_request", "'input[1]' is an empty string"],
  ["token ids", { model: MODEL, input: [1, 2, 3] }, "invalid_request", "token-id input is not supported"],
  ["arrays of token ids", { model: MODEL, input: [[1, 2], [3]] }, "invalid_request", "token-id input is not supported"],
  ["2049 inputs", { model: MODEL, input: Array(2049).fill("x") }, "invalid_request", "at most 2048 inputs"],
  ["an unknown encoding_format", { model: MODEL, input: "x", encoding_format: "int8" }, "invalid_request", "encoding_format"],
  ["dimensions 0", { model: MODEL, input: "x", dimensions: 0 }, "invalid_request", "dimensions"],
  ["no input", { model: MODEL }, "invalid_request", "input"],
];

for (const [what, body, code, message] of badRequests) {
  test(`${what} → 400 ${code}, nothing sent upstream`, async () => {
    const error = await apiError(client.embeddings.create(body as any));
    expect(error.status).toBe(400);
    expect(error.type).toBe("invalid_request_error");
    expect(error.code).toBe(code);
    expect(error.message).toContain(message);
    expect(gemini.requests).toHaveLength(0);
  });
}

test("no key → 401 missing_auth", async () => {
  const response = await post({ model: MODEL, input: "x" }, {});
  expect(response.status).toBe(401);
  expect(((await response.json()) as any).error.code).toBe("missing_auth");
});

test("no credit → 402 insufficient_credit; a spend limit below the worst case → 429; nothing sent upstream", async () => {
  const broke = await newTenant(0n);
  const poor = await post({ model: MODEL, input: "hello" }, bearer(broke.key));
  expect(poor.status).toBe(402);
  expect(((await poor.json()) as any).error.code).toBe("insufficient_credit");

  // "hello" reserves 5 tokens × 25 nano-USD.
  const limited = await newTenant(10_000_000_000n, { spendLimit: 100n });
  const refused = await post({ model: MODEL, input: "hello" }, bearer(limited.key));
  expect(refused.status).toBe(429);
  expect(((await refused.json()) as any).error.code).toBe("spend_limit_exceeded");
  expect(gemini.requests).toHaveLength(0);
});

test("no google API key → 503 no_supplier, and nothing is billed", async () => {
  const bare = await startTestGateway({});
  try {
    const response = await bare.request("/v1/embeddings", {
      method: "POST",
      headers: { ...bearer(key), "content-type": "application/json" },
      body: JSON.stringify({ model: MODEL, input: "x" }),
    });
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      error: { message: 'no supplier is configured for model "google/text-embedding-004"', type: "upstream_error", code: "no_supplier" },
    });
    await bare.billing.flush();
    expect((await billed(response.headers.get("x-request-id")!)).records).toEqual([]);
    expect(bare.billing.inFlight()).toBe(0);
  } finally {
    await bare.stop();
  }
});

test("provider 429 and 500 → 503 no_supplier saying what google answered", async () => {
  gemini.enqueue({ fixture: "google-429-retry-info.json", status: 429 }, geminiErrorResponse(500, "INTERNAL", "An internal error has occurred."));
  for (const status of ["429", "500"]) {
    const error = await apiError(client.embeddings.create({ model: MODEL, input: "x" }));
    expect(error.status).toBe(503);
    expect(error.code).toBe("no_supplier");
    expect(error.message).toContain(status);
    expect(error.message).not.toContain(gemini.apiKey);
  }
});

test("provider 400 → 400 with google's message (google-embedding-batch-limit-error.json)", async () => {
  gemini.setNext({ fixture: "google-embedding-batch-limit-error.json", status: 400 });
  const error = await apiError(client.embeddings.create({ model: MODEL, input: "x" }));
  expect(error.status).toBe(400);
  expect(error.type).toBe("invalid_request_error");
  expect(error.code).toBe("upstream_invalid_request");
  expect(error.message).toContain("at most 100 requests can be in one batch");
});

test("a provider slower than UPSTREAM_TIMEOUT_MS → 504 upstream_timeout", async () => {
  gemini.setNext({ ...geminiEmbeddingReply(), delayMs: 2_000 });
  const error = await apiError(client.embeddings.create({ model: MODEL, input: "x" }));
  expect(error.status).toBe(504);
  expect(error.code).toBe("upstream_timeout");
});

test("one failed call of several fails the request; nothing is billed and the reservation is freed", async () => {
  gemini.enqueue(geminiErrorResponse(503, "UNAVAILABLE", "The model is overloaded."));
  const inputs = Array.from({ length: 201 }, (_, i) => `text ${i}`);
  const error = await apiError(client.embeddings.create({ model: MODEL, input: inputs }));
  expect(error.status).toBe(503);
  expect(error.code).toBe("no_supplier");
  const { records, debits } = await billed(error.headers!.get("x-request-id")!);
  expect(records).toEqual([]);
  expect(debits).toEqual([]);
  expect(gateway.billing.inFlight()).toBe(0);
});
