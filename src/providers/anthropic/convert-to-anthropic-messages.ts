import { invalidRequest } from "../../errors.ts";
import type { ChatMessage, ContentPart, ToolCall } from "../../openai/chat-request.ts";
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

type Role = ChatMessage["role"];

/**
 * OpenAI messages → Anthropic `system` + `messages` (reference E.2).
 * System and developer messages become top-level system blocks; tool results
 * become user turns; consecutive same-role turns are merged; content that
 * Anthropic would reject as empty is dropped.
 */
export function convertToAnthropicMessages(messages: ChatMessage[]): AnthropicPrompt {
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
      case "developer":
        // partBlocks only yields images for user and tool content.
        system.push(...(contentBlocks(message.content, message.role) as AnthropicTextBlock[]));
        break;
      case "user":
        append("user", contentBlocks(message.content, "user"));
        break;
      case "assistant":
        append("assistant", [
          ...reasoningDetailsToBlocks(message.reasoning_details),
          ...contentBlocks(message.content, "assistant"),
          ...(message.tool_calls ?? []).map(toolUseBlock),
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

/** Text parts everywhere, images only where Anthropic accepts them (user turns and tool results). */
function contentBlocks(content: ChatMessage["content"], role: Role): Array<AnthropicTextBlock | AnthropicImageBlock> {
  if (content == null) return [];
  if (typeof content === "string") return isBlank(content) ? [] : [{ type: "text", text: content }];
  return content.flatMap((part) => partBlocks(part, role));
}

function partBlocks(part: ContentPart, role: Role): Array<AnthropicTextBlock | AnthropicImageBlock> {
  switch (part.type) {
    case "text":
      return isBlank(part.text) ? [] : [withCacheControl({ type: "text", text: part.text! }, part)];
    case "refusal": {
      // What the assistant said when it refused; history keeps it as text.
      const refusal = (part as { refusal?: unknown }).refusal;
      if (role === "assistant")
        return typeof refusal === "string" && !isBlank(refusal) ? [{ type: "text", text: refusal }] : [];
      break;
    }
    case "image_url":
      if ((role === "user" || role === "tool") && part.image_url)
        return [withCacheControl(imageBlock(part.image_url.url), part)];
      break;
  }
  throw invalidRequest(`content part type "${part.type}" is not supported in ${role} messages for anthropic models`, "messages");
}

/** Anthropic rejects text blocks without non-whitespace text. */
const isBlank = (text: string | undefined) => !text?.trim();

function withCacheControl<T extends AnthropicTextBlock | AnthropicImageBlock>(block: T, part: ContentPart): T {
  // A copy, so trimming breakpoints later never touches the caller's request.
  if (part.cache_control) block.cache_control = { ...part.cache_control };
  return block;
}

const DATA_URI = /^data:([^;,]+);base64,(.+)$/s;

function imageBlock(url: string): AnthropicImageBlock {
  const dataUri = DATA_URI.exec(url);
  if (dataUri) return { type: "image", source: { type: "base64", media_type: dataUri[1], data: dataUri[2] } };
  if (/^https?:\/\//i.test(url)) return { type: "image", source: { type: "url", url } };
  throw invalidRequest("image_url.url must be an http(s) URL or a base64 data URI", "messages");
}

function toolUseBlock(call: ToolCall): AnthropicToolUseBlock {
  return { type: "tool_use", id: anthropicToolId(call.id), name: call.function.name, input: toolInput(call) };
}

function toolInput(call: ToolCall): Record<string, unknown> {
  // Some clients send "" for a call without arguments.
  if (call.function.arguments.trim() === "") return {};
  let input: unknown;
  try {
    input = JSON.parse(call.function.arguments);
  } catch {
    throw invalidRequest(`tool call "${call.id}" has arguments that are not valid JSON`, "messages");
  }
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw invalidRequest(`tool call "${call.id}" arguments must be a JSON object`, "messages");
  }
  return input as Record<string, unknown>;
}

function toolResultBlock(message: ChatMessage): AnthropicToolResultBlock {
  if (!message.tool_call_id) throw invalidRequest("tool messages require tool_call_id", "messages");
  const block: AnthropicToolResultBlock = { type: "tool_result", tool_use_id: anthropicToolId(message.tool_call_id) };
  if (typeof message.content === "string") {
    if (message.content !== "") block.content = message.content;
  } else {
    const blocks = contentBlocks(message.content, "tool");
    if (blocks.length > 0) block.content = blocks;
  }
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
