import type { ReasoningDetail } from "../../openai/chat-request.ts";
import type { AnthropicReasoningBlock } from "./anthropic-api-types.ts";

/** OpenRouter's format tag for Anthropic thinking blocks (reference B.2). */
const ANTHROPIC_REASONING_FORMAT = "anthropic-claude-v1";

/** A thinking block as a round-trippable reasoning_details entry. */
export const thinkingDetail = (text: string, signature: string, index: number): ReasoningDetail => ({
  type: "reasoning.text",
  text,
  signature,
  format: ANTHROPIC_REASONING_FORMAT,
  index,
});

/** A redacted_thinking block as a reasoning_details entry. */
export const redactedThinkingDetail = (data: string, index: number): ReasoningDetail => ({
  type: "reasoning.encrypted",
  data,
  format: ANTHROPIC_REASONING_FORMAT,
  index,
});

/**
 * The reverse direction (reference B.3): restores the thinking blocks of an
 * assistant turn, in their original order. Entries from other providers, and
 * text without a signature, cannot be verified by Anthropic and are skipped;
 * a missing format means the OpenRouter default, anthropic-claude-v1.
 */
export function reasoningDetailsToBlocks(details: ReasoningDetail[] | undefined): AnthropicReasoningBlock[] {
  const blocks: AnthropicReasoningBlock[] = [];
  for (const detail of details ?? []) {
    if ((detail.format ?? ANTHROPIC_REASONING_FORMAT) !== ANTHROPIC_REASONING_FORMAT) continue;
    if (detail.type === "reasoning.text" && detail.signature) {
      blocks.push({ type: "thinking", thinking: detail.text ?? "", signature: detail.signature });
    } else if (detail.type === "reasoning.encrypted" && detail.data) {
      blocks.push({ type: "redacted_thinking", data: detail.data });
    }
  }
  return blocks;
}
