import type { CatalogModel } from "../../../catalog/model.ts";
import type { ChatAdapter, UpstreamCall } from "../../adapter.ts";
import type { Upstream } from "../../upstream-client.ts";
import type { GeminiCall } from "../build-gemini-request.ts";
import type { GeminiContent, GeminiRequest } from "../gemini-api-types.ts";
import { cacheKey } from "./cache-key.ts";
import { ContextCacheRegistry } from "./context-cache-registry.ts";
import { createCachedContent } from "./create-cached-content.ts";
import { splitCachedPrefix } from "./split-cached-prefix.ts";

/**
 * One registry per upstream client: cache names belong to the API key's
 * project, and each gateway builds its own client from its own config.
 */
const registries = new WeakMap<Upstream, ContextCacheRegistry>();

function registryFor(upstream: Upstream): ContextCacheRegistry {
  let registry = registries.get(upstream);
  if (!registry) registries.set(upstream, (registry = new ContextCacheRegistry()));
  return registry;
}

/**
 * The google adapter's prepare step: a request with a cache_control
 * breakpoint gets its prefix from a Gemini context cache, created on first
 * use. Whenever no cache is available the call goes out unchanged. The
 * request whose prepare created the cache carries the tokens written in
 * `cacheWriteTokens`: Gemini's usage reports them as a cache read.
 */
export async function applyCachedContent(
  call: UpstreamCall,
  model: CatalogModel,
  upstream: Upstream,
  adapter: ChatAdapter,
  signal: AbortSignal,
): Promise<UpstreamCall> {
  // The google adapter's buildRequest made this call.
  const { body, cacheBreakpoint } = call as GeminiCall;
  if (!cacheBreakpoint || !model.supportsCaching) return call;
  const split = splitCachedPrefix(body, cacheBreakpoint);
  if (!split) return call;
  const cache = await registryFor(upstream).resolve(
    cacheKey(model.upstreamModel, split.prefix),
    () => createCachedContent(upstream, adapter, model, split.prefix, cacheBreakpoint.ttlSeconds),
    signal,
  );
  if (!cache) return call;
  const cached: UpstreamCall = { ...call, body: usingCache(body, cache.name, split.contents) };
  return cache.created && cache.totalTokens ? { ...cached, cacheWriteTokens: cache.totalTokens } : cached;
}

/** The API rejects systemInstruction, tools and toolConfig next to cachedContent: they live in the cache. */
function usingCache(body: GeminiRequest, name: string, contents: GeminiContent[]): GeminiRequest {
  const { systemInstruction: _system, tools: _tools, toolConfig: _toolConfig, ...rest } = body;
  return { ...rest, contents, cachedContent: name };
}
