import type { ChatAdapter } from "../adapter.ts";
import { createAnthropicStreamTranslator } from "./anthropic-stream-translator.ts";
import { buildAnthropicRequest } from "./build-anthropic-request.ts";
import { parseAnthropicResponse } from "./parse-anthropic-response.ts";

/** Anthropic Messages API chat (reference D): stateless translation. One choice per call, no logprobs. */
export const anthropicChatAdapter: ChatAdapter = {
  provider: "anthropic",
  features: { multipleChoices: false, toolResultImages: true, imageUrls: true, logprobs: false, logitBias: false },
  buildCall: buildAnthropicRequest,
  parseResponse: (body) => parseAnthropicResponse(body),
  createStreamTranslator: () => createAnthropicStreamTranslator(),
};
