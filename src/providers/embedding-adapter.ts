import type { CatalogModel } from "../catalog/model.ts";
import type { UpstreamCall } from "./adapter.ts";

/** One upstream call, embedding the next `count` inputs (calls cover the inputs in order). */
export interface EmbeddingCall extends UpstreamCall {
  count: number;
}

/** What one call returned. */
export interface EmbeddingBatch {
  /** One vector per input of the call, in input order, already fitted to the requested dimensions. */
  vectors: number[][];
  /** The call's input tokens as the provider counted them; undefined when it reports none. */
  promptTokens: number | undefined;
}

/**
 * Everything provider-specific about embeddings. Pure translation, like
 * ChatAdapter: the service owns the I/O, the provider client the headers and
 * error mapping (the same as the provider's chat endpoint).
 */
export interface EmbeddingAdapter {
  /** Splits the inputs into calls the provider accepts (each input in its own request). */
  buildCalls(inputs: readonly string[], model: CatalogModel, dimensions: number | undefined): EmbeddingCall[];
  /** Reads one call's reply; throws ApiError (503) when it does not hold one vector per input. */
  parseResponse(body: unknown, call: EmbeddingCall, dimensions: number | undefined): EmbeddingBatch;
}
