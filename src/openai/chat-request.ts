// Plain TypeBox: Elysia's `t` variants coerce numeric strings, which the OpenAI wire format does not allow.
import { Type as t, type Static } from "@sinclair/typebox";
import { OpenObject } from "./open-object.ts";

/**
 * The OpenAI Chat Completions request (reference A.2/A.3). Objects stay open
 * (additional properties allowed) so unknown optional OpenAI fields are
 * accepted and ignored; shapes are kept loose where a precise TypeBox union
 * would only produce "Expected union value" errors, and the translators give
 * the clear message instead.
 */

const CacheControl = OpenObject({
  type: t.Literal("ephemeral"),
  ttl: t.Optional(t.String()),
});

export const ContentPart = OpenObject({
  type: t.String({ examples: ["text", "image_url"] }),
  text: t.Optional(t.String()),
  image_url: t.Optional(
    OpenObject({
      url: t.String(),
      detail: t.Optional(t.String()),
    }),
  ),
  cache_control: t.Optional(CacheControl),
});
export type ContentPart = Static<typeof ContentPart>;

export const ToolCall = OpenObject({
  id: t.String(),
  type: t.Optional(t.Literal("function")),
  function: OpenObject({
    name: t.String(),
    arguments: t.String(),
  }),
});
export type ToolCall = Static<typeof ToolCall>;

/** OpenRouter-style reasoning round-trip entries (reference B.2/B.3). */
export const ReasoningDetail = OpenObject({
  type: t.String({ examples: ["reasoning.text", "reasoning.encrypted"] }),
  text: t.Optional(t.String()),
  summary: t.Optional(t.String()),
  signature: t.Optional(t.Union([t.String(), t.Null()])),
  data: t.Optional(t.String()),
  id: t.Optional(t.Union([t.String(), t.Null()])),
  format: t.Optional(t.String()),
  index: t.Optional(t.Number()),
});
export type ReasoningDetail = Static<typeof ReasoningDetail>;

export const ChatMessage = OpenObject({
  role: t.Union([
    t.Literal("system"),
    t.Literal("developer"),
    t.Literal("user"),
    t.Literal("assistant"),
    t.Literal("tool"),
  ]),
  content: t.Optional(t.Union([t.String(), t.Array(ContentPart), t.Null()])),
  name: t.Optional(t.String()),
  tool_calls: t.Optional(t.Array(ToolCall)),
  tool_call_id: t.Optional(t.String()),
  reasoning: t.Optional(t.Union([t.String(), t.Null()])),
  reasoning_content: t.Optional(t.Union([t.String(), t.Null()])),
  reasoning_details: t.Optional(t.Array(ReasoningDetail)),
});
export type ChatMessage = Static<typeof ChatMessage>;

export const ToolDefinition = OpenObject({
  type: t.Literal("function"),
  function: OpenObject({
    name: t.String({ minLength: 1, maxLength: 128 }),
    description: t.Optional(t.String()),
    parameters: t.Optional(t.Record(t.String(), t.Unknown())),
    strict: t.Optional(t.Union([t.Boolean(), t.Null()])),
  }),
});
export type ToolDefinition = Static<typeof ToolDefinition>;

export const ToolChoice = t.Union([
  t.Literal("none"),
  t.Literal("auto"),
  t.Literal("required"),
  OpenObject({
    type: t.Literal("function"),
    function: OpenObject({ name: t.String() }),
  }),
]);
export type ToolChoice = Static<typeof ToolChoice>;

export const ResponseFormat = OpenObject({
  type: t.Union([t.Literal("text"), t.Literal("json_object"), t.Literal("json_schema")]),
  json_schema: t.Optional(
    OpenObject({
      name: t.String(),
      description: t.Optional(t.String()),
      schema: t.Optional(t.Record(t.String(), t.Unknown())),
      strict: t.Optional(t.Union([t.Boolean(), t.Null()])),
    }),
  ),
});
export type ResponseFormat = Static<typeof ResponseFormat>;

export const ReasoningEffort = t.Union([
  t.Literal("none"),
  t.Literal("minimal"),
  t.Literal("low"),
  t.Literal("medium"),
  t.Literal("high"),
  t.Literal("xhigh"),
  t.Literal("max"),
]);
export type ReasoningEffort = Static<typeof ReasoningEffort>;

export const ChatCompletionRequest = OpenObject(
  {
    model: t.String({ minLength: 1, examples: ["google/gemini-3-flash"] }),
    messages: t.Array(ChatMessage, { minItems: 1 }),
    max_tokens: t.Optional(t.Union([t.Integer({ minimum: 1 }), t.Null()])),
    max_completion_tokens: t.Optional(t.Union([t.Integer({ minimum: 1 }), t.Null()])),
    temperature: t.Optional(t.Union([t.Number({ minimum: 0, maximum: 2 }), t.Null()])),
    top_p: t.Optional(t.Union([t.Number({ minimum: 0, maximum: 1 }), t.Null()])),
    stop: t.Optional(t.Union([t.String(), t.Array(t.String(), { maxItems: 4 }), t.Null()])),
    n: t.Optional(t.Union([t.Integer({ minimum: 1, maximum: 8 }), t.Null()])),
    seed: t.Optional(t.Union([t.Integer({ minimum: Number.MIN_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER }), t.Null()])),
    presence_penalty: t.Optional(t.Union([t.Number({ minimum: -2, maximum: 2 }), t.Null()])),
    frequency_penalty: t.Optional(t.Union([t.Number({ minimum: -2, maximum: 2 }), t.Null()])),
    user: t.Optional(t.String()),
    stream: t.Optional(t.Union([t.Boolean(), t.Null()])),
    stream_options: t.Optional(
      t.Union([OpenObject({ include_usage: t.Optional(t.Boolean()) }), t.Null()]),
    ),
    response_format: t.Optional(ResponseFormat),
    tools: t.Optional(t.Array(ToolDefinition)),
    tool_choice: t.Optional(ToolChoice),
    parallel_tool_calls: t.Optional(t.Boolean()),
    reasoning_effort: t.Optional(ReasoningEffort),
    reasoning: t.Optional(
      OpenObject({
        effort: t.Optional(ReasoningEffort),
        max_tokens: t.Optional(t.Integer({ minimum: 0 })),
        exclude: t.Optional(t.Boolean()),
        enabled: t.Optional(t.Boolean()),
      }),
    ),
    logprobs: t.Optional(t.Union([t.Boolean(), t.Null()])),
    top_logprobs: t.Optional(t.Union([t.Integer({ minimum: 0, maximum: 20 }), t.Null()])),
    logit_bias: t.Optional(t.Union([t.Record(t.String(), t.Number()), t.Null()])),
  },
  { title: "ChatCompletionRequest" },
);
export type ChatCompletionRequest = Static<typeof ChatCompletionRequest>;
