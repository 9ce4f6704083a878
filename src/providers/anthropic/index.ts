import type { ChatAdapter } from "../adapter.ts";
import { createAnthropicStreamTranslator } from "./anthropic-stream-translator.ts";
import { buildAnthropicRequest } from "./build-anthropic-request.ts";
import { mapAnthropicError } from "./map-anthropic-error.ts";
import { parseAnthropicResponse } from "./parse-anthropic-response.ts";

/** Anthropic Messages API (reference D); version pinned per D.1, no beta headers needed. */
export const anthropicChatAdapter: ChatAdapter = {
  headers: (apiKey) => ({ "x-api-key": apiKey, "anthropic-version": "2023-06-01" }),
  buildRequest: buildAnthropicRequest,
  parseResponse: parseAnthropicResponse,
  createStreamTranslator: createAnthropicStreamTranslator,
  mapError: mapAnthropicError,
};
