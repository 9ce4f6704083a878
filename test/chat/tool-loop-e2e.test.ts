import { afterAll, beforeAll, expect, test } from "bun:test";
import OpenAI from "openai";
import type { FakeServer } from "../fakes/fake-server.ts";
import { fixtureChunks, fixtureJson } from "../support/fixtures.ts";
import { type ProviderGateway, startProviderGateway } from "../support/provider-gateway.ts";

// A Gemini 3 tool loop as a user writes it with the official client: call,
// append the returned assistant message as is, append the tool result, call
// again. Gemini rejects the second call unless the thought signature comes
// back on the exact functionCall part.
let setup: ProviderGateway;
let gemini: FakeServer;
let client: OpenAI;

beforeAll(async () => {
  setup = await startProviderGateway();
  ({ gemini, client } = setup);
});
afterAll(() => setup.stop());

// additionalProperties and a nullable anyOf: accepted by OpenAI, rejected by Gemini's `parameters` subset.
const weatherParameters = {
  type: "object",
  properties: { location: { type: "string" }, unit: { anyOf: [{ type: "string" }, { type: "null" }] } },
  required: ["location"],
  additionalProperties: false,
};
const tools: OpenAI.ChatCompletionTool[] = [
  { type: "function", function: { name: "weather", description: "Current weather", parameters: weatherParameters } },
];

function signatureOf(fixture: "json" | "chunks"): string {
  if (fixture === "json") return fixtureJson("google", "google-tool-call-gemini3.json").candidates[0].content.parts[0].thoughtSignature;
  const chunks = fixtureChunks("google", "google-tool-call-gemini3.chunks.txt").map((line) => JSON.parse(line));
  return chunks.flatMap((c: any) => c.candidates?.[0]?.content?.parts ?? []).find((p: any) => p.functionCall).thoughtSignature;
}

async function secondRequestAfter(message: OpenAI.ChatCompletionMessageParam, callId: string) {
  gemini.setNext({ fixture: "google-text.json" });
  const messages: OpenAI.ChatCompletionMessageParam[] = [
    { role: "user", content: "Weather in San Francisco?" },
    message,
    { role: "tool", tool_call_id: callId, content: '{"temp_c":18}' },
  ];
  await client.chat.completions.create({ model: "google/gemini-3-flash", messages, tools });
  return gemini.lastRequest()!.body;
}

test("non-streaming: tool call out, signature back in place on the next turn", async () => {
  gemini.setNext({ fixture: "google-tool-call-gemini3.json" });
  const first = await client.chat.completions.create({
    model: "google/gemini-3-flash",
    messages: [{ role: "user", content: "Weather in San Francisco?" }],
    tools,
    tool_choice: "auto",
  });
  const upstreamTools = gemini.lastRequest()!.body.tools[0].functionDeclarations[0];
  expect(upstreamTools.parametersJsonSchema).toEqual(weatherParameters);

  const choice = first.choices[0]!;
  expect(choice.finish_reason).toBe("tool_calls");
  const call = choice.message.tool_calls![0]!;
  expect(call.id).toMatch(/^call_/);
  expect(call.type === "function" && call.function.name).toBe("weather");
  expect(call.type === "function" && JSON.parse(call.function.arguments)).toEqual({ location: "San Francisco" });

  const second = await secondRequestAfter(choice.message, call.id);
  expect(second.contents[1]).toEqual({
    role: "model",
    parts: [{ functionCall: { name: "weather", args: { location: "San Francisco" } }, thoughtSignature: signatureOf("json") }],
  });
  expect(second.contents[2].parts[0].functionResponse).toMatchObject({ name: "weather", response: { output: { temp_c: 18 } } });
});

test("streaming: the accumulated message carries the signature back too", async () => {
  gemini.setNext({ fixture: "google-tool-call-gemini3.chunks.txt" });
  const stream = await client.chat.completions.create({
    model: "google/gemini-3-flash",
    messages: [{ role: "user", content: "Weather in San Francisco?" }],
    tools,
    stream: true,
  });
  // Accumulate as a client does: tool calls by index, reasoning_details appended.
  const calls: { id: string; name: string; arguments: string }[] = [];
  const details: unknown[] = [];
  let finish: string | null = null;
  for await (const chunk of stream) {
    const choice = chunk.choices[0];
    if (!choice) continue;
    for (const delta of choice.delta.tool_calls ?? []) {
      calls[delta.index] ??= { id: delta.id!, name: delta.function!.name!, arguments: "" };
      calls[delta.index]!.arguments += delta.function?.arguments ?? "";
    }
    details.push(...(((choice.delta as any).reasoning_details as unknown[]) ?? []));
    finish = choice.finish_reason ?? finish;
  }
  expect(finish).toBe("tool_calls");
  expect(calls).toHaveLength(1);
  const message = {
    role: "assistant" as const,
    content: null,
    tool_calls: calls.map((c) => ({ id: c.id, type: "function" as const, function: { name: c.name, arguments: c.arguments } })),
    reasoning_details: details,
  };
  const second = await secondRequestAfter(message as OpenAI.ChatCompletionMessageParam, calls[0]!.id);
  const callPart = second.contents[1].parts.find((p: any) => p.functionCall);
  expect(callPart.thoughtSignature).toBe(signatureOf("chunks"));
});
