import type { UpstreamCall } from "../providers/adapter.ts";
import type { TokenUsage } from "../providers/types.ts";

/**
 * The usage of a call that wrote a provider cache before it was sent (Gemini
 * context caching): the provider reports the written prefix as a cache read,
 * so up to `call.cacheWriteTokens` of the cached tokens become cache writes.
 * promptTokens is unchanged; a call that wrote nothing keeps its usage.
 */
export function withCacheWrites(usage: TokenUsage, call: UpstreamCall): TokenUsage {
  const written = Math.min(call.cacheWriteTokens ?? 0, usage.cachedTokens);
  if (!(written > 0)) return usage;
  return {
    ...usage,
    cachedTokens: usage.cachedTokens - written,
    cacheWriteTokens: usage.cacheWriteTokens + written,
  };
}
