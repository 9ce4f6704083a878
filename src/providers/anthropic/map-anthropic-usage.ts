import type { TokenUsage } from "../types.ts";
import type { AnthropicUsage } from "./anthropic-api-types.ts";

/**
 * Reference E.5. Anthropic's input_tokens excludes cache reads and writes,
 * while OpenAI's prompt_tokens includes them, so all three are summed.
 */
export function mapAnthropicUsage(usage: AnthropicUsage | null | undefined): TokenUsage {
  const input = usage?.input_tokens ?? 0;
  const cacheRead = usage?.cache_read_input_tokens ?? 0;
  const cacheWrite = usage?.cache_creation_input_tokens ?? 0;
  return {
    promptTokens: input + cacheRead + cacheWrite,
    completionTokens: usage?.output_tokens ?? 0,
    cachedTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
    reasoningTokens: usage?.output_tokens_details?.thinking_tokens ?? 0,
  };
}

/**
 * Stream usage is cumulative: later events repeat or refine earlier figures
 * and may send null for the ones they do not restate.
 */
export function mergeAnthropicUsage(known: AnthropicUsage, update: AnthropicUsage | null | undefined): AnthropicUsage {
  const merged = { ...known };
  for (const [key, value] of Object.entries(update ?? {})) {
    if (value != null) (merged as Record<string, unknown>)[key] = value;
  }
  return merged;
}
