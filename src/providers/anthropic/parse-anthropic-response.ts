import { malformedReply } from "../../errors.ts";
import type { ReasoningDetail } from "../../openai/chat-request.ts";
import type { ChatResult, ResultToolCall } from "../types.ts";
import type { AnthropicMessageResponse, AnthropicResponseBlock } from "./anthropic-api-types.ts";
import { redactedThinkingDetail, thinkingDetail } from "./anthropic-reasoning-details.ts";
import { mapAnthropicStopReason } from "./map-anthropic-stop-reason.ts";
import { mapAnthropicUsage } from "./map-anthropic-usage.ts";

/** A whole Messages response → one choice (reference D.6). */
export function parseAnthropicResponse(body: unknown): ChatResult {
  if (!isMessage(body)) throw malformedReply("anthropic returned a malformed response");

  const text: string[] = [];
  let reasoning = "";
  const reasoningDetails: ReasoningDetail[] = [];
  const toolCalls: ResultToolCall[] = [];
  for (const block of body.content) {
    if (isBlock(block, "text")) text.push(block.text);
    else if (isBlock(block, "thinking")) {
      reasoning += block.thinking;
      reasoningDetails.push(thinkingDetail(block.thinking, block.signature, reasoningDetails.length));
    } else if (isBlock(block, "redacted_thinking")) {
      reasoningDetails.push(redactedThinkingDetail(block.data, reasoningDetails.length));
    } else if (isBlock(block, "tool_use")) {
      toolCalls.push({ id: block.id, name: block.name, arguments: JSON.stringify(block.input ?? {}) });
    }
    // Server-tool blocks and future kinds have no OpenAI counterpart.
  }

  return {
    choices: [
      {
        index: 0,
        content: text.length > 0 ? text.join("") : null,
        // With display "omitted" (reasoning.exclude) the blocks carry signatures but no text.
        ...(reasoning !== "" && { reasoning }),
        ...(reasoningDetails.length > 0 && { reasoningDetails }),
        ...(toolCalls.length > 0 && { toolCalls }),
        finishReason: mapAnthropicStopReason(body.stop_reason),
      },
    ],
    usage: mapAnthropicUsage(body.usage),
  };
}

function isMessage(body: unknown): body is AnthropicMessageResponse {
  return typeof body === "object" && body !== null && Array.isArray((body as { content?: unknown }).content);
}

function isBlock<T extends AnthropicResponseBlock["type"]>(
  block: AnthropicResponseBlock,
  type: T,
): block is Extract<AnthropicResponseBlock, { type: T }> {
  return block?.type === type;
}
