import { afterAll, beforeAll, beforeEach, expect, test } from "bun:test";
import OpenAI from "openai";
import type { FakeServer } from "../fakes/fake-server.ts";
import { apiError } from "../support/api-error.ts";
import { newTenant } from "../support/gateway.ts";
import { fixtureChunks, fixtureJson } from "../support/fixtures.ts";
import { type ProviderGateway, startProviderGateway } from "../support/provider-gateway.ts";
import { EVENTS, eventOutline, parseSse, postResponses, responsesTenant, settled } from "./support.ts";

// The Responses API through the official openai client, over real HTTP,
// against the fake Gemini and Anthropic servers replaying recorded traffic.
let setup: ProviderGateway;
let gemini: FakeServer;
let anthropic: FakeServer;

beforeAll(async () => {
  setup = await startProviderGateway({ STREAM_IDLE_TIMEOUT_MS: "1000" });
  ({ gemini, anthropic } = setup);
});
beforeEach(() => {
  gemini.reset();
  anthropic.reset();
});
afterAll(() => setup.stop());

const GEMINI = "google/gemini-3-flash";
const CLAUDE = "anthropic/claude-sonnet-4-5";
const RESPONSE_ID = /^resp_[0-9a-f]{32}$/;

test("google: a plain response; exact upstream request; billed once with usage.cost and the cost header", async () => {
  const { client, workspaceId } = await responsesTenant(setup);
  gemini.setNext({ fixture: "google-text.json" });
  const { data: response, response: http } = await client.responses
    .create({
      model: GEMINI,
      instructions: "Be brief.",
      input: "How many r's in strawberry?",
      max_output_tokens: 100,
      temperature: 0.2,
      top_p: 0.9,
      metadata: { conversation: "c-1" },
    })
    .withResponse();

  expect(gemini.lastRequest()!.path).toBe("/v1beta/models/gemini-3-flash:generateContent");
  expect(gemini.lastRequest()!.body).toEqual({
    systemInstruction: { parts: [{ text: "Be brief." }] },
    contents: [{ role: "user", parts: [{ text: "How many r's in strawberry?" }] }],
    generationConfig: { maxOutputTokens: 100, temperature: 0.2, topP: 0.9, thinkingConfig: { includeThoughts: false } },
  });

  const fixture = fixtureJson("google", "google-text.json");
  const text = fixture.candidates[0].content.parts[0].text;
  expect(response.id).toMatch(RESPONSE_ID);
  // One id finds both the response and its request (usage records are by request id).
  expect(response.id).toBe(`resp_${http.headers.get("x-request-id")!.slice("req_".length)}`);
  expect(response).toMatchObject({
    object: "response",
    status: "completed",
    model: GEMINI,
    instructions: "Be brief.",
    max_output_tokens: 100,
    metadata: { conversation: "c-1" },
    store: true,
    error: null,
    incomplete_details: null,
  });
  expect(response.output_text).toBe(text);
  // The text part's thought signature is reasoning: an item without visible content (no include, no summary asked).
  expect(response.output.map((item) => item.type)).toEqual(["reasoning", "message"]);
  expect(response.output[0]).toEqual({ id: expect.stringMatching(/^rs_/), type: "reasoning", summary: [] });
  expect(response.output[1]).toEqual({
    id: expect.stringMatching(/^msg_/),
    type: "message",
    status: "completed",
    role: "assistant",
    content: [{ type: "output_text", text, annotations: [], logprobs: [] }],
  });

  // 9 input × $0.50/M + (28 output + 244 thinking) × $3/M = 820,500 nano-USD
  const usage = fixture.usageMetadata;
  expect(response.usage).toEqual({
    input_tokens: 9,
    input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
    output_tokens: usage.candidatesTokenCount + usage.thoughtsTokenCount,
    output_tokens_details: { reasoning_tokens: 244 },
    total_tokens: 9 + 272,
    cost: 0.0008205,
  } as any);
  expect(http.headers.get("x-opentoken-cost-usd")).toBe("0.0008205");
  expect(http.headers.get("x-opentoken-supplier")).toBe("google");

  const state = await settled(setup, workspaceId);
  expect(state.records).toHaveLength(1);
  expect(state.records[0]).toMatchObject({ requestId: http.headers.get("x-request-id")!, cost: 820_500n, modelId: GEMINI });
  expect(state.debits).toHaveLength(1);
  expect(state.debits[0]!.amount).toBe(-820_500n);
});

test("anthropic: a plain response; exact upstream request", async () => {
  const { client } = await responsesTenant(setup);
  anthropic.setNext({ fixture: "anthropic-text.json" });
  const response = await client.responses.create({
    model: CLAUDE,
    instructions: "Be friendly.",
    input: [
      { role: "developer", content: "Answer in English." },
      { role: "user", content: [{ type: "input_text", text: "Hello" }] },
    ],
    max_output_tokens: 300,
    temperature: 0.5,
    safety_identifier: "user-42",
  });
  expect(anthropic.lastRequest()!.body).toEqual({
    model: "claude-sonnet-4-5",
    max_tokens: 300,
    system: [
      { type: "text", text: "Be friendly." },
      { type: "text", text: "Answer in English." },
    ],
    messages: [{ role: "user", content: [{ type: "text", text: "Hello" }] }],
    temperature: 0.5,
    metadata: { user_id: "user-42" },
  });
  expect(response.output_text).toBe(fixtureJson("anthropic", "anthropic-text.json").content[0].text);
  expect(response.output.map((item) => item.type)).toEqual(["message"]);
  expect(response.usage).toMatchObject({ input_tokens: 12, output_tokens: 29, total_tokens: 41 });
});

test("streaming (stream: true): the semantic events in order, increasing sequence numbers, the final response in response.completed", async () => {
  const { client, workspaceId } = await responsesTenant(setup);
  gemini.setNext({ fixture: "google-text.chunks.txt" });
  const stream = await client.responses.create({ model: GEMINI, input: "How many r's in strawberry?", stream: true });
  const events: OpenAI.Responses.ResponseStreamEvent[] = [];
  for await (const event of stream) events.push(event);

  expect(gemini.lastRequest()!.path).toBe("/v1beta/models/gemini-3-flash:streamGenerateContent?alt=sse");
  expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, i) => i));
  expect(eventOutline(events.map((event) => event.type))).toEqual([
    ...EVENTS.opening,
    ...EVENTS.messageItem,
    // The signature Gemini sent with the last text part.
    ...EVENTS.bareItem,
    "response.completed",
  ]);
  const deltas = events.flatMap((event) => (event.type === "response.output_text.delta" ? [event.delta] : []));
  const chunks = fixtureChunks("google", "google-text.chunks.txt").map((line) => JSON.parse(line));
  const text = chunks.map((c: any) => c.candidates[0].content.parts[0].text ?? "").join("");
  expect(deltas.join("")).toBe(text);
  expect(deltas.length).toBeGreaterThan(1);

  const created = events[0] as OpenAI.Responses.ResponseCreatedEvent;
  expect(created.response).toMatchObject({ status: "in_progress", output: [], model: GEMINI });
  const completed = events.at(-1) as OpenAI.Responses.ResponseCompletedEvent;
  expect(completed.response.id).toBe(created.response.id);
  expect(completed.response.status).toBe("completed");
  expect(completed.response.output.map((item) => item.type)).toEqual(["message", "reasoning"]);
  expect((completed.response.output[0] as OpenAI.Responses.ResponseOutputMessage).content[0]).toMatchObject({ text });
  expect(completed.response.usage).toMatchObject({ input_tokens: 9, output_tokens: 23 + 185 });
  expect((completed.response.usage as any).cost).toBeGreaterThan(0);

  const state = await settled(setup, workspaceId);
  expect(state.records).toHaveLength(1);
  expect(state.records[0]!.estimated).toBe(false);
  expect(state.debits).toHaveLength(1);
  expect(Number(-state.debits[0]!.amount) / 1e9).toBe((completed.response.usage as any).cost);
});

test("streaming with the client's helpers: responses.stream events and finalResponse()", async () => {
  const { client } = await responsesTenant(setup);
  anthropic.setNext({ fixture: "anthropic-text.chunks.txt" });
  const stream = client.responses.stream({ model: CLAUDE, input: "Hello" });
  const deltas: string[] = [];
  stream.on("response.output_text.delta", (event) => deltas.push(event.delta));
  const final = await stream.finalResponse();
  expect(final.status).toBe("completed");
  expect(final.output_text).toBe(deltas.join(""));
  expect(final.output_text).toContain("Hello");
  expect(anthropic.lastRequest()!.body).toMatchObject({ model: "claude-sonnet-4-5", stream: true });
});

test("each event is forwarded as its upstream event arrives, not when the stream ends", async () => {
  const { key } = await responsesTenant(setup);
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  gemini.setNext({ fixture: "google-text.chunks.txt", pause: { after: 1, until: held } });
  const response = await postResponses(setup, key, { model: GEMINI, input: "Hi", stream: true });
  const reader = response.body!.getReader();
  let seen = "";
  while (!seen.includes("response.output_text.delta")) seen += new TextDecoder().decode((await reader.read()).value);
  // The first text is out while the upstream still holds the rest.
  expect(seen).not.toContain("response.completed");
  release();
  while (!seen.includes("response.completed")) {
    const next = await reader.read();
    if (next.done) break;
    seen += new TextDecoder().decode(next.value);
  }
  expect(seen).toContain("event: response.completed");
});

test("a failure after the stream started ends with an error event and response.failed, never a clean end; it is billed once", async () => {
  const { key, client, workspaceId } = await responsesTenant(setup);
  gemini.setNext({ fixture: "google-text.chunks.txt", resetAfter: 1 });
  const response = await postResponses(setup, key, { model: GEMINI, input: "Hi", stream: true });
  expect(response.status).toBe(200);
  const events = parseSse(await response.text());
  expect(events.map((event) => event.event)).not.toContain("response.completed");
  const [error, failed] = events.slice(-2);
  expect(error!.event).toBe("error");
  expect(error!.data).toMatchObject({ type: "error", code: "stream_error", message: expect.any(String) });
  expect(failed!.event).toBe("response.failed");
  expect(failed!.data.response).toMatchObject({ status: "failed", error: { code: "stream_error" } });
  expect(events.map((event) => event.data.sequence_number)).toEqual(events.map((_, i) => i));
  expect(events.find((event) => event.event === "response.output_text.delta")).toBeDefined();
  // Stored as it ended: failed, with its error and the items finished before the failure.
  const id = failed!.data.response.id;
  await setup.gateway.responseStore.flush();
  const stored = await client.responses.retrieve(id);
  expect(stored).toMatchObject({ id, status: "failed", error: { code: "stream_error", message: error!.data.message } });
  expect(stored.output).toEqual(failed!.data.response.output);

  // The official client raises it.
  gemini.setNext({ fixture: "google-text.chunks.txt", resetAfter: 1 });
  const stream = await client.responses.create({ model: GEMINI, input: "Hi", stream: true });
  const raised = await (async () => {
    for await (const _ of stream);
  })().then(
    () => undefined,
    (e) => e,
  );
  expect(raised).toBeInstanceOf(OpenAI.APIError);

  const state = await settled(setup, workspaceId);
  expect(state.records).toHaveLength(2);
  expect(state.debits).toHaveLength(2);
});

test("errors before a stream are the OpenAI envelope with the spec's statuses", async () => {
  const { client } = await responsesTenant(setup);
  const unknown = await apiError(client.responses.create({ model: "openai/gpt-4o", input: "Hi", stream: true }));
  expect(unknown.status).toBe(400);
  expect(unknown.code).toBe("model_not_found");
  const embedding = await apiError(client.responses.create({ model: "google/text-embedding-004", input: "Hi" }));
  expect(embedding.code).toBe("chat_unsupported");
  // A key's model list holds here as on chat completions.
  const { key: limited } = await newTenant(1_000_000_000n, { models: ["google/*"] });
  const limitedClient = new OpenAI({ baseURL: `${setup.gateway.url}/v1`, apiKey: limited, maxRetries: 0 });
  const notListed = await apiError(limitedClient.responses.create({ model: CLAUDE, input: "Hi" }));
  expect(notListed.status).toBe(400);
  expect(notListed.code).toBe("model_not_found");

  // Anthropic takes no tools here, as on chat completions.
  const tools = await apiError(
    client.responses.create({
      model: CLAUDE,
      input: "Hi",
      stream: true,
      tools: [{ type: "function", name: "weather", parameters: { type: "object" }, strict: false }],
    }),
  );
  expect(tools.status).toBe(400);
  expect(tools.code).toBe("unsupported_parameter");
  expect(tools.param).toBe("tools");
  expect(anthropic.requests).toHaveLength(0);

  gemini.setDefault({ json: { error: { code: 503, status: "UNAVAILABLE", message: "overloaded" } }, status: 503 });
  const down = await apiError(client.responses.create({ model: GEMINI, input: "Hi", stream: true }));
  expect(down.status).toBe(503);
  expect(down.code).toBe("no_supplier");
});

for (const [finishReason, reason] of [["MAX_TOKENS", "max_output_tokens"], ["SAFETY", "content_filter"]] as const) {
  test(`a turn cut by ${finishReason} is incomplete with reason ${reason}, its message too, streamed or not`, async () => {
    const { client } = await responsesTenant(setup);
    const cut = {
      candidates: [{ content: { role: "model", parts: [{ text: "The answer is" }] }, finishReason, index: 0 }],
      usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 3, totalTokenCount: 8 },
    };
    gemini.setNext({ json: cut });
    const response = await client.responses.create({ model: GEMINI, input: "Hi", max_output_tokens: 3 });
    expect(response.status).toBe("incomplete");
    expect(response.incomplete_details).toEqual({ reason });
    expect(response.output[0]).toMatchObject({ type: "message", status: "incomplete" });

    gemini.setNext({ chunks: [cut] });
    const stream = await client.responses.create({ model: GEMINI, input: "Hi", max_output_tokens: 3, stream: true });
    const types: string[] = [];
    let last: any;
    for await (const event of stream) {
      types.push(event.type);
      last = event;
    }
    expect(types.at(-1)).toBe("response.incomplete");
    expect(types).not.toContain("response.completed");
    expect(last.response.incomplete_details).toEqual({ reason });
    expect(last.response.output[0]).toMatchObject({ type: "message", status: "incomplete" });
  });
}

test("text.format json_schema and tool_choice reach Gemini as its structured output and function calling mode", async () => {
  const { client } = await responsesTenant(setup);
  gemini.setNext({ fixture: "google-tool-call-gemini3.json" });
  const schema = { type: "object", properties: { city: { type: "string" } }, required: ["city"] };
  await client.responses.create({
    model: GEMINI,
    input: "Weather?",
    text: { format: { type: "json_schema", name: "answer", schema, strict: true } },
    tools: [{ type: "function", name: "weather", parameters: { type: "object", properties: {} }, strict: false }],
    tool_choice: { type: "function", name: "weather" },
  });
  const body = gemini.lastRequest()!.body;
  expect(body.generationConfig).toMatchObject({ responseMimeType: "application/json", responseJsonSchema: schema });
  expect(body.toolConfig).toEqual({ functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["weather"] } });

  gemini.setNext({ fixture: "google-text.json" });
  await client.responses.create({ model: GEMINI, input: "Hi", text: { format: { type: "json_object" } }, tool_choice: "none" });
  expect(gemini.lastRequest()!.body.generationConfig.responseMimeType).toBe("application/json");
});
