// Plain TypeBox: Elysia's `t` variants coerce numeric strings, which the OpenAI wire format does not allow.
import { type Static, type TSchema, Type as t } from "@sinclair/typebox";

/** What the gateway returns for the Responses API: the response object, its output items and its stream events. */

const Nullable = <T extends TSchema>(schema: T) => t.Union([schema, t.Null()]);
const ItemStatus = t.Union([t.Literal("in_progress"), t.Literal("completed"), t.Literal("incomplete")]);

export const OutputText = t.Object({
  type: t.Literal("output_text"),
  text: t.String(),
  annotations: t.Array(t.Unknown()),
  logprobs: t.Array(t.Unknown()),
});
export type OutputText = Static<typeof OutputText>;

export const OutputMessage = t.Object({
  id: t.String({ examples: ["msg_..."] }),
  type: t.Literal("message"),
  status: ItemStatus,
  role: t.Literal("assistant"),
  content: t.Array(OutputText),
});
export type OutputMessage = Static<typeof OutputMessage>;

export const FunctionCallItem = t.Object({
  id: t.String({ examples: ["fc_..."] }),
  type: t.Literal("function_call"),
  status: ItemStatus,
  call_id: t.String({ examples: ["call_..."] }),
  name: t.String(),
  arguments: t.String({ description: "JSON text" }),
});
export type FunctionCallItem = Static<typeof FunctionCallItem>;

const SummaryText = t.Object({ type: t.Literal("summary_text"), text: t.String() });

export const ReasoningItem = t.Object({
  id: t.String({ examples: ["rs_..."] }),
  type: t.Literal("reasoning"),
  summary: t.Array(SummaryText, { description: "The model's reasoning text, when `reasoning.summary` asked for it" }),
  encrypted_content: t.Optional(
    t.String({
      description:
        "With `include: [\"reasoning.encrypted_content\"]`: the provider's signed reasoning (Gemini thought signatures, Claude thinking blocks) in the gateway's format, base64url of JSON. Send the item back unchanged to continue.",
    }),
  ),
});
export type ReasoningItem = Static<typeof ReasoningItem>;

export const OutputItem = t.Union([OutputMessage, FunctionCallItem, ReasoningItem]);
export type OutputItem = Static<typeof OutputItem>;

/** OpenAI's usage semantics: input includes cached tokens, output includes reasoning. */
export const ResponseUsage = t.Object({
  input_tokens: t.Integer(),
  input_tokens_details: t.Object({ cached_tokens: t.Integer(), cache_write_tokens: t.Integer() }),
  output_tokens: t.Integer(),
  output_tokens_details: t.Object({ reasoning_tokens: t.Integer() }),
  total_tokens: t.Integer(),
  cost: t.Optional(t.Number({ description: "Cost of the request in USD" })),
});
export type ResponseUsage = Static<typeof ResponseUsage>;

export const ResponseStatus = t.Union([
  t.Literal("in_progress"),
  t.Literal("completed"),
  t.Literal("incomplete"),
  t.Literal("failed"),
]);
export type ResponseStatus = Static<typeof ResponseStatus>;

export const ResponseObject = t.Object(
  {
    id: t.String({ examples: ["resp_..."] }),
    object: t.Literal("response"),
    created_at: t.Integer(),
    status: ResponseStatus,
    error: Nullable(t.Object({ code: Nullable(t.String()), message: t.String() })),
    incomplete_details: Nullable(t.Object({ reason: t.String({ examples: ["max_output_tokens", "content_filter"] }) })),
    instructions: Nullable(t.String()),
    max_output_tokens: Nullable(t.Integer()),
    model: t.String(),
    output: t.Array(OutputItem),
    output_text: t.Optional(t.String({ description: "The text of the output messages, joined (non-streaming replies and GET)" })),
    parallel_tool_calls: t.Boolean(),
    previous_response_id: Nullable(t.String()),
    reasoning: t.Object({ effort: Nullable(t.String()), summary: Nullable(t.String()) }),
    store: t.Boolean(),
    temperature: Nullable(t.Number()),
    text: t.Object({ format: t.Record(t.String(), t.Unknown()) }),
    tool_choice: t.Unknown(),
    tools: t.Array(t.Unknown()),
    top_p: Nullable(t.Number()),
    truncation: t.Literal("disabled"),
    background: t.Literal(false),
    metadata: t.Record(t.String(), t.String()),
    user: Nullable(t.String()),
    usage: Nullable(ResponseUsage),
  },
  { title: "Response" },
);
export type ResponseObject = Static<typeof ResponseObject>;

/** GET /v1/responses/{id}/input_items: a page of the items a response was generated from. */
export const ResponseItemList = t.Object(
  {
    object: t.Literal("list"),
    data: t.Array(
      t.Object(
        { id: t.String(), type: t.String({ examples: ["message", "function_call", "function_call_output", "reasoning"] }) },
        { additionalProperties: true, description: "An input item as sent (message content as parts), or an earlier response's output item" },
      ),
    ),
    first_id: Nullable(t.String()),
    last_id: Nullable(t.String()),
    has_more: t.Boolean(),
  },
  { title: "ResponseItemList" },
);
export type ResponseItemList = Omit<Static<typeof ResponseItemList>, "data"> & { data: ({ id: string } & object)[] };

export const ResponseDeleted = t.Object(
  { id: t.String(), object: t.Literal("response"), deleted: t.Literal(true) },
  { title: "ResponseDeleted" },
);

export const ResponseStreamEvent = t.Object(
  {
    type: t.String({
      examples: ["response.created", "response.output_text.delta", "response.completed"],
    }),
    sequence_number: t.Integer(),
  },
  {
    title: "ResponseStreamEvent",
    additionalProperties: true,
    description:
      "One Server-Sent Event (`event:` is its type): response.created, response.in_progress, then per output item response.output_item.added, its content or summary part, deltas and done events, response.output_item.done; finally one of response.completed, response.incomplete or response.failed (after an `error` event). Sequence numbers increase from 0.",
  },
);
