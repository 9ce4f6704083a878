import { ApiError } from "../../../errors.ts";
import type { ProviderClient } from "../../provider-client.ts";
import type { UpstreamTransport } from "../../upstream-transport.ts";
import type { Creation } from "./context-cache-registry.ts";
import type { CachedPrefix } from "./split-cached-prefix.ts";

/**
 * The creation is shared by every request waiting for the same prefix, so
 * no single client's disconnect may cancel it; the upstream deadline still
 * bounds it.
 */
const SHARED_ATTEMPT = new AbortController().signal;

/**
 * `POST /v1beta/cachedContents` (reference C.11). A 400 (Gemini's
 * INVALID_ARGUMENT / FAILED_PRECONDITION / NOT_FOUND, e.g. "Cached content
 * is too small", a model without caching) is a refusal of this prefix; any
 * other failure rejects, as the upstream client reports it. The created
 * CachedContent's `usageMetadata.totalTokenCount` (the tokens written to
 * the cache) comes back as `totalTokens` when the reply has it.
 */
export async function createCachedContent(
  transport: UpstreamTransport,
  client: ProviderClient,
  upstreamModel: string,
  prefix: CachedPrefix,
  ttlSeconds: number,
): Promise<Creation> {
  const startedAt = Date.now();
  const call = {
    path: "/v1beta/cachedContents",
    // The exact upstream model: a cache only serves the model it was created for.
    body: { model: `models/${upstreamModel}`, ...prefix, ttl: `${ttlSeconds}s` },
  };
  let reply: { name?: unknown; expireTime?: unknown; usageMetadata?: { totalTokenCount?: unknown } };
  try {
    reply = ((await transport.send(client, call, SHARED_ATTEMPT)) ?? {}) as typeof reply;
  } catch (error) {
    if (error instanceof ApiError && error.status === 400) return "refused";
    throw error;
  }
  if (typeof reply.name !== "string" || reply.name === "") throw new Error("cachedContents reply without a name");
  // Our own clock bounds the lifetime too, so a skewed expireTime cannot stretch it.
  const expireTime = typeof reply.expireTime === "string" ? Date.parse(reply.expireTime) : Number.NaN;
  const expiresAt = Math.min(startedAt + ttlSeconds * 1000, Number.isNaN(expireTime) ? Infinity : expireTime);
  const totalTokens = reply.usageMetadata?.totalTokenCount;
  return Number.isSafeInteger(totalTokens) && (totalTokens as number) > 0
    ? { name: reply.name, expiresAt, totalTokens: totalTokens as number }
    : { name: reply.name, expiresAt };
}
