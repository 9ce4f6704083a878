import type { CachedPrefix } from "./split-cached-prefix.ts";

/**
 * Names one cachedContents resource: the exact upstream model (a cache
 * works only with the model it was made for) plus everything it holds.
 * The TTL is left out on purpose: a live cache serves any request for the
 * same prefix, whatever lifetime that request asked for.
 */
export function cacheKey(upstreamModel: string, prefix: CachedPrefix): string {
  return new Bun.CryptoHasher("sha256").update(JSON.stringify([upstreamModel, prefix])).digest("hex");
}
