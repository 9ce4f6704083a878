import { malformedReply } from "../../../errors.ts";
import type { EmbeddingBatch, EmbeddingCall } from "../../embedding-adapter.ts";
import { fitDimensions } from "./fit-dimensions.ts";
import type { GeminiBatchEmbedResponse } from "./gemini-embed-types.ts";

/**
 * One batchEmbedContents reply → one vector per input of the call. A reply
 * with the wrong number of vectors or non-numeric values cannot be matched
 * to the inputs, so it fails the request instead of returning shifted data.
 */
export function parseEmbedResponse(body: unknown, call: EmbeddingCall, dimensions: number | undefined): EmbeddingBatch {
  const reply = (body ?? {}) as GeminiBatchEmbedResponse;
  const embeddings = reply.embeddings;
  if (!Array.isArray(embeddings) || embeddings.length !== call.count) {
    throw malformed(`${Array.isArray(embeddings) ? embeddings.length : "no"} embeddings for ${call.count} inputs`);
  }
  const vectors = embeddings.map((embedding) => {
    const values = embedding?.values;
    if (!Array.isArray(values) || values.length === 0 || !values.every(Number.isFinite)) {
      throw malformed("an embedding without numeric values");
    }
    return fitDimensions(values as number[], dimensions);
  });
  const count = reply.usageMetadata?.promptTokenCount;
  return { vectors, promptTokens: Number.isInteger(count) && (count as number) >= 0 ? (count as number) : undefined };
}

const malformed = (what: string) => malformedReply(`google returned an unusable embeddings response (${what})`);
