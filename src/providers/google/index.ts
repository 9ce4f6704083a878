import type { ChatAdapter } from "../adapter.ts";
import { buildGeminiRequest } from "./build-gemini-request.ts";
import { applyCachedContent } from "./context-cache/apply-cached-content.ts";
import { createGeminiStreamTranslator } from "./gemini-stream-translator.ts";
import { mapGeminiError } from "./map-gemini-error.ts";
import { parseGeminiResponse } from "./parse-gemini-response.ts";

/** Google Gemini (Generative Language API v1beta) chat translation. */
export const googleChatAdapter: ChatAdapter = {
  headers: (apiKey) => ({ "x-goog-api-key": apiKey }),
  buildRequest: buildGeminiRequest,
  prepare: (call, model, upstream, signal) => applyCachedContent(call, model, upstream, googleChatAdapter, signal),
  parseResponse: (body) => parseGeminiResponse(body),
  createStreamTranslator: () => createGeminiStreamTranslator(),
  mapError: mapGeminiError,
};
