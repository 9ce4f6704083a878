import type { TokenUsage } from "../providers/types.ts";
import type { CompletionUsage } from "./chat-response.ts";

export const ZERO_USAGE: TokenUsage = {
  promptTokens: 0,
  completionTokens: 0,
  cachedTokens: 0,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
};

/** The OpenAI `usage` object, with the request's cost in USD when it is known. */
export function toOpenAIUsage(usage: TokenUsage, costUsd?: number): CompletionUsage {
  const result: CompletionUsage = {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.promptTokens + usage.completionTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedTokens, cache_write_tokens: usage.cacheWriteTokens },
    completion_tokens_details: { reasoning_tokens: usage.reasoningTokens },
  };
  if (costUsd !== undefined) result.cost = costUsd;
  return result;
}
