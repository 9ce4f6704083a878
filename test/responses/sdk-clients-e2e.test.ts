import { afterAll, beforeAll, beforeEach, expect, test } from "bun:test";
import { createOpenAI } from "@ai-sdk/openai";
import { Agent, Runner, tool as agentTool } from "@openai/agents";
import { OpenAIProvider } from "@openai/agents-openai";
import { generateText, stepCountIs, streamText, tool } from "ai";
import OpenAI from "openai";
import { z } from "zod";
import type { FakeServer } from "../fakes/fake-server.ts";
import { fixtureChunks, fixtureJson } from "../support/fixtures.ts";
import { type ProviderGateway, startProviderGateway } from "../support/provider-gateway.ts";
import { responsesTenant, settled } from "./support.ts";

// The clients that call the Responses API by default, with their defaults:
// the Vercel AI SDK's `openai(id)` and the OpenAI Agents SDK's provider.
let setup: ProviderGateway;
let gemini: FakeServer;
let anthropic: FakeServer;

beforeAll(async () => {
  setup = await startProviderGateway();
  ({ gemini, anthropic } = setup);
});
beforeEach(() => {
  gemini.reset();
  anthropic.reset();
});
afterAll(() => setup.stop());

const GEMINI = "google/gemini-3-flash";
const toolCallFixture = fixtureJson("google", "google-tool-call-gemini3.json");
const signature = toolCallFixture.candidates[0].content.parts[0].thoughtSignature;
const text = fixtureJson("google", "google-text.json").candidates[0].content.parts[0].text;

/** A fetch that records the JSON bodies a client sends to the gateway. */
function recordingFetch() {
  const bodies: any[] = [];
  const record: typeof fetch = Object.assign(
    async (url: string | URL | Request, init?: RequestInit) => {
      if (typeof init?.body === "string") bodies.push(JSON.parse(init.body));
      return fetch(url, init);
    },
    { preconnect: fetch.preconnect },
  );
  return { bodies, fetch: record };
}

async function aiSdk() {
  const tenant = await responsesTenant(setup);
  const recorded = recordingFetch();
  const openai = createOpenAI({ baseURL: `${setup.gateway.url}/v1`, apiKey: tenant.key, fetch: recorded.fetch });
  return { ...tenant, openai, bodies: recorded.bodies };
}

const weatherTool = () =>
  tool({
    description: "Current weather",
    inputSchema: z.object({ location: z.string() }),
    execute: async ({ location }) => ({ location, temp_c: 18 }),
  });

test("Vercel AI SDK, default provider: generateText on POST /v1/responses, on both providers", async () => {
  const { openai, bodies, workspaceId } = await aiSdk();
  gemini.setNext({ fixture: "google-text.json" });
  const google = await generateText({ model: openai(GEMINI), system: "Be brief.", prompt: "How many r's in strawberry?" });
  expect(google.text).toBe(text);
  expect(google.finishReason).toBe("stop");
  expect(google.usage).toMatchObject({ inputTokens: 9, outputTokens: 272 });
  expect(bodies[0]).toMatchObject({ model: GEMINI, input: [{ role: "system", content: "Be brief." }, { role: "user" }] });
  expect(gemini.lastRequest()!.body).toEqual({
    systemInstruction: { parts: [{ text: "Be brief." }] },
    contents: [{ role: "user", parts: [{ text: "How many r's in strawberry?" }] }],
    generationConfig: { thinkingConfig: { includeThoughts: false } },
  });

  anthropic.setNext({ fixture: "anthropic-text.json" });
  const claude = await generateText({ model: openai("anthropic/claude-haiku-4-5"), prompt: "Hello", maxOutputTokens: 200 });
  expect(claude.text).toBe(fixtureJson("anthropic", "anthropic-text.json").content[0].text);
  expect(anthropic.lastRequest()!.body).toEqual({
    model: "claude-haiku-4-5",
    max_tokens: 200,
    messages: [{ role: "user", content: [{ type: "text", text: "Hello" }] }],
  });
  const state = await settled(setup, workspaceId);
  expect(state.records).toHaveLength(2);
  expect(state.debits).toHaveLength(2);
});

test("Vercel AI SDK: streamText streams the deltas and reports usage", async () => {
  const { openai } = await aiSdk();
  gemini.setNext({ fixture: "google-text.chunks.txt" });
  const result = streamText({ model: openai(GEMINI), prompt: "How many r's in strawberry?" });
  const deltas: string[] = [];
  for await (const delta of result.textStream) deltas.push(delta);
  expect(deltas.length).toBeGreaterThan(1);
  expect(deltas.join("")).toContain("strawberry");
  expect(await result.finishReason).toBe("stop");
  expect(await result.usage).toMatchObject({ inputTokens: 9, outputTokens: 208 });
  expect(gemini.lastRequest()!.path).toContain(":streamGenerateContent");
});

test("Vercel AI SDK: tools over several steps; earlier turns come back as item_reference and the signature is restored", async () => {
  const { openai, bodies, workspaceId } = await aiSdk();
  gemini.enqueue({ fixture: "google-tool-call-gemini3.json" }, { fixture: "google-text.json" });
  const result = await generateText({
    model: openai(GEMINI),
    prompt: "Weather in San Francisco?",
    tools: { weather: weatherTool() },
    stopWhen: stepCountIs(3),
  });
  expect(result.steps).toHaveLength(2);
  expect(result.steps[0]!.toolCalls.map((call) => [call.toolName, call.input])).toEqual([["weather", { location: "San Francisco" }]]);
  expect(result.text).toBe(text);

  // Step 2 as the SDK sends it with store on (its default): the reasoning item by reference, the call and its output in full.
  const callId = result.steps[0]!.toolCalls[0]!.toolCallId;
  expect(bodies[1].input).toEqual([
    { role: "user", content: [{ type: "input_text", text: "Weather in San Francisco?" }] },
    { type: "item_reference", id: expect.stringMatching(/^rs_/) },
    { type: "function_call", call_id: callId, name: "weather", arguments: '{"location":"San Francisco"}' },
    { type: "function_call_output", call_id: callId, output: '{"location":"San Francisco","temp_c":18}' },
  ]);
  expect(gemini.requests[1]!.body.contents).toEqual([
    { role: "user", parts: [{ text: "Weather in San Francisco?" }] },
    { role: "model", parts: [{ functionCall: { name: "weather", args: { location: "San Francisco" } }, thoughtSignature: signature }] },
    { role: "user", parts: [{ functionResponse: { name: "weather", response: { output: { location: "San Francisco", temp_c: 18 } } } }] },
  ]);
  const state = await settled(setup, workspaceId);
  expect(state.records).toHaveLength(2);
});

test("Vercel AI SDK: streamText with tools over several steps", async () => {
  const { openai, bodies } = await aiSdk();
  gemini.enqueue({ fixture: "google-tool-call-gemini3.chunks.txt" }, { fixture: "google-text.chunks.txt" });
  const result = streamText({
    model: openai(GEMINI),
    prompt: "Weather in San Francisco?",
    tools: { weather: weatherTool() },
    stopWhen: stepCountIs(3),
  });
  let streamed = "";
  for await (const delta of result.textStream) streamed += delta;
  expect((await result.steps).length).toBe(2);
  expect(streamed).toContain("strawberry");
  // Streamed, Gemini's signature arrives with the call, so its reasoning item follows the call: still one turn.
  expect(bodies[1].input.map((item: any) => item.type ?? item.role)).toEqual(["user", "function_call", "item_reference", "function_call_output"]);
  const callPart = gemini.requests[1]!.body.contents[1].parts[0];
  expect(callPart.functionCall.name).toBe("weather");
  const chunks = fixtureChunks("google", "google-tool-call-gemini3.chunks.txt").map((line) => JSON.parse(line));
  const streamedCall = chunks.flatMap((c: any) => c.candidates?.[0]?.content?.parts ?? []).find((p: any) => p.functionCall);
  expect(callPart.thoughtSignature).toBe(streamedCall.thoughtSignature);
});

test("OpenAI Agents SDK, default provider (Responses): an agent with a function tool runs to its final output", async () => {
  const tenant = await responsesTenant(setup);
  const recorded = recordingFetch();
  const client = new OpenAI({ baseURL: `${setup.gateway.url}/v1`, apiKey: tenant.key, maxRetries: 0, fetch: recorded.fetch });
  const runner = new Runner({ modelProvider: new OpenAIProvider({ openAIClient: client }), tracingDisabled: true });
  const seen: string[] = [];
  const weather = agentTool({
    name: "weather",
    description: "Current weather",
    parameters: z.object({ location: z.string() }),
    execute: async ({ location }) => {
      seen.push(location);
      return `18C in ${location}`;
    },
  });
  const agent = new Agent({ name: "Forecaster", instructions: "Answer briefly.", model: GEMINI, tools: [weather] });
  gemini.enqueue({ fixture: "google-tool-call-gemini3.json" }, { fixture: "google-text.json" });
  const result = await runner.run(agent, "Weather in San Francisco?");

  expect(result.finalOutput).toBe(text);
  expect(seen).toEqual(["San Francisco"]);
  expect(recorded.bodies).toHaveLength(2);
  expect(recorded.bodies[0]).toMatchObject({ model: GEMINI, instructions: "Answer briefly.", stream: false });
  // The SDK echoes the output items; the reasoning item comes back by id alone and is restored from storage.
  expect(recorded.bodies[1].input.map((item: any) => item.type ?? item.role)).toEqual(["user", "reasoning", "function_call", "function_call_output"]);
  expect(recorded.bodies[1].input[1]).not.toHaveProperty("encrypted_content");
  expect(gemini.requests[1]!.body).toEqual({
    systemInstruction: { parts: [{ text: "Answer briefly." }] },
    contents: [
      { role: "user", parts: [{ text: "Weather in San Francisco?" }] },
      { role: "model", parts: [{ functionCall: { name: "weather", args: { location: "San Francisco" } }, thoughtSignature: signature }] },
      { role: "user", parts: [{ functionResponse: { name: "weather", response: { output: "18C in San Francisco" } } }] },
    ],
    tools: [
      {
        functionDeclarations: [
          {
            name: "weather",
            description: "Current weather",
            parametersJsonSchema: {
              type: "object",
              properties: { location: { type: "string" } },
              required: ["location"],
              additionalProperties: false,
            },
          },
        ],
      },
    ],
    generationConfig: { thinkingConfig: { includeThoughts: false } },
  });
  const state = await settled(setup, tenant.workspaceId);
  expect(state.records).toHaveLength(2);
  expect(state.debits).toHaveLength(2);
});

test("OpenAI Agents SDK: a streamed run", async () => {
  const tenant = await responsesTenant(setup);
  const client = new OpenAI({ baseURL: `${setup.gateway.url}/v1`, apiKey: tenant.key, maxRetries: 0 });
  const runner = new Runner({ modelProvider: new OpenAIProvider({ openAIClient: client }), tracingDisabled: true });
  const agent = new Agent({ name: "Plain", instructions: "Answer briefly.", model: "anthropic/claude-sonnet-4-6" });
  anthropic.setNext({ fixture: "anthropic-text.chunks.txt" });
  const result = await runner.run(agent, "Hello", { stream: true });
  let streamed = "";
  for await (const chunk of result.toTextStream()) streamed += chunk;
  await result.completed;
  expect(streamed).toContain("Hello");
  expect(result.finalOutput).toBe(streamed);
  expect(anthropic.lastRequest()!.body).toMatchObject({ model: "claude-sonnet-4-6", stream: true, system: [{ type: "text", text: "Answer briefly." }] });
});
