import { describe, expect, test } from "bun:test";
import { ApiError } from "../../../src/errors.ts";
import type { ChatCompletionRequest, ChatMessage } from "../../../src/openai/chat-request.ts";
import { anthropicProtocol } from "../../../src/providers/anthropic/protocol.ts";
import { anthropicBody, anthropicModel } from "./helpers.ts";

const user = (content: ChatMessage["content"]): ChatMessage => ({ role: "user", content });
const hi = [user("Hi")];

/** The ApiError a request fails with. */
function rejection(req: Omit<ChatCompletionRequest, "model">, model = anthropicModel()): ApiError {
  try {
    anthropicBody(req, model);
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return error as ApiError;
  }
  throw new Error("request was not rejected");
}

test("headers authenticate with x-api-key and pin the API version", () => {
  expect(anthropicProtocol.headers("sk-ant-test")).toEqual({
    "x-api-key": "sk-ant-test",
    "anthropic-version": "2023-06-01",
  });
});

describe("messages", () => {
  test("system and developer messages become top-level system blocks, keeping cache_control", () => {
    expect(
      anthropicBody({
        messages: [
          { role: "system", content: "You are terse." },
          {
            role: "developer",
            content: [
              { type: "text", text: "Prefer metric units." },
              { type: "text", text: "<long stable doc>", cache_control: { type: "ephemeral", ttl: "1h" } },
            ],
          },
          user("Hi"),
        ],
      }),
    ).toEqual({
      model: "claude-sonnet-4-5",
      max_tokens: 8192,
      system: [
        { type: "text", text: "You are terse." },
        { type: "text", text: "Prefer metric units." },
        { type: "text", text: "<long stable doc>", cache_control: { type: "ephemeral", ttl: "1h" } },
      ],
      messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }],
    });
  });

  test("the upstream model name and stream flag", () => {
    const model = anthropicModel("claude-sonnet-4-5-20250929");
    expect(anthropicBody({ messages: hi }, model, true)).toEqual({
      model: "claude-sonnet-4-5-20250929",
      max_tokens: 8192,
      messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }],
      stream: true,
    });
  });

  test("multi-part user content: text, data URI and URL images; blank text and image detail dropped", () => {
    expect(
      anthropicBody({
        messages: [
          user([
            { type: "text", text: "Weather in Paris? And describe these." },
            { type: "text", text: "" },
            { type: "text", text: "  \n" },
            { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=", detail: "high" } },
            {
              type: "image_url",
              image_url: { url: "https://example.com/cat.jpg" },
              cache_control: { type: "ephemeral" },
            },
          ]),
        ],
      }).messages,
    ).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "Weather in Paris? And describe these." },
          { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
          {
            type: "image",
            source: { type: "url", url: "https://example.com/cat.jpg" },
            cache_control: { type: "ephemeral" },
          },
        ],
      },
    ]);
  });

  test.each([
    ["input_audio", user([{ type: "input_audio" }])],
    ["file", user([{ type: "file" }])],
    [
      "image_url",
      { role: "system", content: [{ type: "image_url", image_url: { url: "https://example.com/a.png" } }] },
    ],
    [
      "image_url",
      { role: "assistant", content: [{ type: "image_url", image_url: { url: "https://example.com/a.png" } }] },
    ],
  ] as [string, ChatMessage][])("an unsupported %s part is a 400 naming the type", (type, message) => {
    const error = rejection({ messages: [message] });
    expect(error.status).toBe(400);
    expect(error.type).toBe("invalid_request_error");
    expect(error.param).toBe("messages");
    expect(error.message).toContain(`"${type}"`);
  });

  test("an image URL that is neither http(s) nor a base64 data URI is a 400", () => {
    for (const url of ["ftp://example.com/a.png", "data:image/png,rawbytes"]) {
      const error = rejection({ messages: [user([{ type: "image_url", image_url: { url } }])] });
      expect(error.toEnvelope()).toEqual({
        error: {
          message: "image_url.url must be an http(s) URL or a base64 data URI (data:<mime>;base64,<data>)",
          type: "invalid_request_error",
          code: "invalid_request",
          param: "messages",
        },
      });
    }
  });

  test("assistant history: text and tool_use; tool results merged into one user turn before the next user text", () => {
    const body = anthropicBody({
      messages: [
        user("Weather in Paris and Rome?"),
        {
          role: "assistant",
          content: "Checking both.",
          tool_calls: [
            { id: "toolu_01A", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
            { id: "toolu_01B", type: "function", function: { name: "get_weather", arguments: '{"city":"Rome"}' } },
          ],
        },
        { role: "tool", tool_call_id: "toolu_01A", content: '{"temp_c":18}' },
        {
          role: "tool",
          tool_call_id: "toolu_01B",
          content: [
            { type: "text", text: '{"temp_c":24}' },
            { type: "text", text: "(feels like 26)" },
          ],
        },
        user("Answer in one line."),
        { role: "assistant", content: "Paris 18 °C, Rome 24 °C." },
      ],
    });
    expect(body.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "Weather in Paris and Rome?" }] },
      {
        role: "assistant",
        content: [
          { type: "text", text: "Checking both." },
          { type: "tool_use", id: "toolu_01A", name: "get_weather", input: { city: "Paris" } },
          { type: "tool_use", id: "toolu_01B", name: "get_weather", input: { city: "Rome" } },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "toolu_01A", content: '{"temp_c":18}' },
          {
            type: "tool_result",
            tool_use_id: "toolu_01B",
            content: [
              { type: "text", text: '{"temp_c":24}' },
              { type: "text", text: "(feels like 26)" },
            ],
          },
          { type: "text", text: "Answer in one line." },
        ],
      },
      { role: "assistant", content: [{ type: "text", text: "Paris 18 °C, Rome 24 °C." }] },
    ]);
    // Anthropic rejects tool history without tools: the names used are declared, and calling them is switched off.
    expect(body.tools).toEqual([{ name: "get_weather", input_schema: { type: "object" } }]);
    expect(body.tool_choice).toEqual({ type: "none" });
  });

  test("an assistant turn with null content and only tool calls; an empty tool result has no content", () => {
    const body = anthropicBody({
      messages: [
        user("Go"),
        {
          role: "assistant",
          content: null,
          tool_calls: [{ id: "call_1", type: "function", function: { name: "noop", arguments: "" } }],
        },
        { role: "tool", tool_call_id: "call_1", content: "" },
      ],
    });
    expect(body.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "Go" }] },
      { role: "assistant", content: [{ type: "tool_use", id: "call_1", name: "noop", input: {} }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "call_1" }] },
    ]);
  });

  test("tool ids from other providers are made valid Anthropic ids on both sides of the pair", () => {
    const body = anthropicBody({
      messages: [
        user("Go"),
        {
          role: "assistant",
          content: null,
          tool_calls: [{ id: "call_1__thought__a+b/c=", function: { name: "noop", arguments: "{}" } }],
        },
        { role: "tool", tool_call_id: "call_1__thought__a+b/c=", content: "done" },
      ],
    });
    expect(body.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "Go" }] },
      { role: "assistant", content: [{ type: "tool_use", id: "call_1__thought__a_b_c_", name: "noop", input: {} }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "call_1__thought__a_b_c_", content: "done" }] },
    ]);
  });

  test("tool call arguments that are not a JSON object are a 400", () => {
    for (const args of ["{not json", "[1,2]", "42"]) {
      const error = rejection({
        messages: [
          user("Go"),
          { role: "assistant", tool_calls: [{ id: "call_9", function: { name: "f", arguments: args } }] },
        ],
      });
      expect(error.status).toBe(400);
      expect(error.param).toBe("messages");
      expect(error.message).toContain('"call_9"');
    }
  });

  test("a tool result with no earlier call of its id is a 400, not an orphan tool_result", () => {
    const call = { role: "assistant" as const, tool_calls: [{ id: "call_1", function: { name: "f", arguments: "{}" } }] };
    const result = (id: string): ChatMessage => ({ role: "tool", tool_call_id: id, content: "done" });
    for (const [id, messages] of [
      ["call_2", [user("Go"), call, result("call_2")]],
      ["call_1", [user("Go"), result("call_1"), call]],
    ] as const) {
      expect(rejection({ messages: [...messages] }).toEnvelope()).toEqual({
        error: {
          message: `tool message refers to unknown tool_call_id "${id}"`,
          type: "invalid_request_error",
          code: "invalid_request",
          param: "messages",
        },
      });
    }
  });

  test("consecutive same-role messages are merged", () => {
    expect(
      anthropicBody({
        messages: [
          user("One."),
          user([{ type: "text", text: "Two." }]),
          { role: "assistant", content: "A" },
          { role: "assistant", content: "B" },
          user("Three."),
        ],
      }).messages,
    ).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "One." },
          { type: "text", text: "Two." },
        ],
      },
      {
        role: "assistant",
        content: [
          { type: "text", text: "A" },
          { type: "text", text: "B" },
        ],
      },
      { role: "user", content: [{ type: "text", text: "Three." }] },
    ]);
  });

  test('a conversation that does not open with a user turn gets a "." user turn first', () => {
    expect(
      anthropicBody({ messages: [{ role: "assistant", content: "Hello! How can I help?" }, user("Hi")] }).messages,
    ).toEqual([
      { role: "user", content: [{ type: "text", text: "." }] },
      { role: "assistant", content: [{ type: "text", text: "Hello! How can I help?" }] },
      { role: "user", content: [{ type: "text", text: "Hi" }] },
    ]);
    // A system-only request, and one whose only user text is blank.
    for (const messages of [[{ role: "system", content: "Say hello." }], [user("   ")]] as ChatMessage[][]) {
      expect(anthropicBody({ messages }).messages).toEqual([{ role: "user", content: [{ type: "text", text: "." }] }]);
    }
  });

  test("a final assistant prefill loses its trailing whitespace", () => {
    expect(
      anthropicBody({ messages: [user("List three colours."), { role: "assistant", content: "1. Red\n" }] }).messages,
    ).toEqual([
      { role: "user", content: [{ type: "text", text: "List three colours." }] },
      { role: "assistant", content: [{ type: "text", text: "1. Red" }] },
    ]);
  });

  test("assistant refusal parts are kept as text", () => {
    expect(
      anthropicBody({
        messages: [
          user("Do X."),
          { role: "assistant", content: [{ type: "refusal", refusal: "I can't help with that." } as never] },
          user("OK, Y?"),
        ],
      }).messages[1],
    ).toEqual({ role: "assistant", content: [{ type: "text", text: "I can't help with that." }] });
  });
});

describe("parameters", () => {
  test("max_completion_tokens wins over max_tokens; the default is 8192 within the model maximum; larger values are clamped", () => {
    expect(anthropicBody({ messages: hi, max_tokens: 100, max_completion_tokens: 200 }).max_tokens).toBe(200);
    expect(anthropicBody({ messages: hi, max_tokens: 100, max_completion_tokens: null }).max_tokens).toBe(100);
    expect(anthropicBody({ messages: hi }).max_tokens).toBe(8192);
    expect(
      anthropicBody({ messages: hi }, anthropicModel("claude-haiku-4-5", { maxOutputTokens: 4096 })).max_tokens,
    ).toBe(4096);
    expect(anthropicBody({ messages: hi, max_tokens: 100_000 }).max_tokens).toBe(64000);
  });

  test("every sampling and metadata parameter at once", () => {
    expect(
      anthropicBody({
        messages: hi,
        max_tokens: 512,
        temperature: 0.3,
        stop: ["END", "  ", "\n", "STOP"],
        n: 1,
        seed: 42,
        presence_penalty: 0.5,
        frequency_penalty: -0.5,
        user: "user-1234",
        logprobs: false,
        logit_bias: {},
        response_format: { type: "text" },
      }),
    ).toEqual({
      model: "claude-sonnet-4-5",
      max_tokens: 512,
      messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }],
      temperature: 0.3,
      stop_sequences: ["END", "STOP"],
      metadata: { user_id: "user-1234" },
    });
  });

  test("temperature above Anthropic's 1 is clamped; with top_p as well, temperature wins", () => {
    expect(anthropicBody({ messages: hi, temperature: 1.7 }).temperature).toBe(1);
    const both = anthropicBody({ messages: hi, temperature: 0.2, top_p: 0.9 });
    expect([both.temperature, both.top_p]).toEqual([0.2, undefined]);
    const topP = anthropicBody({ messages: hi, top_p: 0.9 });
    expect([topP.temperature, topP.top_p]).toEqual([undefined, 0.9]);
  });

  test("stop as a string, and only whitespace stops", () => {
    expect(anthropicBody({ messages: hi, stop: "END" }).stop_sequences).toEqual(["END"]);
    expect(anthropicBody({ messages: hi, stop: [" ", "\t"] })).not.toHaveProperty("stop_sequences");
  });

  test("null fields count as absent", () => {
    expect(
      anthropicBody({
        messages: hi,
        max_tokens: null,
        max_completion_tokens: null,
        temperature: null,
        top_p: null,
        stop: null,
        n: null,
        seed: null,
        presence_penalty: null,
        frequency_penalty: null,
        stream: null,
        stream_options: null,
        logprobs: null,
        top_logprobs: null,
        logit_bias: null,
      }),
    ).toEqual({
      model: "claude-sonnet-4-5",
      max_tokens: 8192,
      messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }],
    });
  });

  test.each([
    ["n", { n: 2 }],
    ["logprobs", { logprobs: true }],
    ["top_logprobs", { top_logprobs: 3 }],
    ["logit_bias", { logit_bias: { "50256": -100 } }],
  ] as const)("%s → 400 unsupported_parameter", (param, fields) => {
    const error = rejection({ messages: hi, ...fields });
    expect(error.status).toBe(400);
    expect(error.toEnvelope().error).toMatchObject({
      type: "invalid_request_error",
      code: "unsupported_parameter",
      param,
    });
  });

  test("response_format json_schema → output_config.format", () => {
    const schema = {
      type: "object",
      properties: { answer: { type: "string" } },
      required: ["answer"],
      additionalProperties: false,
    };
    expect(
      anthropicBody({
        messages: hi,
        response_format: { type: "json_schema", json_schema: { name: "answer", schema, strict: true } },
      }).output_config,
    ).toEqual({ format: { type: "json_schema", schema } });
    const error = rejection({
      messages: hi,
      response_format: { type: "json_schema", json_schema: { name: "answer" } },
    });
    expect([error.status, error.param]).toEqual([400, "response_format"]);
  });

  test("response_format json_object → an instruction appended to the system prompt", () => {
    const body = anthropicBody({
      messages: [
        {
          role: "system",
          content: [{ type: "text", text: "You extract fields.", cache_control: { type: "ephemeral" } }],
        },
        user("Name: Ada, born 1815. Give JSON."),
      ],
      response_format: { type: "json_object" },
    });
    expect(body.system).toEqual([
      { type: "text", text: "You extract fields.", cache_control: { type: "ephemeral" } },
      {
        type: "text",
        text: "Respond with a single valid JSON object only, with no Markdown code fences and no text before or after it.",
      },
    ]);
    expect(body).not.toHaveProperty("output_config");
  });

  test("tools, tool_choice and parallel_tool_calls for a model whose catalog entry allows tools", () => {
    const model = anthropicModel("claude-sonnet-4-5", { supportsTools: true });
    const tools: ChatCompletionRequest["tools"] = [
      {
        type: "function",
        function: {
          name: "get_weather",
          description: "Current weather",
          parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
        },
      },
      { type: "function", function: { name: "now" } },
    ];
    expect(anthropicBody({ messages: hi, tools }, model)).toMatchObject({
      tools: [
        {
          name: "get_weather",
          description: "Current weather",
          input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
        },
        { name: "now", input_schema: { type: "object", properties: {} } },
      ],
      tool_choice: { type: "auto" },
    });
    const choice = (req: Partial<ChatCompletionRequest>) =>
      anthropicBody({ messages: hi, tools, ...req }, model).tool_choice;
    expect(choice({ tool_choice: "none" })).toEqual({ type: "none" });
    expect(choice({ tool_choice: "required" })).toEqual({ type: "any" });
    expect(choice({ tool_choice: { type: "function", function: { name: "now" } } })).toEqual({
      type: "tool",
      name: "now",
    });
    expect(choice({ parallel_tool_calls: false })).toEqual({ type: "auto", disable_parallel_tool_use: true });
    expect(choice({ tool_choice: "required", parallel_tool_calls: false })).toEqual({
      type: "any",
      disable_parallel_tool_use: true,
    });
  });
});

describe("cache_control", () => {
  test("passes through on system, user and tool-result parts; a string message has no breakpoint", () => {
    const body = anthropicBody({
      messages: [
        {
          role: "system",
          content: [{ type: "text", text: "Big manual.", cache_control: { type: "ephemeral", ttl: "1h" } }],
        },
        user([{ type: "text", text: "Big document.", cache_control: { type: "ephemeral" } }]),
        {
          role: "assistant",
          content: null,
          tool_calls: [{ id: "toolu_1", function: { name: "read", arguments: "{}" } }],
        },
        {
          role: "tool",
          tool_call_id: "toolu_1",
          content: [{ type: "text", text: "File body.", cache_control: { type: "ephemeral" } }],
        },
        user("Summarise."),
      ],
    });
    expect(body.system).toEqual([
      { type: "text", text: "Big manual.", cache_control: { type: "ephemeral", ttl: "1h" } },
    ]);
    expect(body.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "Big document.", cache_control: { type: "ephemeral" } }] },
      { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "read", input: {} }] },
      {
        role: "user",
        content: [
          {
            type: "tool_result",
            tool_use_id: "toolu_1",
            content: [{ type: "text", text: "File body.", cache_control: { type: "ephemeral" } }],
          },
          { type: "text", text: "Summarise." },
        ],
      },
    ]);
  });

  test("more than 4 breakpoints: the earliest are dropped, the last 4 kept, the client's request untouched", () => {
    const part = (text: string) => ({ type: "text" as const, text, cache_control: { type: "ephemeral" as const } });
    const req: Omit<ChatCompletionRequest, "model"> = {
      messages: [
        { role: "system", content: [part("s1"), part("s2")] },
        user([part("u1"), part("u2")]),
        { role: "assistant", content: "ok" },
        user([part("u3"), { type: "text", text: "plain" }, part("u4")]),
      ],
    };
    const snapshot = structuredClone(req);
    const body = anthropicBody(req);
    expect(body.system).toEqual([
      { type: "text", text: "s1" },
      { type: "text", text: "s2" },
    ]);
    expect(body.messages).toEqual([
      { role: "user", content: [part("u1"), part("u2")] },
      { role: "assistant", content: [{ type: "text", text: "ok" }] },
      { role: "user", content: [part("u3"), { type: "text", text: "plain" }, part("u4")] },
    ]);
    expect(req).toEqual(snapshot);
  });

  test("breakpoints inside tool results count towards the limit in prompt order", () => {
    const cc = { type: "ephemeral" as const };
    const body = anthropicBody({
      messages: [
        { role: "system", content: [{ type: "text", text: "s1", cache_control: cc }] },
        user([{ type: "text", text: "u1", cache_control: cc }]),
        { role: "assistant", tool_calls: [{ id: "t1", function: { name: "f", arguments: "{}" } }] },
        {
          role: "tool",
          tool_call_id: "t1",
          content: [
            { type: "text", text: "r1", cache_control: cc },
            { type: "text", text: "r2", cache_control: cc },
          ],
        },
        user([{ type: "text", text: "u2", cache_control: cc }]),
      ],
    });
    expect(body.system).toEqual([{ type: "text", text: "s1" }]);
    expect((body.messages as unknown[]).slice(0, 1)).toEqual([
      { role: "user", content: [{ type: "text", text: "u1", cache_control: cc }] },
    ]);
    expect((body.messages as any[])[2].content).toEqual([
      {
        type: "tool_result",
        tool_use_id: "t1",
        content: [
          { type: "text", text: "r1", cache_control: cc },
          { type: "text", text: "r2", cache_control: cc },
        ],
      },
      { type: "text", text: "u2", cache_control: cc },
    ]);
  });
});
