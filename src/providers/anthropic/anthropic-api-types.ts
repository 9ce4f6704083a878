/** The subset of the Anthropic Messages wire format (reference D) this adapter speaks. */

export interface AnthropicCacheControl {
  type: "ephemeral";
  ttl?: string;
}

export interface AnthropicTextBlock {
  type: "text";
  text: string;
  cache_control?: AnthropicCacheControl;
}

export interface AnthropicImageBlock {
  type: "image";
  source: { type: "base64"; media_type: string; data: string } | { type: "url"; url: string };
  cache_control?: AnthropicCacheControl;
}

export interface AnthropicToolUseBlock {
  type: "tool_use";
  id: string;
  name: string;
  input: Record<string, unknown>;
}

export interface AnthropicToolResultBlock {
  type: "tool_result";
  tool_use_id: string;
  content?: string | Array<AnthropicTextBlock | AnthropicImageBlock>;
}

export interface AnthropicThinkingBlock {
  type: "thinking";
  thinking: string;
  signature: string;
}

export interface AnthropicRedactedThinkingBlock {
  type: "redacted_thinking";
  data: string;
}

export type AnthropicReasoningBlock = AnthropicThinkingBlock | AnthropicRedactedThinkingBlock;

export type AnthropicContentBlock =
  AnthropicTextBlock | AnthropicImageBlock | AnthropicToolUseBlock | AnthropicToolResultBlock | AnthropicReasoningBlock;

export interface AnthropicMessage {
  role: "user" | "assistant";
  content: AnthropicContentBlock[];
}

export interface AnthropicTool {
  name: string;
  description?: string;
  input_schema: Record<string, unknown>;
}

export type AnthropicToolChoice = ({ type: "auto" | "any" | "none" } | { type: "tool"; name: string }) & {
  disable_parallel_tool_use?: boolean;
};

export type AnthropicThinkingDisplay = "summarized" | "omitted";

export type AnthropicThinking =
  | { type: "enabled"; budget_tokens: number; display: AnthropicThinkingDisplay }
  | { type: "adaptive"; display: AnthropicThinkingDisplay };

export type AnthropicEffort = "low" | "medium" | "high" | "xhigh" | "max";

export interface AnthropicMessagesRequest {
  model: string;
  max_tokens: number;
  system?: AnthropicTextBlock[];
  messages: AnthropicMessage[];
  tools?: AnthropicTool[];
  tool_choice?: AnthropicToolChoice;
  thinking?: AnthropicThinking;
  output_config?: {
    effort?: AnthropicEffort;
    format?: { type: "json_schema"; schema: Record<string, unknown> };
  };
  temperature?: number;
  top_p?: number;
  stop_sequences?: string[];
  metadata?: { user_id: string };
  stream?: true;
}

/** Usage as sent in responses, message_start and (cumulatively) message_delta; any field may be null. */
export interface AnthropicUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  output_tokens_details?: { thinking_tokens?: number | null } | null;
}

/** A response content block; unknown kinds (server tools, ...) keep only their `type`. */
export type AnthropicResponseBlock =
  AnthropicTextBlock | AnthropicReasoningBlock | AnthropicToolUseBlock | { type: string };

export interface AnthropicMessageResponse {
  content: AnthropicResponseBlock[];
  stop_reason: string | null;
  usage?: AnthropicUsage | null;
}

export interface AnthropicErrorBody {
  type: "error";
  error: { type: string; message: string };
  request_id?: string;
}

/**
 * One streaming event payload (reference D.7). Kept as one loose shape: the
 * translator reads only the fields of the event type it is handling.
 */
export interface AnthropicStreamPayload {
  type?: string;
  index?: number;
  message?: { usage?: AnthropicUsage | null };
  content_block?: {
    type?: string;
    text?: string;
    thinking?: string;
    signature?: string;
    data?: string;
    id?: string;
    name?: string;
  };
  delta?: {
    type?: string;
    text?: string;
    thinking?: string;
    signature?: string;
    partial_json?: string;
    stop_reason?: string | null;
  };
  usage?: AnthropicUsage | null;
  error?: { type?: string; message?: string };
}
