import { expect, test } from "bun:test";
import { malformedReply } from "../../../src/errors.ts";
import { usage } from "./helpers.ts";
import { parseAnthropicResponse } from "../../../src/providers/anthropic/parse-anthropic-response.ts";

const parse = parseAnthropicResponse;

test("text blocks concatenate; redacted thinking becomes an encrypted entry; server-tool blocks are ignored", () => {
  expect(
    parse({
      id: "msg_1",
      type: "message",
      role: "assistant",
      content: [
        { type: "redacted_thinking", data: "opaque-1" },
        { type: "thinking", thinking: "Plan. ", signature: "sig-2" },
        { type: "thinking", thinking: "Search.", signature: "sig-3" },
        { type: "server_tool_use", id: "srvtoolu_1", name: "web_search", input: { query: "x" } },
        { type: "web_search_tool_result", tool_use_id: "srvtoolu_1", content: [] },
        { type: "text", text: "Found ", citations: null },
        { type: "text", text: "it." },
      ],
      stop_reason: "end_turn",
      usage: {
        input_tokens: 10,
        cache_read_input_tokens: null,
        cache_creation_input_tokens: 4,
        output_tokens: 90,
        output_tokens_details: null,
      },
    }),
  ).toEqual({
    choices: [
      {
        index: 0,
        content: "Found it.",
        reasoning: "Plan. Search.",
        reasoningDetails: [
          { type: "reasoning.encrypted", data: "opaque-1", format: "anthropic-claude-v1", index: 0 },
          { type: "reasoning.text", text: "Plan. ", signature: "sig-2", format: "anthropic-claude-v1", index: 1 },
          { type: "reasoning.text", text: "Search.", signature: "sig-3", format: "anthropic-claude-v1", index: 2 },
        ],
        finishReason: "stop",
      },
    ],
    usage: usage(14, 90, { cacheWriteTokens: 4 }),
  });
});

test.each([
  ["end_turn", "stop"],
  ["stop_sequence", "stop"],
  ["pause_turn", "stop"],
  ["max_tokens", "length"],
  ["model_context_window_exceeded", "length"],
  ["tool_use", "tool_calls"],
  ["refusal", "content_filter"],
  ["something_new", "stop"],
])("stop_reason %s → finish_reason %s", (stopReason, finishReason) => {
  expect(parse({ content: [{ type: "text", text: "x" }], stop_reason: stopReason }).choices[0].finishReason).toBe(
    finishReason as never,
  );
});

test("missing usage counts as zero", () => {
  expect(parse({ content: [], stop_reason: "end_turn" }).usage).toEqual(usage(0, 0));
});

test("a body that is not a message is a 503 no_supplier", () => {
  for (const body of [null, "text", { type: "message" }, { content: "x" }]) {
    expect(() => parse(body)).toThrow(
      malformedReply("anthropic returned a malformed response"),
    );
  }
});
