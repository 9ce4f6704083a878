// Plain TypeBox: Elysia's `t` variants coerce numeric strings, which the OpenAI wire format does not allow.
import { type Static, type TSchema, Type as t } from "@sinclair/typebox";
import { ReasoningEffort } from "./chat-request.ts";
import { OpenObject } from "./open-object.ts";

/**
 * `POST /v1/responses` (OpenAI's Responses API). As for chat, objects stay
 * open and item and part shapes loose: the types are plain strings, so an
 * item the gateway cannot serve reaches calls/from-responses-request.ts,
 * which refuses it by name, instead of failing a union as "Expected union
 * value". Fields the gateway cannot honour are listed so that they are
 * refused, never ignored.
 */

const Nullable = <T extends TSchema>(schema: T) => t.Union([schema, t.Null()]);

/** A part of a message or of a function_call_output: input_text, input_image; output_text and refusal in assistant messages. */
export const ResponseContentPart = OpenObject({
  type: t.String({ examples: ["input_text", "input_image", "output_text"] }),
  text: t.Optional(t.String()),
  image_url: t.Optional(Nullable(t.String())),
  file_id: t.Optional(Nullable(t.String())),
  detail: t.Optional(t.String()),
  refusal: t.Optional(t.String()),
});
export type ResponseContentPart = Static<typeof ResponseContentPart>;

const Content = t.Union([t.String(), t.Array(ResponseContentPart)]);

/**
 * One input item: a message (`type` may be left out when `role` is given),
 * function_call, function_call_output, reasoning (with the gateway's
 * encrypted content) or item_reference (an item of a stored response).
 */
export const ResponseInputItem = OpenObject({
  type: t.Optional(t.String({ examples: ["message", "function_call", "function_call_output", "reasoning", "item_reference"] })),
  id: t.Optional(Nullable(t.String())),
  role: t.Optional(t.Union([t.Literal("user"), t.Literal("system"), t.Literal("developer"), t.Literal("assistant")])),
  content: t.Optional(Content),
  call_id: t.Optional(t.String()),
  name: t.Optional(t.String()),
  arguments: t.Optional(t.String()),
  // Other item kinds (refused by type) carry other shapes here: checked where a function_call_output is read.
  output: t.Optional(t.Unknown()),
  summary: t.Optional(t.Array(OpenObject({ type: t.String(), text: t.String() }))),
  encrypted_content: t.Optional(Nullable(t.String())),
});
export type ResponseInputItem = Static<typeof ResponseInputItem>;

/** Function tools; any other type reaches the translator and is refused by name. */
export const ResponseTool = OpenObject({
  type: t.String({ examples: ["function"] }),
  name: t.Optional(t.String({ minLength: 1, maxLength: 128 })),
  description: t.Optional(Nullable(t.String())),
  parameters: t.Optional(Nullable(t.Record(t.String(), t.Unknown()))),
  strict: t.Optional(Nullable(t.Boolean())),
});
export type ResponseTool = Static<typeof ResponseTool>;

export const ResponseToolChoice = t.Union([
  t.String({ examples: ["auto", "none", "required"] }),
  OpenObject({ type: t.String({ examples: ["function"] }), name: t.Optional(t.String()) }),
]);
export type ResponseToolChoice = Static<typeof ResponseToolChoice>;

export const ResponseTextFormat = OpenObject({
  type: t.String({ examples: ["text", "json_object", "json_schema"] }),
  name: t.Optional(t.String()),
  description: t.Optional(t.String()),
  schema: t.Optional(t.Record(t.String(), t.Unknown())),
  strict: t.Optional(Nullable(t.Boolean())),
});
export type ResponseTextFormat = Static<typeof ResponseTextFormat>;

const ReasoningSummary = t.Union([t.Literal("auto"), t.Literal("concise"), t.Literal("detailed")]);

export const ResponseCreateRequest = OpenObject(
  {
    model: t.String({ minLength: 1, examples: ["google/gemini-3-flash"] }),
    input: t.Optional(t.Union([t.String(), t.Array(ResponseInputItem)])),
    instructions: t.Optional(Nullable(t.String())),
    tools: t.Optional(Nullable(t.Array(ResponseTool))),
    tool_choice: t.Optional(Nullable(ResponseToolChoice)),
    parallel_tool_calls: t.Optional(Nullable(t.Boolean())),
    max_output_tokens: t.Optional(Nullable(t.Integer({ minimum: 1 }))),
    temperature: t.Optional(Nullable(t.Number({ minimum: 0, maximum: 2 }))),
    top_p: t.Optional(Nullable(t.Number({ minimum: 0, maximum: 1 }))),
    reasoning: t.Optional(
      Nullable(
        OpenObject({
          effort: t.Optional(Nullable(ReasoningEffort)),
          summary: t.Optional(Nullable(ReasoningSummary)),
          generate_summary: t.Optional(Nullable(ReasoningSummary)),
        }),
      ),
    ),
    text: t.Optional(
      Nullable(OpenObject({ format: t.Optional(Nullable(ResponseTextFormat)), verbosity: t.Optional(Nullable(t.String())) })),
    ),
    include: t.Optional(Nullable(t.Array(t.String({ examples: ["reasoning.encrypted_content"] })))),
    metadata: t.Optional(Nullable(t.Record(t.String(), t.String()))),
    store: t.Optional(Nullable(t.Boolean())),
    previous_response_id: t.Optional(Nullable(t.String({ minLength: 1 }))),
    stream: t.Optional(Nullable(t.Boolean())),
    stream_options: t.Optional(Nullable(OpenObject({ include_obfuscation: t.Optional(Nullable(t.Boolean())) }))),
    user: t.Optional(Nullable(t.String())),
    safety_identifier: t.Optional(Nullable(t.String())),
    top_logprobs: t.Optional(Nullable(t.Integer({ minimum: 0, maximum: 20 }))),
    // Listed to be refused when set (calls/from-responses-request.ts).
    background: t.Optional(Nullable(t.Boolean())),
    conversation: t.Optional(t.Unknown()),
    prompt: t.Optional(t.Unknown()),
    truncation: t.Optional(Nullable(t.String())),
    max_tool_calls: t.Optional(Nullable(t.Integer())),
    service_tier: t.Optional(Nullable(t.String())),
    prompt_cache_key: t.Optional(Nullable(t.String())),
    prompt_cache_retention: t.Optional(Nullable(t.String())),
    prompt_cache_options: t.Optional(t.Unknown()),
    context_management: t.Optional(t.Unknown()),
  },
  { title: "ResponseCreateRequest" },
);
export type ResponseCreateRequest = Static<typeof ResponseCreateRequest>;

/** `encrypted_content` asked for in `include`: the only value served. */
export const INCLUDE_ENCRYPTED_REASONING = "reasoning.encrypted_content";
