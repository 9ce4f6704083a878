import type { CatalogModel } from "../catalog/model.ts";
import type { ApiError } from "../errors.ts";
import type { ChatCompletionRequest } from "../openai/chat-request.ts";
import type { ChatResult, StreamEvent } from "./types.ts";
import type { Upstream } from "./upstream-client.ts";

/** What the shared upstream client needs to send one provider call. */
export interface UpstreamCall {
  /** Path below the provider's base URL, with query string. */
  path: string;
  body: unknown;
  /**
   * The most output tokens the call can produce, across all choices, when the
   * adapter changes the client's limit (e.g. raised for a thinking budget);
   * otherwise billing derives it from the request (estimate.ts).
   */
  maxOutputTokens?: number;
  /** Tokens this call wrote to a provider cache before it was sent; usage reports them as cache reads. */
  cacheWriteTokens?: number;
}

/** Turns one upstream stream into StreamEvents; one instance per request. */
export interface StreamTranslator {
  /**
   * One SSE event from upstream (`event` is the `event:` field when the
   * provider sends one). Throws an ApiError for an upstream error event or
   * an unparsable payload.
   */
  push(event: string | undefined, data: string): StreamEvent[];
  /** The upstream closed the stream; throws if it ended before a proper end. */
  end(): StreamEvent[];
}

/** What the shared upstream client needs from a provider: how to authenticate, how to read its errors. */
export interface ProviderTransport {
  /** Headers that authenticate and version a call (besides content-type). */
  headers(apiKey: string): Record<string, string>;
  /** Maps a non-2xx upstream reply to the spec's error table. */
  mapError(status: number, bodyText: string): ApiError;
}

/**
 * Everything provider-specific about a chat completion. Pure translation:
 * no I/O here, so every rule is unit-testable against recorded fixtures.
 */
export interface ChatAdapter extends ProviderTransport {
  /** Throws ApiError (400) for requests the provider cannot honour. */
  buildRequest(req: ChatCompletionRequest, model: CatalogModel, stream: boolean): UpstreamCall;
  /**
   * Optional stateful step between building and sending (Gemini context
   * caching): may make its own upstream calls and rewrite the call.
   */
  prepare?(call: UpstreamCall, model: CatalogModel, upstream: Upstream, signal: AbortSignal): Promise<UpstreamCall>;
  parseResponse(body: unknown): ChatResult;
  createStreamTranslator(): StreamTranslator;
}
