import type { EmbeddingAdapter } from "../../embedding-adapter.ts";
import { buildEmbedCalls } from "./build-embed-calls.ts";
import { parseEmbedResponse } from "./parse-embed-response.ts";

/** Google Gemini embeddings through `batchEmbedContents` (reference C.12, E.6), on the google provider client. */
export const googleEmbeddingAdapter: EmbeddingAdapter = {
  buildCalls: buildEmbedCalls,
  parseResponse: parseEmbedResponse,
};
