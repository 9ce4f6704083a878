import type { CallMessage, ImagePart, TextPart, ToolCallPart } from "../../calls/call-options.ts";
import type {
  AnthropicContentBlock,
  AnthropicImageBlock,
  AnthropicMessage,
  AnthropicTextBlock,
  AnthropicToolResultBlock,
  AnthropicToolUseBlock,
} from "./anthropic-api-types.ts";
import { reasoningDetailsToBlocks } from "./anthropic-reasoning-details.ts";

export interface AnthropicPrompt {
  system: AnthropicTextBlock[];
  messages: AnthropicMessage[];
}

/**
 * Stands in for a missing opening user turn: Bedrock and older API paths
 * reject a conversation that starts with the assistant (or is empty once the
 * system messages are lifted out), and Anthropic rejects empty text.
 */
const OPENING_USER_PLACEHOLDER = ".";

/**
 * Call messages → Anthropic `system` + `messages` (reference E.2). System
 * messages become top-level system blocks; tool results become user turns;
 * consecutive same-role turns are merged; content that Anthropic would
 * reject as empty is dropped.
 */
export function convertToAnthropicMessages(messages: readonly CallMessage[]): AnthropicPrompt {
  const system: AnthropicTextBlock[] = [];
  const turns: AnthropicMessage[] = [];

  const append = (role: AnthropicMessage["role"], blocks: AnthropicContentBlock[]) => {
    if (blocks.length === 0) return;
    const last = turns.at(-1);
    if (last?.role === role) last.content.push(...blocks);
    else turns.push({ role, content: blocks });
  };

  for (const message of messages) {
    switch (message.role) {
      case "system":
        system.push(...contentBlocks(message.content).filter((block) => block.type === "text"));
        break;
      case "user":
        append("user", contentBlocks(message.content));
        break;
      case "assistant":
        append("assistant", [
          ...reasoningDetailsToBlocks(message.reasoning),
          ...contentBlocks(message.content),
          ...message.toolCalls.map(toolUseBlock),
        ]);
        break;
      case "tool":
        append("user", [toolResultBlock(message)]);
        break;
    }
  }

  if (turns[0]?.role !== "user") {
    turns.unshift({ role: "user", content: [{ type: "text", text: OPENING_USER_PLACEHOLDER }] });
  }
  trimAssistantPrefill(turns);
  return { system, messages: turns };
}

/** Text and image parts as blocks; blank text is dropped (Anthropic rejects text blocks without non-whitespace). */
function contentBlocks(content: readonly (TextPart | ImagePart)[]): Array<AnthropicTextBlock | AnthropicImageBlock> {
  const blocks: Array<AnthropicTextBlock | AnthropicImageBlock> = [];
  for (const part of content) {
    if (part.type === "text" && part.text.trim() === "") continue;
    const block: AnthropicTextBlock | AnthropicImageBlock =
      part.type === "text" ? { type: "text", text: part.text } : { type: "image", source: imageSource(part) };
    // A copy, so trimming breakpoints later never touches the caller's request.
    if (part.cacheControl) block.cache_control = { ...part.cacheControl };
    blocks.push(block);
  }
  return blocks;
}

function imageSource({ source }: ImagePart): AnthropicImageBlock["source"] {
  return source.kind === "data"
    ? { type: "base64", media_type: source.mimeType, data: source.data }
    : { type: "url", url: source.url };
}

function toolUseBlock(call: ToolCallPart): AnthropicToolUseBlock {
  return { type: "tool_use", id: anthropicToolId(call.id), name: call.name, input: call.arguments };
}

function toolResultBlock(message: Extract<CallMessage, { role: "tool" }>): AnthropicToolResultBlock {
  const block: AnthropicToolResultBlock = { type: "tool_result", tool_use_id: anthropicToolId(message.toolCallId) };
  // A lone text part (a plain string result) goes as a string, as clients send it.
  const [only, ...rest] = message.content;
  if (only?.type === "text" && rest.length === 0 && !only.cacheControl) {
    if (only.text !== "") block.content = only.text;
    return block;
  }
  const blocks = contentBlocks(message.content);
  if (blocks.length > 0) block.content = blocks;
  return block;
}

/**
 * Anthropic requires tool ids matching ^[a-zA-Z0-9_-]+$; ids minted by other
 * providers (e.g. carrying a Gemini signature) may not. Applied to both the
 * call and its result, so the pair still matches.
 */
const anthropicToolId = (id: string) => id.replace(/[^a-zA-Z0-9_-]/g, "_");

/** A final assistant turn is a prefill, and Anthropic rejects one ending in whitespace. */
function trimAssistantPrefill(turns: AnthropicMessage[]) {
  const last = turns.at(-1);
  if (last?.role !== "assistant") return;
  const block = last.content.at(-1);
  if (block?.type === "text") block.text = block.text.trimEnd();
}
