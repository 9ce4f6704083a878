import type { AdapterFeatures } from "../calls/check-support.ts";
import type { CallOptions } from "../calls/call-options.ts";
import type { ProviderName } from "../catalog/model.ts";
import type { ProviderClient } from "./provider-client.ts";
import type { ChatResult, StreamEvent } from "./types.ts";

/** What the transport needs to send one provider call. */
export interface UpstreamCall {
  /** Path below the provider's base URL, with query string. */
  path: string;
  body: unknown;
}

/** A generation call: the transport's part plus what billing reserves for its output. */
export interface ChatCall extends UpstreamCall {
  /** The most output tokens the call can produce, across all choices, as sent (clamped, raised for thinking...). */
  maxOutputTokens: number;
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

/**
 * Everything provider-specific about a generation, as an object built once
 * at wiring time that owns its provider's state and quirks. `C` is the
 * adapter's own call type: what buildCall makes comes back to prepare,
 * parseResponse and createStreamTranslator unchanged.
 */
export interface ChatAdapter<C extends ChatCall = ChatCall> {
  readonly provider: ProviderName;
  /** What the provider's API can serve at all (checked in one place: calls/check-support.ts). */
  readonly features: AdapterFeatures;
  /** Pure translation; throws ApiError (400) for what the provider cannot take. */
  buildCall(options: CallOptions): C;
  /** An optional stateful step before sending (Gemini context caching), with I/O through `client`. */
  prepare?(call: C, client: ProviderClient, signal: AbortSignal): Promise<C>;
  parseResponse(body: unknown, call: C): ChatResult;
  createStreamTranslator(call: C): StreamTranslator;
}
