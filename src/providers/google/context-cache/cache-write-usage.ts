import type { TokenUsage } from "../../types.ts";

/**
 * The usage of a call that wrote a context cache before it was sent: Gemini
 * reports the written prefix as a cache read, so up to `written` of the
 * cached tokens become cache writes. promptTokens is unchanged; a call that
 * wrote nothing keeps its usage.
 */
export function withCacheWrites(usage: TokenUsage, written: number | undefined): TokenUsage {
  const moved = Math.min(written ?? 0, usage.cachedTokens);
  if (!(moved > 0)) return usage;
  return { ...usage, cachedTokens: usage.cachedTokens - moved, cacheWriteTokens: usage.cacheWriteTokens + moved };
}
