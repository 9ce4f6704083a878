import type { CatalogModel } from "../catalog/model.ts";
import type { ChatCompletionRequest } from "../openai/chat-request.ts";
import type { UpstreamCall } from "../providers/adapter.ts";
import type { TokenUsage } from "../providers/types.ts";
import type { WorstCase } from "./billing.ts";

/**
 * Input tokens allowed per image fetched by URL: more than either provider
 * charges for one image (Claude ≈ 1,600 at its largest size, Gemini 258 per
 * tile). Inline (data:) images are already covered by their base64 bytes.
 */
const REMOTE_IMAGE_TOKENS = 3_000;

/**
 * A chat request's worst case. Input: the request body's size in bytes, as
 * byte-level tokenizers never emit more tokens than bytes and the JSON around
 * the text outweighs the per-message overhead; plus an allowance per remote
 * image. Output: the max output the call allows, times the number of choices.
 * Both are upper bounds, so settlement normally lowers the reservation.
 */
export function chatWorstCase(req: ChatCompletionRequest, model: CatalogModel, bodyBytes: number, call: UpstreamCall): WorstCase {
  const requested = req.max_completion_tokens ?? req.max_tokens ?? model.maxOutputTokens;
  const outputTokens = call.maxOutputTokens ?? Math.min(requested, model.maxOutputTokens) * (req.n ?? 1);
  return { inputTokens: bodyBytes + remoteImages(req) * REMOTE_IMAGE_TOKENS, outputTokens };
}

function remoteImages(req: ChatCompletionRequest): number {
  let count = 0;
  for (const message of req.messages) {
    if (!Array.isArray(message.content)) continue;
    for (const part of message.content) {
      if (part.type === "image_url" && !part.image_url?.url.startsWith("data:")) count++;
    }
  }
  return count;
}

const CHARS_PER_TOKEN = 4;

/** The one estimate used wherever a provider gave no count: a token per 4 characters (or bytes), rounded up. */
export const estimateTokens = (length: number) => Math.ceil(length / CHARS_PER_TOKEN);

/**
 * Usage for a request cut short: the provider's own numbers where it sent
 * them, else an estimate of one token per 4 characters (input: the request
 * body's bytes; output: the characters streamed so far). `estimated` says
 * whether any number came from the estimate.
 */
export function usageSoFar(
  reported: TokenUsage | undefined,
  bodyBytes: number,
  outputChars: number,
): { usage: TokenUsage; estimated: boolean } {
  const outputEstimate = estimateTokens(outputChars);
  if (reported && reported.promptTokens > 0 && reported.completionTokens >= outputEstimate) {
    return { usage: reported, estimated: false };
  }
  const base = reported ?? { promptTokens: 0, completionTokens: 0, cachedTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };
  return {
    usage: {
      ...base,
      promptTokens: base.promptTokens > 0 ? base.promptTokens : estimateTokens(bodyBytes),
      completionTokens: Math.max(base.completionTokens, outputEstimate),
    },
    estimated: true,
  };
}
