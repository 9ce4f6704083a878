import { streamError } from "../../errors.ts";
import type { StreamTranslator } from "../adapter.ts";
import type { StreamEvent } from "../types.ts";
import type { AnthropicStreamPayload, AnthropicUsage } from "./anthropic-api-types.ts";
import { redactedThinkingDetail, thinkingDetail } from "./anthropic-reasoning-details.ts";
import { sanitizeUpstreamMessage } from "./map-anthropic-error.ts";
import { mapAnthropicStopReason } from "./map-anthropic-stop-reason.ts";
import { mergeAnthropicUsage, mapAnthropicUsage } from "./map-anthropic-usage.ts";
import { parseStreamEvent } from "../parse-stream-event.ts";

/** State of an open content block that later deltas need. */
type OpenBlock =
  { type: "thinking"; text: string; signature: string } | { type: "tool_use"; call: number; hasArguments: boolean };

/** Anthropic SSE events → StreamEvents (reference D.7); one instance per request. */
export function createAnthropicStreamTranslator(): StreamTranslator {
  const blocks = new Map<number, OpenBlock>();
  let usage: AnthropicUsage = {};
  let toolCalls = 0;
  let reasoningDetails = 0;
  /** A finish event went out: the turn is over and the stream may end. */
  let finished = false;

  // Emitted on every usage update, so an abandoned stream can still be billed for what is known.
  // Only message_delta counts the output streamed; message_start's output_tokens precede the content.
  const usageEvent = (update: AnthropicUsage | null | undefined, outputCounted: boolean): StreamEvent => {
    usage = mergeAnthropicUsage(usage, update);
    return { type: "usage", usage: mapAnthropicUsage(usage), outputCounted };
  };

  const finish = (reason: string | null | undefined): StreamEvent => {
    finished = true;
    return { type: "finish", choice: 0, reason: mapAnthropicStopReason(reason) };
  };

  const blockStart = (index: number, block: AnthropicStreamPayload["content_block"]): StreamEvent[] => {
    switch (block?.type) {
      case "text":
        return textEvent("text", block.text);
      case "thinking":
        blocks.set(index, { type: "thinking", text: block.thinking ?? "", signature: block.signature ?? "" });
        return textEvent("reasoning", block.thinking);
      case "redacted_thinking":
        // Arrives whole, with no deltas.
        return [
          { type: "reasoning_detail", choice: 0, detail: redactedThinkingDetail(block.data ?? "", reasoningDetails++) },
        ];
      case "tool_use": {
        // OpenAI numbers tool calls among themselves, not among all content blocks.
        const call = toolCalls++;
        blocks.set(index, { type: "tool_use", call, hasArguments: false });
        return [{ type: "tool_call_start", choice: 0, call, id: block.id ?? "", name: block.name ?? "" }];
      }
      default:
        return [];
    }
  };

  const blockDelta = (index: number, delta: AnthropicStreamPayload["delta"]): StreamEvent[] => {
    const block = blocks.get(index);
    switch (delta?.type) {
      case "text_delta":
        return textEvent("text", delta.text);
      case "thinking_delta":
        if (block?.type === "thinking") block.text += delta.thinking ?? "";
        return textEvent("reasoning", delta.thinking);
      case "signature_delta":
        // Sent just before the block ends: the entry carries the whole block so clients can send it back.
        if (block?.type !== "thinking") return [];
        block.signature += delta.signature ?? "";
        return [
          {
            type: "reasoning_detail",
            choice: 0,
            detail: thinkingDetail(block.text, block.signature, reasoningDetails++),
          },
        ];
      case "input_json_delta":
        if (block?.type !== "tool_use" || !delta.partial_json) return [];
        block.hasArguments = true;
        return [{ type: "tool_call_delta", choice: 0, call: block.call, arguments: delta.partial_json }];
      default:
        // citations_delta and future kinds have no OpenAI counterpart.
        return [];
    }
  };

  // A call without arguments streams no JSON at all; OpenAI clients expect "{}" (as the non-streaming reply has).
  const blockStop = (index: number): StreamEvent[] => {
    const block = blocks.get(index);
    blocks.delete(index);
    if (block?.type !== "tool_use" || block.hasArguments) return [];
    return [{ type: "tool_call_delta", choice: 0, call: block.call, arguments: "{}" }];
  };

  return {
    push(event, data) {
      const payload = parsePayload(data);
      const index = payload.index ?? -1;
      switch (event || payload.type) {
        case "message_start":
          return [usageEvent(payload.message?.usage, false)];
        case "content_block_start":
          return blockStart(index, payload.content_block);
        case "content_block_delta":
          return blockDelta(index, payload.delta);
        case "content_block_stop":
          return blockStop(index);
        case "message_delta": {
          const events = [usageEvent(payload.usage, true)];
          if (payload.delta?.stop_reason && !finished) events.push(finish(payload.delta.stop_reason));
          return events;
        }
        case "message_stop":
          // A finish chunk is owed even if no message_delta said why the turn ended.
          return finished ? [] : [finish(null)];
        case "error":
          throw streamError(
            sanitizeUpstreamMessage(payload.error?.message ?? "anthropic stream failed"),
            payload.error?.type ?? "stream_error",
          );
        default:
          // ping and future event kinds.
          return [];
      }
    },
    end() {
      if (!finished) throw streamError("upstream stream ended before completion");
      return [];
    },
  };
}

function textEvent(type: "text" | "reasoning", text: string | undefined): StreamEvent[] {
  return text ? [{ type, choice: 0, text }] : [];
}

const parsePayload = (data: string) => parseStreamEvent<AnthropicStreamPayload>("anthropic", data);
