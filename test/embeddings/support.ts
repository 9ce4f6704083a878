import type { CatalogModel } from "../../src/catalog/model.ts";
import { ApiError } from "../../src/errors.ts";

/** google/text-embedding-004 as the seeded catalog holds it ($0.025 per 1M input tokens). */
export const textEmbedding004: CatalogModel = {
  id: "google/text-embedding-004",
  provider: "google",
  upstreamModel: "text-embedding-004",
  kind: "embedding",
  prices: { input: 25_000_000n, output: 0n, cacheRead: null, cacheWrite: null },
  supportsTools: false,
  supportsReasoning: false,
  supportsCaching: false,
  supportsStreaming: false,
  maxOutputTokens: 0,
  enabled: true,
};

/** What a thrown ApiError looks like to the client. */
export function thrown(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiError) return { status: error.status, error: error.toEnvelope().error };
    throw error;
  }
  throw new Error("expected an ApiError");
}

/** The length of a vector. */
export const norm = (values: readonly number[]) => Math.sqrt(values.reduce((sum, v) => sum + v * v, 0));

/** Decodes `encoding_format: "base64"` the way the official Node client does. */
export function decodeBase64Float32(text: string): number[] {
  const buf = Buffer.from(text, "base64");
  return Array.from(new Float32Array(buf.buffer, buf.byteOffset, buf.length / 4));
}
