// Plain TypeBox: Elysia's `t` variants coerce numeric strings, which the OpenAI wire format does not allow.
import { Type as t, type Static } from "@sinclair/typebox";
import { ReasoningDetail } from "./chat-request.ts";

export const FinishReason = t.Union([
  t.Literal("stop"),
  t.Literal("length"),
  t.Literal("tool_calls"),
  t.Literal("content_filter"),
]);
export type FinishReason = Static<typeof FinishReason>;

/** OpenAI usage semantics: prompt includes cached tokens, completion includes reasoning. */
export const CompletionUsage = t.Object({
  prompt_tokens: t.Integer(),
  completion_tokens: t.Integer(),
  total_tokens: t.Integer(),
  prompt_tokens_details: t.Optional(
    t.Object({ cached_tokens: t.Integer(), cache_write_tokens: t.Integer() }),
  ),
  completion_tokens_details: t.Optional(t.Object({ reasoning_tokens: t.Integer() })),
  cost: t.Optional(t.Number({ description: "Cost of the request in USD" })),
});
export type CompletionUsage = Static<typeof CompletionUsage>;

const ResponseToolCall = t.Object({
  id: t.String(),
  type: t.Literal("function"),
  function: t.Object({ name: t.String(), arguments: t.String() }),
});

export const ChatCompletion = t.Object(
  {
    id: t.String({ examples: ["chatcmpl-..."] }),
    object: t.Literal("chat.completion"),
    created: t.Integer(),
    model: t.String(),
    choices: t.Array(
      t.Object({
        index: t.Integer(),
        message: t.Object({
          role: t.Literal("assistant"),
          content: t.Union([t.String(), t.Null()]),
          refusal: t.Optional(t.Union([t.String(), t.Null()])),
          tool_calls: t.Optional(t.Array(ResponseToolCall)),
          reasoning: t.Optional(t.Union([t.String(), t.Null()])),
          reasoning_details: t.Optional(t.Array(ReasoningDetail)),
        }),
        logprobs: t.Null(),
        finish_reason: FinishReason,
      }),
    ),
    usage: CompletionUsage,
  },
  { title: "ChatCompletion" },
);
export type ChatCompletion = Static<typeof ChatCompletion>;

export const ChatCompletionChunk = t.Object(
  {
    id: t.String(),
    object: t.Literal("chat.completion.chunk"),
    created: t.Integer(),
    model: t.String(),
    choices: t.Array(
      t.Object({
        index: t.Integer(),
        delta: t.Object({
          role: t.Optional(t.Literal("assistant")),
          content: t.Optional(t.Union([t.String(), t.Null()])),
          reasoning: t.Optional(t.String()),
          reasoning_details: t.Optional(t.Array(ReasoningDetail)),
          tool_calls: t.Optional(
            t.Array(
              t.Object({
                index: t.Integer(),
                id: t.Optional(t.String()),
                type: t.Optional(t.Literal("function")),
                function: t.Object({
                  name: t.Optional(t.String()),
                  arguments: t.String(),
                }),
              }),
            ),
          ),
        }),
        logprobs: t.Optional(t.Null()),
        finish_reason: t.Union([FinishReason, t.Null()]),
      }),
    ),
    usage: t.Optional(t.Union([CompletionUsage, t.Null()])),
  },
  {
    title: "ChatCompletionChunk",
    description:
      "One Server-Sent Event `data:` payload when `stream` is true. The stream ends with `data: [DONE]`; a mid-stream failure arrives as one `data:` frame holding an ErrorEnvelope, then `data: [DONE]`.",
  },
);
export type ChatCompletionChunk = Static<typeof ChatCompletionChunk>;
