import type { FinishReason } from "../../openai/chat-response.ts";

/**
 * Reference E.1. RECITATION and OTHER follow LiteLLM (content_filter): the
 * provider withheld or cut the reply, and "stop" would claim it is complete.
 * Tool-loop failures (MALFORMED_FUNCTION_CALL, ...) and unknown values are
 * "stop", so new Gemini reasons never break a reply.
 */
const CONTENT_FILTER = new Set([
  "SAFETY",
  "BLOCKLIST",
  "PROHIBITED_CONTENT",
  "SPII",
  "IMAGE_SAFETY",
  "IMAGE_PROHIBITED_CONTENT",
  "LANGUAGE",
  "RECITATION",
  "IMAGE_RECITATION",
  "OTHER",
  "IMAGE_OTHER",
]);

/** Gemini ends function calls with STOP; OpenAI clients need "tool_calls" to run them. */
export function mapGeminiFinishReason(reason: string | undefined, hasToolCalls: boolean): FinishReason {
  if (hasToolCalls) return "tool_calls";
  if (reason === "MAX_TOKENS") return "length";
  if (reason !== undefined && CONTENT_FILTER.has(reason)) return "content_filter";
  return "stop";
}
