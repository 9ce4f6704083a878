import type { EmbeddingAdapter } from "../../embedding-adapter.ts";
import { googleChatAdapter } from "../index.ts";
import { buildEmbedCalls } from "./build-embed-calls.ts";
import { parseEmbedResponse } from "./parse-embed-response.ts";

/** Google Gemini embeddings through `batchEmbedContents` (reference C.12, E.6). */
export const googleEmbeddingAdapter: EmbeddingAdapter = {
  // Same x-goog-api-key header and google.rpc error bodies as generateContent.
  transport: googleChatAdapter,
  buildCalls: buildEmbedCalls,
  parseResponse: parseEmbedResponse,
};
