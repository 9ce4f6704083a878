/**
 * The provider-neutral middle of a chat completion. Each provider translates
 * its native reply into these shapes; src/openai/ turns them into the OpenAI
 * wire format, so the OpenAI shape is written once for every provider.
 */
import type { FinishReason } from "../openai/chat-response.ts";
import type { ReasoningDetail } from "../openai/chat-request.ts";

/** Token counts in OpenAI semantics. */
export interface TokenUsage {
  /** All input tokens, including cache reads and cache writes. */
  promptTokens: number;
  /** All output tokens, including reasoning. */
  completionTokens: number;
  /** The subset of promptTokens read from a cache. */
  cachedTokens: number;
  /** The subset of promptTokens written to a cache. */
  cacheWriteTokens: number;
  /** The subset of completionTokens spent on reasoning. */
  reasoningTokens: number;
}

export interface ResultToolCall {
  id: string;
  name: string;
  /** JSON text, exactly as the client will parse it. */
  arguments: string;
}

export interface ResultChoice {
  index: number;
  content: string | null;
  reasoning?: string;
  reasoningDetails?: ReasoningDetail[];
  toolCalls?: ResultToolCall[];
  finishReason: FinishReason;
}

/** A whole non-streaming reply. */
export interface ChatResult {
  choices: ResultChoice[];
  usage: TokenUsage;
}

/**
 * One translated piece of an upstream stream. `choice` is the OpenAI choice
 * index; `call` is the tool call's position within that choice.
 */
export type StreamEvent =
  | { type: "text"; choice: number; text: string }
  | { type: "reasoning"; choice: number; text: string }
  | { type: "reasoning_detail"; choice: number; detail: ReasoningDetail }
  | { type: "tool_call_start"; choice: number; call: number; id: string; name: string }
  | { type: "tool_call_delta"; choice: number; call: number; arguments: string }
  | { type: "finish"; choice: number; reason: FinishReason }
  /**
   * Cumulative usage so far; the latest one wins. `outputCounted`: its
   * completionTokens count every output event before it (Gemini's per-chunk
   * usage), not only what preceded the stream (Anthropic's message_start).
   */
  | { type: "usage"; usage: TokenUsage; outputCounted: boolean };
