import { expect, test } from "bun:test";
import type { ChatCompletionRequest } from "../../../src/openai/chat-request.ts";
import { buildGemini, chatRequest, gemini3Flash, googleModel, thrown } from "./support.ts";
import { googleProtocol } from "../../../src/providers/google/protocol.ts";

/** A model with no thinking family, so these bodies carry no thinkingConfig. */
const plainModel = googleModel("gemini-2.0-flash", { maxOutputTokens: 8192 });

const build = (fields: Partial<ChatCompletionRequest>, model = plainModel, stream = false) =>
  buildGemini(chatRequest(fields), model, stream);

const bodyOf = (fields: Partial<ChatCompletionRequest>, model = plainModel) => build(fields, model).body;

const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

test("headers authenticate with x-goog-api-key", () => {
  expect(googleProtocol.headers("AIza-test")).toEqual({ "x-goog-api-key": "AIza-test" });
});

test("path uses the catalog's upstream model; streaming asks for SSE", () => {
  expect(build({}, gemini3Flash).path).toBe("/v1beta/models/gemini-3-flash:generateContent");
  expect(build({}, gemini3Flash, true).path).toBe("/v1beta/models/gemini-3-flash:streamGenerateContent?alt=sse");
});

test("system and developer messages join one systemInstruction in order; user text and a data URI image", () => {
  expect(
    bodyOf({
      messages: [
        { role: "system", content: "You are terse." },
        { role: "developer", content: [{ type: "text", text: "Prefer metric units." }, { type: "text", text: "No emoji." }] },
        {
          role: "user",
          content: [
            { type: "text", text: "Weather in Paris? And describe this." },
            { type: "image_url", image_url: { url: `data:image/png;base64,${PNG}`, detail: "high" } },
          ],
        },
        { role: "system", content: "" },
      ],
    }),
  ).toEqual({
    systemInstruction: {
      parts: [{ text: "You are terse." }, { text: "Prefer metric units." }, { text: "No emoji." }],
    },
    contents: [
      {
        role: "user",
        parts: [
          { text: "Weather in Paris? And describe this." },
          { inlineData: { mimeType: "image/png", data: PNG } },
        ],
      },
    ],
  });
});

test("assistant history becomes model turns; empty text is skipped; same-role turns merge", () => {
  expect(
    bodyOf({
      messages: [
        { role: "user", content: "Hi" },
        { role: "user", content: [{ type: "text", text: "Anyone there?" }, { type: "text", text: "" }] },
        { role: "user", content: "" },
        { role: "assistant", content: "Hello!" },
        { role: "assistant", content: [{ type: "text", text: "" }, { type: "text", text: "How can I help?" }] },
        { role: "assistant", content: "" },
        { role: "user", content: "Tell me a joke." },
      ],
    }),
  ).toEqual({
    contents: [
      { role: "user", parts: [{ text: "Hi" }, { text: "Anyone there?" }] },
      { role: "model", parts: [{ text: "Hello!" }, { text: "How can I help?" }] },
      { role: "user", parts: [{ text: "Tell me a joke." }] },
    ],
  });
});

test("tool history: calls → functionCall parts, consecutive results → one user turn with looked-up names", () => {
  expect(
    bodyOf({
      messages: [
        { role: "user", content: "Weather in Paris and Rome?" },
        {
          role: "assistant",
          content: null,
          tool_calls: [
            {
              id: "call_aaaaaaaaaaaaaaaaaaaaaaaa",
              type: "function",
              function: { name: "get_weather", arguments: '{"city":"Paris"}' },
            },
            { id: "call_bbbbbbbbbbbbbbbbbbbbbbbb", type: "function", function: { name: "get_time", arguments: "" } },
          ],
        },
        { role: "tool", tool_call_id: "call_aaaaaaaaaaaaaaaaaaaaaaaa", content: '{"temp_c":18}' },
        { role: "tool", tool_call_id: "call_bbbbbbbbbbbbbbbbbbbbbbbb", content: [{ type: "text", text: "12:00" }] },
        { role: "assistant", content: "18 °C, and it is noon." },
      ],
    }),
  ).toEqual({
    contents: [
      { role: "user", parts: [{ text: "Weather in Paris and Rome?" }] },
      {
        role: "model",
        parts: [
          { functionCall: { name: "get_weather", args: { city: "Paris" } } },
          { functionCall: { name: "get_time", args: {} } },
        ],
      },
      {
        role: "user",
        parts: [
          { functionResponse: { name: "get_weather", response: { output: { temp_c: 18 } } } },
          { functionResponse: { name: "get_time", response: { output: "12:00" } } },
        ],
      },
      { role: "model", parts: [{ text: "18 °C, and it is noon." }] },
    ],
  });
});

test("tool results that are JSON but not an object stay strings; Gemini's own call ids are echoed", () => {
  const body = bodyOf({
    messages: [
      { role: "user", content: "Go" },
      {
        role: "assistant",
        content: "Let me check.",
        tool_calls: [{ id: "g1bmv6il", type: "function", function: { name: "list", arguments: "{}" } }],
      },
      { role: "tool", tool_call_id: "g1bmv6il", content: "[1,2]" },
    ],
  });
  expect(body).toEqual({
    contents: [
      { role: "user", parts: [{ text: "Go" }] },
      { role: "model", parts: [{ text: "Let me check." }, { functionCall: { name: "list", args: {}, id: "g1bmv6il" } }] },
      { role: "user", parts: [{ functionResponse: { name: "list", response: { output: "[1,2]" }, id: "g1bmv6il" } }] },
    ],
  });
});

test("every generation parameter; null fields count as absent; user and parallel_tool_calls are dropped", () => {
  expect(
    bodyOf({
      max_completion_tokens: 1000,
      max_tokens: 50,
      temperature: 0.2,
      top_p: 0.9,
      stop: ["END", "", "STOP"],
      n: 2,
      seed: 42,
      presence_penalty: 0.5,
      frequency_penalty: -0.5,
      user: "user-123",
      parallel_tool_calls: false,
      response_format: { type: "json_object" },
    }),
  ).toEqual({
    contents: [{ role: "user", parts: [{ text: "Hi" }] }],
    generationConfig: {
      maxOutputTokens: 1000,
      temperature: 0.2,
      topP: 0.9,
      stopSequences: ["END", "STOP"],
      candidateCount: 2,
      seed: 42,
      presencePenalty: 0.5,
      frequencyPenalty: -0.5,
      responseMimeType: "application/json",
    },
  });
  expect(
    bodyOf({
      max_completion_tokens: null,
      max_tokens: null,
      temperature: null,
      top_p: null,
      stop: null,
      n: null,
      seed: null,
      presence_penalty: null,
      frequency_penalty: null,
      logprobs: null,
      top_logprobs: null,
      logit_bias: null,
      stream: null,
      stream_options: null,
    }),
  ).toEqual({ contents: [{ role: "user", parts: [{ text: "Hi" }] }] });
});

test("max_tokens is the fallback, clamped to the catalog's max output; a single stop string; zero penalties omitted", () => {
  expect(
    bodyOf({ max_tokens: 100000, stop: "END", presence_penalty: 0, frequency_penalty: 0, temperature: 0 }),
  ).toEqual({
    contents: [{ role: "user", parts: [{ text: "Hi" }] }],
    generationConfig: { maxOutputTokens: 8192, stopSequences: ["END"], temperature: 0 },
  });
});

test("response_format json_schema → responseMimeType + responseJsonSchema; text → nothing", () => {
  const schema = {
    type: "object",
    properties: { name: { type: "string" }, nick: { anyOf: [{ type: "string" }, { type: "null" }] } },
    required: ["name", "nick"],
    additionalProperties: false,
  };
  expect(
    bodyOf({ response_format: { type: "json_schema", json_schema: { name: "person", schema, strict: true } } }),
  ).toEqual({
    contents: [{ role: "user", parts: [{ text: "Hi" }] }],
    generationConfig: { responseMimeType: "application/json", responseJsonSchema: schema },
  });
  expect(bodyOf({ response_format: { type: "text" } })).toEqual({ contents: [{ role: "user", parts: [{ text: "Hi" }] }] });
});

test("tools → functionDeclarations with the schema as parametersJsonSchema: every keyword kept, root $schema dropped, $refs inlined", () => {
  const parameters = {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    type: "object",
    properties: {
      city: { type: "string" },
      unit: { type: ["string", "null"], enum: ["c", "f", null] },
      kind: { const: "weather" },
      place: { $ref: "#/$defs/place" },
    },
    $defs: { place: { type: "object", properties: { lat: { type: "number" } }, additionalProperties: false } },
    required: ["city"],
    additionalProperties: false,
  };
  expect(
    bodyOf({
      tools: [
        { type: "function", function: { name: "get_weather", description: "Current weather", parameters, strict: true } },
        { type: "function", function: { name: "ping" } },
      ],
    }),
  ).toEqual({
    contents: [{ role: "user", parts: [{ text: "Hi" }] }],
    tools: [
      {
        functionDeclarations: [
          {
            name: "get_weather",
            description: "Current weather",
            parametersJsonSchema: {
              type: "object",
              properties: {
                city: { type: "string" },
                unit: { type: ["string", "null"], enum: ["c", "f", null] },
                kind: { const: "weather" },
                place: { type: "object", properties: { lat: { type: "number" } }, additionalProperties: false },
              },
              required: ["city"],
              additionalProperties: false,
            },
          },
          { name: "ping" },
        ],
      },
    ],
  });
});

test("tool_choice none/auto/required/named → functionCallingConfig", () => {
  const tools = [
    { type: "function" as const, function: { name: "a" } },
    { type: "function" as const, function: { name: "b" } },
  ];
  const config = (tool_choice: ChatCompletionRequest["tool_choice"]) =>
    (bodyOf({ tools, tool_choice }) as { toolConfig?: unknown }).toolConfig;
  expect(config("none")).toEqual({ functionCallingConfig: { mode: "NONE" } });
  expect(config("auto")).toEqual({ functionCallingConfig: { mode: "AUTO" } });
  expect(config("required")).toEqual({ functionCallingConfig: { mode: "ANY" } });
  expect(config({ type: "function", function: { name: "b" } })).toEqual({
    functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["b"] },
  });
  expect(config(undefined)).toBeUndefined();
  // Without tools, "auto" and "none" have nothing to act on; demanding a call is a 400.
  expect(bodyOf({ tools: [], tool_choice: "none" })).toEqual({ contents: [{ role: "user", parts: [{ text: "Hi" }] }] });
  expect(thrown(() => bodyOf({ tools: [], tool_choice: "required" })).error.param).toBe("tool_choice");
});

test("400s for what the gateway cannot translate", () => {
  const messagesError = (message: string) => ({
    status: 400,
    error: { type: "invalid_request_error", code: "invalid_request", message, param: "messages" },
  });
  const userContent = (content: ChatCompletionRequest["messages"][number]["content"]) =>
    thrown(() => build({ messages: [{ role: "user", content }] }));

  expect(userContent([{ type: "image_url", image_url: { url: "https://example.com/cat.jpg" } }])).toEqual(
    messagesError(
      "google models take images as base64 data: URIs (data:<mime>;base64,<data>); the gateway does not fetch remote image URLs",
    ),
  );
  expect(userContent([{ type: "image_url", image_url: { url: "data:image/png,rawbytes" } }])).toEqual(
    messagesError("image_url.url must be an http(s) URL or a base64 data URI (data:<mime>;base64,<data>)"),
  );
  expect(userContent([{ type: "input_audio" }])).toEqual(messagesError('content part type "input_audio" is not supported in user messages'));
  expect(userContent([{ type: "text" }])).toEqual(messagesError('a "text" content part needs a string "text" field'));
  const imageInSystem = { type: "image_url", image_url: { url: "data:x;base64,y" } };
  expect(thrown(() => build({ messages: [{ role: "system", content: [imageInSystem] }, { role: "user", content: "Hi" }] }))).toEqual(
    messagesError('content part type "image_url" is not supported in system messages'),
  );
  expect(thrown(() => build({ messages: [{ role: "system", content: "Only rules" }] }))).toEqual(
    messagesError("messages must contain at least one user, assistant or tool message"),
  );

  const call = (args: string) => ({
    role: "assistant" as const,
    tool_calls: [{ id: "call_1", type: "function" as const, function: { name: "f", arguments: args } }],
  });
  expect(thrown(() => build({ messages: [{ role: "user", content: "Go" }, call("{not json")] }))).toEqual(
    messagesError('tool call "call_1" has arguments that are not valid JSON'),
  );
  expect(thrown(() => build({ messages: [{ role: "user", content: "Go" }, call("[1]")] }))).toEqual(
    messagesError('tool call "call_1" arguments must be a JSON object'),
  );
  const toolResult = (fields: Partial<ChatCompletionRequest["messages"][number]>) =>
    thrown(() => build({ messages: [{ role: "user", content: "Go" }, call("{}"), { role: "tool", content: "x", ...fields }] }));
  expect(toolResult({ tool_call_id: "call_2" })).toEqual(messagesError('tool message refers to unknown tool_call_id "call_2"'));
  expect(toolResult({})).toEqual(messagesError("tool messages need a tool_call_id"));

  expect(
    thrown(() =>
      build({
        tools: [{ type: "function", function: { name: "a" } }],
        tool_choice: { type: "function", function: { name: "zzz" } },
      }),
    ),
  ).toEqual({
    status: 400,
    error: {
      type: "invalid_request_error",
      code: "invalid_request",
      message: 'tool_choice names function "zzz", which is not in tools',
      param: "tool_choice",
    },
  });
});

test("400s for what google models or this model cannot serve: images in tool results, streaming", () => {
  const call = {
    role: "assistant" as const,
    tool_calls: [{ id: "call_1", type: "function" as const, function: { name: "snapshot", arguments: "{}" } }],
  };
  const image = { type: "image_url", image_url: { url: `data:image/png;base64,${PNG}` } };
  expect(
    thrown(() =>
      build({
        messages: [
          { role: "user", content: "Go" },
          call,
          { role: "tool", tool_call_id: "call_1", content: [{ type: "text", text: "Here:" }, image] },
        ],
      }),
    ),
  ).toEqual({
    status: 400,
    error: {
      type: "invalid_request_error",
      code: "invalid_request",
      message: "tool results take text only for google models",
      param: "messages",
    },
  });

  const noStreaming = googleModel("gemini-2.0-flash", { supportsStreaming: false });
  expect(thrown(() => build({}, noStreaming, true))).toEqual({
    status: 400,
    error: {
      type: "invalid_request_error",
      code: "unsupported_parameter",
      message: 'model "google/gemini-2.0-flash" does not support streaming',
      param: "stream",
    },
  });
  expect(build({}, noStreaming).path).toBe("/v1beta/models/gemini-2.0-flash:generateContent");
});

test("logprobs, top_logprobs and logit_bias are refused as unsupported parameters", () => {
  const unsupported = (param: string, message: string) => ({
    status: 400,
    error: { type: "invalid_request_error", code: "unsupported_parameter", message, param },
  });
  expect(thrown(() => build({ logprobs: true }))).toEqual(
    unsupported("logprobs", "logprobs is not supported for google models"),
  );
  expect(thrown(() => build({ top_logprobs: 5 }))).toEqual(
    unsupported("top_logprobs", "top_logprobs is not supported for google models"),
  );
  expect(thrown(() => build({ logit_bias: { "50256": -100 } }))).toEqual(
    unsupported("logit_bias", "logit_bias is not supported for google models"),
  );
  // The harmless forms pass.
  expect(bodyOf({ logprobs: false, top_logprobs: 0, logit_bias: {} })).toEqual({
    contents: [{ role: "user", parts: [{ text: "Hi" }] }],
  });
});
