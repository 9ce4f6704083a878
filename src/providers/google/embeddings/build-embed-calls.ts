import type { CatalogModel } from "../../../catalog/model.ts";
import type { EmbeddingCall } from "../../embedding-adapter.ts";
import type { GeminiBatchEmbedRequest, GeminiEmbedRequest } from "./gemini-embed-types.ts";

/** Gemini rejects a batch of more than 100 requests with 400 (fixture google-embedding-batch-limit-error.json). */
export const MAX_REQUESTS_PER_BATCH = 100;
/**
 * Gemini also caps a request's payload at about 4 MB (reference C.12): batches
 * are closed before their requests add up to this, leaving room for the rest of
 * the body. A single larger input still goes alone, and Google's 400 says why.
 */
export const MAX_BATCH_BYTES = 3 * 1024 * 1024;

/**
 * `batchEmbedContents` calls for the inputs, in input order: one request per
 * input, at most 100 (and about 3 MiB) per call. `dimensions` becomes
 * `outputDimensionality`.
 */
export function buildEmbedCalls(
  inputs: readonly string[],
  model: CatalogModel,
  dimensions: number | undefined,
): EmbeddingCall[] {
  const path = `/v1beta/models/${encodeURIComponent(model.upstreamModel)}:batchEmbedContents`;
  const modelName = `models/${model.upstreamModel}`;
  const calls: EmbeddingCall[] = [];
  let requests: GeminiEmbedRequest[] = [];
  let bytes = 0;
  const close = () => {
    if (requests.length === 0) return;
    const body: GeminiBatchEmbedRequest = { requests };
    calls.push({ path, body, count: requests.length });
    requests = [];
    bytes = 0;
  };
  for (const text of inputs) {
    const request: GeminiEmbedRequest = { model: modelName, content: { parts: [{ text }] } };
    if (dimensions !== undefined) request.outputDimensionality = dimensions;
    const size = Buffer.byteLength(JSON.stringify(request));
    if (requests.length === MAX_REQUESTS_PER_BATCH || (requests.length > 0 && bytes + size > MAX_BATCH_BYTES)) close();
    requests.push(request);
    bytes += size;
  }
  close();
  return calls;
}
