import type { TokenUsage } from "../types.ts";
import type { GeminiUsageMetadata } from "./gemini-api-types.ts";

/**
 * Reference E.5, in OpenAI semantics: promptTokenCount already includes
 * cached tokens; candidatesTokenCount excludes thoughts, so they are added
 * to the completion. Server-side tool prompts are input the caller pays for.
 */
export function mapGeminiUsage(usage: GeminiUsageMetadata | undefined): TokenUsage {
  const thoughts = usage?.thoughtsTokenCount ?? 0;
  return {
    promptTokens: (usage?.promptTokenCount ?? 0) + (usage?.toolUsePromptTokenCount ?? 0),
    completionTokens: (usage?.candidatesTokenCount ?? 0) + thoughts,
    cachedTokens: usage?.cachedContentTokenCount ?? 0,
    cacheWriteTokens: 0,
    reasoningTokens: thoughts,
  };
}
