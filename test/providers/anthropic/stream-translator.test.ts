import { describe, expect, test } from "bun:test";
import { ApiError, streamError } from "../../../src/errors.ts";
import type { StreamEvent } from "../../../src/providers/types.ts";
import { fixtureChunks } from "../../support/fixtures.ts";
import { reasoning, startUsageEvent, text, translateFixture, usageEvent } from "./helpers.ts";
import { createAnthropicStreamTranslator } from "../../../src/providers/anthropic/anthropic-stream-translator.ts";

const messageStart = (usage: Record<string, unknown>) =>
  JSON.stringify({
    type: "message_start",
    message: { id: "msg_1", type: "message", role: "assistant", content: [], usage },
  });
const event = (payload: Record<string, unknown>) => JSON.stringify(payload);

/** Feeds payloads with their type as the event name; returns the events, or the ApiError thrown. */
function run(payloads: string[], end = true): { events: StreamEvent[]; error?: ApiError } {
  const translator = createAnthropicStreamTranslator();
  const events: StreamEvent[] = [];
  try {
    for (const data of payloads) events.push(...translator.push(JSON.parse(data).type, data));
    if (end) events.push(...translator.end());
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return { events, error: error as ApiError };
  }
  return { events };
}

describe("event names", () => {
  test("without an event: line, the payload's type decides", () => {
    const translator = createAnthropicStreamTranslator();
    const events = fixtureChunks("anthropic", "anthropic-text.chunks.txt").flatMap((line) =>
      translator.push(undefined, line),
    );
    expect([...events, ...translator.end()]).toEqual(translateFixture("anthropic-text.chunks.txt"));
  });
});

describe("usage for billing", () => {
  test("after message_start alone the input is already known, and an early end is an error", () => {
    const translator = createAnthropicStreamTranslator();
    expect(
      translator.push(
        "message_start",
        messageStart({
          input_tokens: 2000,
          cache_read_input_tokens: 8000,
          cache_creation_input_tokens: 500,
          output_tokens: 1,
        }),
      ),
    ).toEqual([startUsageEvent(10500, 1, { cachedTokens: 8000, cacheWriteTokens: 500 })]);
    expect(
      translator.push(
        "content_block_start",
        event({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }),
      ),
    ).toEqual([]);
    expect(() => translator.end()).toThrow(
      streamError("upstream stream ended before completion"),
    );
  });

  test("message_delta null figures keep message_start's; non-null ones overwrite", () => {
    const { events } = run([
      messageStart({
        input_tokens: 30,
        cache_read_input_tokens: 100,
        cache_creation_input_tokens: 0,
        output_tokens: 1,
      }),
      event({
        type: "message_delta",
        delta: { stop_reason: "end_turn" },
        usage: {
          input_tokens: null,
          cache_read_input_tokens: null,
          output_tokens: 80,
          output_tokens_details: { thinking_tokens: 50 },
        },
      }),
      event({ type: "message_stop" }),
    ]);
    expect(events).toEqual([
      startUsageEvent(130, 1, { cachedTokens: 100 }),
      usageEvent(130, 80, { cachedTokens: 100, reasoningTokens: 50 }),
      { type: "finish", choice: 0, reason: "stop" },
    ]);
  });
});

describe("stream ends and errors", () => {
  test("a message_delta with a stop_reason is enough to end cleanly", () => {
    const { events, error } = run([
      messageStart({ input_tokens: 5, output_tokens: 1 }),
      event({ type: "message_delta", delta: { stop_reason: "pause_turn" }, usage: { output_tokens: 3 } }),
    ]);
    expect(error).toBeUndefined();
    expect(events.at(-1)).toEqual({ type: "finish", choice: 0, reason: "stop" });
  });

  test("message_stop without a stop_reason still finishes once", () => {
    const { events } = run([messageStart({ input_tokens: 5, output_tokens: 1 }), event({ type: "message_stop" })]);
    expect(events).toEqual([startUsageEvent(5, 1), { type: "finish", choice: 0, reason: "stop" }]);
  });

  test("event: error → the upstream's message and type as a stream error, after the usage already emitted", () => {
    const { events, error } = run(
      [
        messageStart({ input_tokens: 12, output_tokens: 1 }),
        event({ type: "error", error: { type: "overloaded_error", message: "Overloaded" } }),
      ],
      false,
    );
    expect(events).toEqual([startUsageEvent(12, 1)]);
    expect(error!.toEnvelope()).toEqual({
      error: { message: "Overloaded", type: "upstream_error", code: "overloaded_error" },
    });
    expect(error!.status).toBe(502);
  });

  test("an unparsable event is a stream error", () => {
    for (const data of ["{not json", "null", '"text"']) {
      const translator = createAnthropicStreamTranslator();
      expect(() => translator.push("content_block_delta", data)).toThrow(
        streamError("anthropic sent an unparsable stream event"),
      );
    }
  });

  test("unknown events and deltas are ignored", () => {
    const { events } = run([
      messageStart({ input_tokens: 1, output_tokens: 1 }),
      event({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }),
      event({ type: "content_block_delta", index: 0, delta: { type: "citations_delta", citation: {} } }),
      event({ type: "some_future_event" }),
      event({ type: "content_block_stop", index: 0 }),
      event({ type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: 2 } }),
      event({ type: "message_stop" }),
    ]);
    expect(events).toEqual([startUsageEvent(1, 1), usageEvent(1, 2), { type: "finish", choice: 0, reason: "stop" }]);
  });
});

describe("content blocks", () => {
  test("redacted thinking, thinking, text and two tool calls: details and calls numbered among themselves", () => {
    const { events } = run([
      messageStart({ input_tokens: 100, output_tokens: 1 }),
      event({ type: "content_block_start", index: 0, content_block: { type: "redacted_thinking", data: "opaque" } }),
      event({ type: "content_block_stop", index: 0 }),
      event({
        type: "content_block_start",
        index: 1,
        content_block: { type: "thinking", thinking: "", signature: "" },
      }),
      event({ type: "content_block_delta", index: 1, delta: { type: "thinking_delta", thinking: "Two cities." } }),
      event({ type: "content_block_delta", index: 1, delta: { type: "signature_delta", signature: "sig" } }),
      event({ type: "content_block_stop", index: 1 }),
      event({ type: "content_block_start", index: 2, content_block: { type: "text", text: "Checking." } }),
      event({ type: "content_block_stop", index: 2 }),
      event({
        type: "content_block_start",
        index: 3,
        content_block: { type: "tool_use", id: "toolu_A", name: "get_weather", input: {} },
      }),
      event({ type: "content_block_delta", index: 3, delta: { type: "input_json_delta", partial_json: "" } }),
      event({
        type: "content_block_delta",
        index: 3,
        delta: { type: "input_json_delta", partial_json: '{"city":"Paris"}' },
      }),
      event({
        type: "content_block_start",
        index: 4,
        content_block: { type: "tool_use", id: "toolu_B", name: "get_weather", input: {} },
      }),
      event({ type: "content_block_stop", index: 3 }),
      event({
        type: "content_block_delta",
        index: 4,
        delta: { type: "input_json_delta", partial_json: '{"city":"Rome"}' },
      }),
      event({ type: "content_block_stop", index: 4 }),
      event({ type: "message_delta", delta: { stop_reason: "tool_use" }, usage: { output_tokens: 60 } }),
      event({ type: "message_stop" }),
    ]);
    expect(events).toEqual([
      startUsageEvent(100, 1),
      {
        type: "reasoning_detail",
        choice: 0,
        detail: { type: "reasoning.encrypted", data: "opaque", format: "anthropic-claude-v1", index: 0 },
      },
      reasoning("Two cities."),
      {
        type: "reasoning_detail",
        choice: 0,
        detail: {
          type: "reasoning.text",
          text: "Two cities.",
          signature: "sig",
          format: "anthropic-claude-v1",
          index: 1,
        },
      },
      text("Checking."),
      { type: "tool_call_start", choice: 0, call: 0, id: "toolu_A", name: "get_weather" },
      { type: "tool_call_delta", choice: 0, call: 0, arguments: '{"city":"Paris"}' },
      { type: "tool_call_start", choice: 0, call: 1, id: "toolu_B", name: "get_weather" },
      { type: "tool_call_delta", choice: 0, call: 1, arguments: '{"city":"Rome"}' },
      usageEvent(100, 60),
      { type: "finish", choice: 0, reason: "tool_calls" },
    ]);
  });

  test("thinking with display omitted: no reasoning text, but a signed entry to send back", () => {
    const { events } = run([
      messageStart({ input_tokens: 10, output_tokens: 1 }),
      event({
        type: "content_block_start",
        index: 0,
        content_block: { type: "thinking", thinking: "", signature: "" },
      }),
      event({ type: "content_block_delta", index: 0, delta: { type: "signature_delta", signature: "sig-omitted" } }),
      event({ type: "content_block_stop", index: 0 }),
      event({ type: "content_block_start", index: 1, content_block: { type: "text", text: "" } }),
      event({ type: "content_block_delta", index: 1, delta: { type: "text_delta", text: "42" } }),
      event({ type: "content_block_stop", index: 1 }),
      event({ type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: 40 } }),
      event({ type: "message_stop" }),
    ]);
    expect(events).toEqual([
      startUsageEvent(10, 1),
      {
        type: "reasoning_detail",
        choice: 0,
        detail: { type: "reasoning.text", text: "", signature: "sig-omitted", format: "anthropic-claude-v1", index: 0 },
      },
      text("42"),
      usageEvent(10, 40),
      { type: "finish", choice: 0, reason: "stop" },
    ]);
  });
});
