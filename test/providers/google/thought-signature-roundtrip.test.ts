import { expect, test } from "bun:test";
import type { ChatMessage } from "../../../src/openai/chat-request.ts";
import { createGeminiStreamTranslator } from "../../../src/providers/google/gemini-stream-translator.ts";
import { parseGeminiResponse } from "../../../src/providers/google/parse-gemini-response.ts";
import type { ResultChoice, StreamEvent } from "../../../src/providers/types.ts";
import { fixtureChunks, fixtureJson } from "../../support/fixtures.ts";
import { buildGemini, chatRequest, googleModel } from "./support.ts";

const gemini3Pro = googleModel("gemini-3-pro-preview");

/** The assistant message a client appends after a non-streaming reply. */
function appendedMessage(choice: ResultChoice): ChatMessage {
  return {
    role: "assistant",
    content: choice.content,
    reasoning: choice.reasoning ?? null,
    ...(choice.toolCalls && {
      tool_calls: choice.toolCalls.map((call) => ({
        id: call.id,
        type: "function" as const,
        function: { name: call.name, arguments: call.arguments },
      })),
    }),
    ...(choice.reasoningDetails && { reasoning_details: choice.reasoningDetails }),
  };
}

/** What a client accumulates from the stream's deltas, for choice 0. */
function streamedMessage(events: StreamEvent[]): ChatMessage {
  const choice: ResultChoice = { index: 0, content: null, finishReason: "stop" };
  for (const event of events) {
    if (event.type === "text") choice.content = (choice.content ?? "") + event.text;
    if (event.type === "reasoning_detail") (choice.reasoningDetails ??= []).push(event.detail);
    if (event.type === "tool_call_start") {
      (choice.toolCalls ??= [])[event.call] = { id: event.id, name: event.name, arguments: "" };
    }
    if (event.type === "tool_call_delta") choice.toolCalls![event.call]!.arguments += event.arguments;
  }
  return appendedMessage(choice);
}

const contentsOf = (messages: ChatMessage[], model = gemini3Pro) =>
  (buildGemini(chatRequest({ messages }), model, false).body as { contents: unknown }).contents;

test("two-step tool loop: every signature goes back onto the exact functionCall part", () => {
  const user: ChatMessage = { role: "user", content: "Weather in San Francisco, then in Tokyo?" };

  // Step 1: non-streaming reply with one signed call (generated id).
  const step1 = fixtureJson("google", "google-tool-call-gemini3.json");
  const signature1 = step1.candidates[0].content.parts[0].thoughtSignature;
  const assistant1 = appendedMessage(parseGeminiResponse(step1).choices[0]!);
  const callId1 = assistant1.tool_calls![0]!.id;
  expect(callId1).toMatch(/^call_[A-Za-z0-9]{24}$/);
  const result1: ChatMessage = { role: "tool", tool_call_id: callId1, content: '{"temp_f":64}' };

  expect(contentsOf([user, assistant1, result1])).toEqual([
    { role: "user", parts: [{ text: "Weather in San Francisco, then in Tokyo?" }] },
    {
      role: "model",
      parts: [{ functionCall: { name: "weather", args: { location: "San Francisco" } }, thoughtSignature: signature1 }],
    },
    { role: "user", parts: [{ functionResponse: { name: "weather", response: { output: { temp_f: 64 } } } }] },
  ]);

  // Step 2: a streamed reply with text and a signed call carrying Gemini's own id.
  const chunks = fixtureChunks("google", "issue-10781.1.chunks.txt");
  const signature2 = JSON.parse(chunks[1]!).candidates[0].content.parts[0].thoughtSignature;
  const translator = createGeminiStreamTranslator();
  const assistant2 = streamedMessage([...chunks.flatMap((chunk) => translator.push(undefined, chunk)), ...translator.end()]);
  const result2: ChatMessage = { role: "tool", tool_call_id: "g1bmv6il", content: "sunny" };

  expect(contentsOf([user, assistant1, result1, assistant2, result2])).toEqual([
    { role: "user", parts: [{ text: "Weather in San Francisco, then in Tokyo?" }] },
    {
      role: "model",
      parts: [{ functionCall: { name: "weather", args: { location: "San Francisco" } }, thoughtSignature: signature1 }],
    },
    { role: "user", parts: [{ functionResponse: { name: "weather", response: { output: { temp_f: 64 } } } }] },
    {
      role: "model",
      parts: [
        { text: "Let me check." },
        {
          functionCall: { name: "get_weather", args: { city: "San Francisco" }, id: "g1bmv6il" },
          thoughtSignature: signature2,
        },
      ],
    },
    { role: "user", parts: [{ functionResponse: { name: "get_weather", response: { output: "sunny" }, id: "g1bmv6il" } }] },
  ]);
});

test("parallel calls from a stream: the signed first call gets its signature, the siblings none", () => {
  const translator = createGeminiStreamTranslator();
  const events = fixtureChunks("google", "google-stream-no-args-tool-call.chunks.txt").flatMap((chunk) =>
    translator.push(undefined, chunk),
  );
  const assistant = streamedMessage(events);
  const signature = (events.find((event) => event.type === "reasoning_detail") as any).detail.data;
  const results: ChatMessage[] = assistant.tool_calls!.map((call) => ({ role: "tool", tool_call_id: call.id, content: "ok" }));

  const contents = contentsOf([{ role: "user", content: "Go" }, assistant, ...results], googleModel("gemini-3-flash-preview"));
  expect((contents as any)[1]).toEqual({
    role: "model",
    parts: [
      { functionCall: { name: "read_theme", args: {} }, thoughtSignature: signature },
      { functionCall: { name: "read_screen", args: { id: "A" } } },
      { functionCall: { name: "read_screen", args: { id: "B" } } },
      { functionCall: { name: "read_screen", args: { id: "C" } } },
    ],
  });
  expect((contents as any)[2].parts.map((part: any) => part.functionResponse.name)).toEqual([
    "read_theme",
    "read_screen",
    "read_screen",
    "read_screen",
  ]);
});

test("a text-part signature (streamed on an empty final part) goes back onto the last text part", () => {
  const translator = createGeminiStreamTranslator();
  const chunks = fixtureChunks("google", "google-text.chunks.txt");
  const assistant = streamedMessage(chunks.flatMap((chunk) => translator.push(undefined, chunk)));
  const signature = JSON.parse(chunks[2]!).candidates[0].content.parts[0].thoughtSignature;

  const messages: ChatMessage[] = [
    { role: "user", content: "How many r's in strawberry?" },
    assistant,
    { role: "user", content: "Sure?" },
  ];
  expect(contentsOf(messages)).toEqual([
    { role: "user", parts: [{ text: "How many r's in strawberry?" }] },
    {
      role: "model",
      parts: [{ text: 'There are **3** "r"s in strawberry.\n\nst**r**awbe**rr**y', thoughtSignature: signature }],
    },
    { role: "user", parts: [{ text: "Sure?" }] },
  ]);
});

test("reasoning text and non-Gemini reasoning_details are not sent back", () => {
  const parsed = parseGeminiResponse(fixtureJson("google", "google-text.json")).choices[0]!;
  const assistant: ChatMessage = {
    ...appendedMessage(parsed),
    content: [{ type: "text", text: "Part one. " }, { type: "text", text: "Part two." }],
    reasoning: "I counted the letters.",
    reasoning_details: [
      ...parsed.reasoningDetails!,
      { type: "reasoning.text", text: "I counted", signature: "anthropic-sig", format: "anthropic-claude-v1", index: 1 },
      { type: "reasoning.encrypted", data: "other", id: null, format: "anthropic-claude-v1", index: 2 },
    ],
  };
  expect((contentsOf([{ role: "user", content: "Count" }, assistant]) as any)[1]).toEqual({
    role: "model",
    parts: [{ text: "Part one. " }, { text: "Part two.", thoughtSignature: parsed.reasoningDetails![0]!.data }],
  });
});

test("Gemini 3 history without signatures: the first call of each model turn gets the skip value; Gemini 2.5 does not", () => {
  const messages: ChatMessage[] = [
    { role: "user", content: "Go" },
    {
      role: "assistant",
      content: "Calling.",
      tool_calls: [
        { id: "toolu_01", type: "function", function: { name: "a", arguments: "{}" } },
        { id: "toolu_02", type: "function", function: { name: "b", arguments: "{}" } },
      ],
    },
    { role: "tool", tool_call_id: "toolu_01", content: "1" },
    { role: "tool", tool_call_id: "toolu_02", content: "2" },
  ];
  expect((contentsOf(messages) as any)[1]).toEqual({
    role: "model",
    parts: [
      { text: "Calling." },
      { functionCall: { name: "a", args: {}, id: "toolu_01" }, thoughtSignature: "skip_thought_signature_validator" },
      { functionCall: { name: "b", args: {}, id: "toolu_02" } },
    ],
  });
  expect((contentsOf(messages, googleModel("gemini-2.5-flash")) as any)[1]).toEqual({
    role: "model",
    parts: [
      { text: "Calling." },
      { functionCall: { name: "a", args: {}, id: "toolu_01" } },
      { functionCall: { name: "b", args: {}, id: "toolu_02" } },
    ],
  });
});
