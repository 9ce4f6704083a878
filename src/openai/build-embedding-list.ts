import type { EmbeddingList, EmbeddingUsage } from "./embeddings.ts";

export type EncodingFormat = "float" | "base64";

/** The OpenAI embeddings object: `data[i]` is the vector of input i. */
export function toEmbeddingList(
  vectors: readonly number[][],
  format: EncodingFormat,
  model: string,
  usage: EmbeddingUsage,
): EmbeddingList {
  return {
    object: "list",
    data: vectors.map((vector, index) => ({
      object: "embedding",
      index,
      embedding: format === "base64" ? encodeFloat32Base64(vector) : vector,
    })),
    model,
    usage,
  };
}

/**
 * `encoding_format: "base64"`: the vector as float32 little-endian bytes,
 * base64-encoded (reference A.7). The official Node client asks for this by
 * default and decodes it with `new Float32Array(buffer)`; the byte order is
 * written explicitly so the wire format does not depend on the host's.
 */
export function encodeFloat32Base64(values: readonly number[]): string {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true);
  return Buffer.from(bytes).toString("base64");
}
