import { afterAll, beforeAll, beforeEach, expect, test } from "bun:test";
import type OpenAI from "openai";
import type { FakeServer } from "../fakes/fake-server.ts";
import { fixtureChunks, fixtureJson } from "../support/fixtures.ts";
import { type ProviderGateway, startProviderGateway } from "../support/provider-gateway.ts";
import { decodeEncrypted, EVENTS, eventOutline, responsesTenant, settled } from "./support.ts";

// Tool loops and reasoning through the Responses API: what Gemini and Claude
// signed must come back to them exactly where it came from, whether the
// client echoes the items (with their encrypted content) or continues with
// previous_response_id (from storage).
let setup: ProviderGateway;
let gemini: FakeServer;
let anthropic: FakeServer;
let client: OpenAI;

beforeAll(async () => {
  setup = await startProviderGateway();
  ({ gemini, anthropic } = setup);
  ({ client } = await responsesTenant(setup));
});
beforeEach(() => {
  gemini.reset();
  anthropic.reset();
});
afterAll(() => setup.stop());

const GEMINI = "google/gemini-3-flash";
const weatherParameters = { type: "object", properties: { location: { type: "string" } }, required: ["location"] };
const tools: OpenAI.Responses.FunctionTool[] = [
  { type: "function", name: "weather", description: "Current weather", parameters: weatherParameters, strict: false },
];

test("gemini tool loop with function_call_output: the thought signature travels in encrypted_content and lands on its functionCall part", async () => {
  gemini.setNext({ fixture: "google-tool-call-gemini3.json" });
  const first = await client.responses.create({
    model: GEMINI,
    input: "Weather in San Francisco?",
    tools,
    include: ["reasoning.encrypted_content"],
  });
  expect(gemini.lastRequest()!.body.tools).toEqual([
    { functionDeclarations: [{ name: "weather", description: "Current weather", parametersJsonSchema: weatherParameters }] },
  ]);
  const [reasoning, call] = first.output as [OpenAI.Responses.ResponseReasoningItem, OpenAI.Responses.ResponseFunctionToolCall];
  expect(call).toMatchObject({ type: "function_call", name: "weather", arguments: '{"location":"San Francisco"}', status: "completed" });
  expect(call.id).toMatch(/^fc_/);
  expect(call.call_id).toMatch(/^call_[A-Za-z0-9]{24}$/);
  const signature = fixtureJson("google", "google-tool-call-gemini3.json").candidates[0].content.parts[0].thoughtSignature;
  expect(decodeEncrypted(reasoning.encrypted_content!)).toEqual([
    { type: "reasoning.encrypted", data: signature, id: call.call_id, format: "google-gemini-v1", index: 0 },
  ]);

  // The tool loop as the docs write it: the output items appended as they are, then the result.
  gemini.setNext({ fixture: "google-text.json" });
  await client.responses.create({
    model: GEMINI,
    input: [
      { role: "user", content: "Weather in San Francisco?" },
      ...(first.output as OpenAI.Responses.ResponseInputItem[]),
      { type: "function_call_output", call_id: call.call_id, output: '{"temp_c":18}' },
    ],
    tools,
    store: false,
  });
  expect(gemini.lastRequest()!.body.contents).toEqual([
    { role: "user", parts: [{ text: "Weather in San Francisco?" }] },
    { role: "model", parts: [{ functionCall: { name: "weather", args: { location: "San Francisco" } }, thoughtSignature: signature }] },
    { role: "user", parts: [{ functionResponse: { name: "weather", response: { output: { temp_c: 18 } } } }] },
  ]);
});

test("gemini streamed tool calls (thoughts, a no-args call, parallel calls with streamed args); previous_response_id restores the signature", async () => {
  gemini.setNext({ fixture: "google-stream-no-args-tool-call.chunks.txt" });
  const stream = client.responses.stream({ model: GEMINI, input: "Read the theme and screens A, B, C", tools, reasoning: { summary: "auto" } });
  const types: string[] = [];
  stream.on("event", (event) => types.push(event.type));
  const final = await stream.finalResponse();
  expect(gemini.lastRequest()!.body.generationConfig.thinkingConfig).toEqual({ includeThoughts: true });

  expect(eventOutline(types)).toEqual([
    ...EVENTS.opening,
    ...EVENTS.reasoningItem,
    ...EVENTS.functionCallItem,
    ...EVENTS.functionCallItem,
    ...EVENTS.functionCallItem,
    ...EVENTS.functionCallItem,
    // The signature came with the first call: it follows in its own reasoning item.
    ...EVENTS.bareItem,
    "response.completed",
  ]);
  const thought = JSON.parse(fixtureChunks("google", "google-stream-no-args-tool-call.chunks.txt")[0]!).candidates[0].content.parts[0].text;
  expect(final.output[0]).toMatchObject({ type: "reasoning", summary: [{ type: "summary_text", text: thought }] });
  const calls = final.output.flatMap((item) => (item.type === "function_call" ? [item] : []));
  expect(calls.map((c) => [c.name, c.arguments])).toEqual([
    ["read_theme", "{}"],
    ["read_screen", '{"id":"A"}'],
    ["read_screen", '{"id":"B"}'],
    ["read_screen", '{"id":"C"}'],
  ]);
  // Not asked for in include: no encrypted content on the wire, but kept in storage.
  expect(final.output.at(-1)).toEqual({ id: expect.stringMatching(/^rs_/), type: "reasoning", summary: [] });

  gemini.setNext({ fixture: "google-text.json" });
  await client.responses.create({
    model: GEMINI,
    previous_response_id: final.id,
    input: calls.map((c) => ({ type: "function_call_output" as const, call_id: c.call_id, output: `result of ${c.name}` })),
    tools,
  });
  const [user, model, results] = gemini.lastRequest()!.body.contents;
  expect(user).toEqual({ role: "user", parts: [{ text: "Read the theme and screens A, B, C" }] });
  const signature = JSON.parse(fixtureChunks("google", "google-stream-no-args-tool-call.chunks.txt")[1]!).candidates[0].content.parts[0]
    .thoughtSignature;
  expect(model.role).toBe("model");
  expect(model.parts).toEqual([
    { functionCall: { name: "read_theme", args: {} }, thoughtSignature: signature },
    { functionCall: { name: "read_screen", args: { id: "A" } } },
    { functionCall: { name: "read_screen", args: { id: "B" } } },
    { functionCall: { name: "read_screen", args: { id: "C" } } },
  ]);
  expect(results.parts.map((p: any) => p.functionResponse)).toEqual(
    calls.map((c) => ({ name: c.name, response: { output: `result of ${c.name}` } })),
  );
});

test("claude: reasoning.summary returns the thinking as a summary; its signed block comes back from encrypted_content", async () => {
  anthropic.setNext({ fixture: "anthropic-clear-thinking.1.json" });
  const first = await client.responses.create({
    model: "anthropic/claude-sonnet-4-5",
    input: "What is 925 / 5?",
    max_output_tokens: 4000,
    reasoning: { effort: "medium", summary: "detailed" },
    include: ["reasoning.encrypted_content"],
  });
  expect(anthropic.lastRequest()!.body.thinking).toEqual({ type: "enabled", budget_tokens: 2000, display: "summarized" });
  const thinking = fixtureJson("anthropic", "anthropic-clear-thinking.1.json").content[0];
  const reasoning = first.output[0] as OpenAI.Responses.ResponseReasoningItem;
  expect(reasoning.summary).toEqual([{ type: "summary_text", text: thinking.thinking }]);
  expect(decodeEncrypted(reasoning.encrypted_content!)).toEqual([
    { type: "reasoning.text", text: thinking.thinking, signature: thinking.signature, format: "anthropic-claude-v1", index: 0 },
  ]);
  expect(first.output_text).toBe("925 ÷ 5 = 185");

  anthropic.setNext({ fixture: "anthropic-text.json" });
  await client.responses.create({
    model: "anthropic/claude-sonnet-4-5",
    input: [
      { role: "user", content: "What is 925 / 5?" },
      ...(first.output as OpenAI.Responses.ResponseInputItem[]),
      { role: "user", content: "And 925 / 25?" },
    ],
    max_output_tokens: 4000,
    reasoning: { effort: "medium" },
    store: false,
  });
  const sent = anthropic.lastRequest()!.body;
  // Without a summary asked for, the model still thinks; the text is not returned.
  expect(sent.thinking).toEqual({ type: "enabled", budget_tokens: 2000, display: "omitted" });
  expect(sent.messages).toEqual([
    { role: "user", content: [{ type: "text", text: "What is 925 / 5?" }] },
    {
      role: "assistant",
      content: [
        { type: "thinking", thinking: thinking.thinking, signature: thinking.signature },
        { type: "text", text: "925 ÷ 5 = 185" },
      ],
    },
    { role: "user", content: [{ type: "text", text: "And 925 / 25?" }] },
  ]);
});

test("claude streamed reasoning summary events; previous_response_id restores the thinking block from storage", async () => {
  anthropic.setNext({ fixture: "anthropic-claude-sonnet-5-reasoning-summarized.chunks.txt" });
  const stream = await client.responses.create({
    model: "anthropic/claude-sonnet-4-6",
    input: "GCD of 1071 and 462?",
    reasoning: { summary: "auto" },
    stream: true,
  });
  const events: OpenAI.Responses.ResponseStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  expect(eventOutline(events.map((event) => event.type))).toEqual([...EVENTS.opening, ...EVENTS.reasoningItem, ...EVENTS.messageItem, "response.completed"]);
  const lines = fixtureChunks("anthropic", "anthropic-claude-sonnet-5-reasoning-summarized.chunks.txt").map((line) => JSON.parse(line));
  const thought = lines.flatMap((e: any) => (e.delta?.type === "thinking_delta" ? [e.delta.thinking] : [])).join("");
  const signature = lines.find((e: any) => e.delta?.type === "signature_delta").delta.signature;
  const summaryDone = events.find((e) => e.type === "response.reasoning_summary_text.done") as any;
  expect(summaryDone.text).toBe(thought);
  const completed = events.at(-1) as OpenAI.Responses.ResponseCompletedEvent;
  expect(completed.response.output[0]).toEqual({
    id: expect.stringMatching(/^rs_/),
    type: "reasoning",
    summary: [{ type: "summary_text", text: thought }],
  });

  anthropic.setNext({ fixture: "anthropic-text.json" });
  await client.responses.create({ model: "anthropic/claude-sonnet-4-6", previous_response_id: completed.response.id, input: "Thanks!" });
  const assistant = anthropic.lastRequest()!.body.messages[1];
  expect(assistant.role).toBe("assistant");
  expect(assistant.content[0]).toEqual({ type: "thinking", thinking: thought, signature });
  expect(assistant.content[1].type).toBe("text");
});

test("billing: one usage record and one ledger debit per response across a tool loop", async () => {
  const tenant = await responsesTenant(setup);
  gemini.enqueue({ fixture: "google-tool-call-gemini3.json" }, { fixture: "google-text.chunks.txt" });
  const first = await tenant.client.responses.create({ model: GEMINI, input: "Weather?", tools });
  const call = first.output.find((item) => item.type === "function_call") as OpenAI.Responses.ResponseFunctionToolCall;
  const stream = tenant.client.responses.stream({
    model: GEMINI,
    previous_response_id: first.id,
    input: [{ type: "function_call_output", call_id: call.call_id, output: "18C" }],
    tools,
  });
  const second = await stream.finalResponse();
  const state = await settled(setup, tenant.workspaceId);
  expect(state.records).toHaveLength(2);
  expect(state.debits).toHaveLength(2);
  const costs = [first, second].map((r) => Math.round((r.usage as any).cost * 1e9)).sort();
  expect(state.records.map((r) => Number(r.cost)).sort()).toEqual(costs);
  expect(state.balance).toBe(state.ledgerSum);
});
