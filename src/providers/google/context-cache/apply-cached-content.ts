import type { ProviderClient } from "../../provider-client.ts";
import type { UpstreamTransport } from "../../upstream-transport.ts";
import type { GeminiCall } from "../build-gemini-request.ts";
import type { GeminiContent, GeminiRequest } from "../gemini-api-types.ts";
import { cacheKey } from "./cache-key.ts";
import type { ContextCacheRegistry } from "./context-cache-registry.ts";
import { createCachedContent } from "./create-cached-content.ts";
import { splitCachedPrefix } from "./split-cached-prefix.ts";

/**
 * The google adapter's prepare step: a call with a cache_control breakpoint
 * gets its prefix from a Gemini context cache of `client`'s account
 * (`registry` is that account's), created on first use. Whenever no cache is
 * available the call goes out unchanged. The call whose prepare created the
 * cache carries the tokens written in `cacheWriteTokens`: Gemini's usage
 * reports them as a cache read.
 */
export async function applyCachedContent(
  call: GeminiCall,
  registry: ContextCacheRegistry,
  transport: UpstreamTransport,
  client: ProviderClient,
  signal: AbortSignal,
): Promise<GeminiCall> {
  const { body, cacheBreakpoint } = call;
  if (!cacheBreakpoint) return call;
  const split = splitCachedPrefix(body, cacheBreakpoint);
  if (!split) return call;
  const cache = await registry.resolve(
    cacheKey(call.upstreamModel, split.prefix),
    () => createCachedContent(transport, client, call.upstreamModel, split.prefix, cacheBreakpoint.ttlSeconds),
    signal,
  );
  if (!cache) return call;
  const cached: GeminiCall = { ...call, body: usingCache(body, cache.name, split.contents) };
  return cache.created && cache.totalTokens ? { ...cached, cacheWriteTokens: cache.totalTokens } : cached;
}

/** The API rejects systemInstruction, tools and toolConfig next to cachedContent: they live in the cache. */
function usingCache(body: GeminiRequest, name: string, contents: GeminiContent[]): GeminiRequest {
  const { systemInstruction: _system, tools: _tools, toolConfig: _toolConfig, ...rest } = body;
  return { ...rest, contents, cachedContent: name };
}
