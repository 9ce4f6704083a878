import type { AdapterFeatures } from "../../calls/check-support.ts";
import type { ChatAdapter } from "../adapter.ts";
import type { ProviderClient } from "../provider-client.ts";
import type { UpstreamTransport } from "../upstream-transport.ts";
import { buildGeminiRequest, type GeminiCall } from "./build-gemini-request.ts";
import { applyCachedContent } from "./context-cache/apply-cached-content.ts";
import { ContextCacheRegistry } from "./context-cache/context-cache-registry.ts";
import { createGeminiStreamTranslator } from "./gemini-stream-translator.ts";
import { parseGeminiResponse } from "./parse-gemini-response.ts";

/** Several candidates per call; no logprobs or logit_bias in the ChatResult shape. */
export const googleFeatures: AdapterFeatures = { multipleChoices: true, toolResultImages: false, imageUrls: false, logprobs: false, logitBias: false };

/**
 * Google Gemini (Generative Language API v1beta) chat. Stateful: it keeps a
 * context-cache registry per provider client, since a cache belongs to the
 * API key's project that created it and another account cannot see it.
 */
export class GoogleChatAdapter implements ChatAdapter<GeminiCall> {
  readonly provider = "google";
  readonly features = googleFeatures;
  private readonly registries = new WeakMap<ProviderClient, ContextCacheRegistry>();

  constructor(private readonly transport: UpstreamTransport) {}

  buildCall = buildGeminiRequest;

  prepare(call: GeminiCall, client: ProviderClient, signal: AbortSignal): Promise<GeminiCall> {
    let registry = this.registries.get(client);
    if (!registry) this.registries.set(client, (registry = new ContextCacheRegistry()));
    return applyCachedContent(call, registry, this.transport, client, signal);
  }

  parseResponse(body: unknown, call: GeminiCall) {
    return parseGeminiResponse(body, { cacheWriteTokens: call.cacheWriteTokens });
  }

  createStreamTranslator(call: GeminiCall) {
    return createGeminiStreamTranslator({ cacheWriteTokens: call.cacheWriteTokens });
  }
}
