import type { CallOptions } from "../calls/call-options.ts";
import type { ChatCall } from "../providers/adapter.ts";
import type { TokenUsage } from "../providers/types.ts";
import type { WorstCase } from "./billing.ts";

/**
 * Input tokens allowed per image fetched by URL: more than either provider
 * charges for one image (Claude ≈ 1,600 at its largest size, Gemini 258 per
 * tile). Inline (data:) images are already covered by their base64 bytes.
 */
const REMOTE_IMAGE_TOKENS = 3_000;

/**
 * A call's worst case. Input: the request body's size in bytes, as
 * byte-level tokenizers never emit more tokens than bytes and the JSON around
 * the text outweighs the per-message overhead; plus an allowance per remote
 * image. Output: the max output the call sends upstream (all choices).
 * Both are upper bounds, so settlement normally lowers the reservation.
 */
export function callWorstCase(options: CallOptions, bodyBytes: number, call: ChatCall): WorstCase {
  return { inputTokens: bodyBytes + remoteImages(options) * REMOTE_IMAGE_TOKENS, outputTokens: call.maxOutputTokens };
}

function remoteImages(options: CallOptions): number {
  let count = 0;
  for (const message of options.messages) {
    if (message.role !== "user" && message.role !== "tool") continue;
    for (const part of message.content) if (part.type === "image" && part.source.kind === "url") count++;
  }
  return count;
}

const CHARS_PER_TOKEN = 4;

/** The one estimate used wherever a provider gave no count: a token per 4 characters (or bytes), rounded up. */
export const estimateTokens = (length: number) => Math.ceil(length / CHARS_PER_TOKEN);

/** What a stream had produced when it was cut short (stream-meter.ts). */
export interface StreamProgress {
  /** The provider's latest usage, if it sent any. */
  reported: TokenUsage | undefined;
  /** Whether `reported.completionTokens` counts the output streamed up to that report. */
  outputCounted: boolean;
  /** Characters of output streamed after the provider's last output count (all of them without one). */
  uncountedChars: number;
}

/**
 * Usage for a request cut short: the provider's own numbers where it sent
 * them, an estimate for the rest (input: a token per 4 bytes of the request
 * body; output: a token per 4 characters streamed since the provider last
 * counted), never more output than the call allowed (`maxOutputTokens`, the
 * worst case admitted), so a cut-short stream cannot cost more than its
 * reservation. The provider's count stands even above that cap: only a
 * provider billing beyond the limits sent can break the overdraft bound.
 * `estimated` says whether any number came from the estimate.
 */
export function usageSoFar(
  progress: StreamProgress,
  bodyBytes: number,
  maxOutputTokens: number,
): { usage: TokenUsage; estimated: boolean } {
  const { reported, outputCounted, uncountedChars } = progress;
  if (reported && reported.promptTokens > 0 && outputCounted && uncountedChars === 0) {
    return { usage: reported, estimated: false };
  }
  const base = reported ?? { promptTokens: 0, completionTokens: 0, cachedTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };
  const counted = outputCounted ? base.completionTokens : 0;
  const output = Math.min(maxOutputTokens, counted + estimateTokens(uncountedChars));
  return {
    usage: {
      ...base,
      promptTokens: base.promptTokens > 0 ? base.promptTokens : estimateTokens(bodyBytes),
      completionTokens: Math.max(base.completionTokens, output),
    },
    estimated: true,
  };
}
