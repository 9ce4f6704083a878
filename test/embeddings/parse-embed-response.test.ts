import { expect, test } from "bun:test";
import type { EmbeddingCall } from "../../src/providers/embedding-adapter.ts";
import { fitDimensions } from "../../src/providers/google/embeddings/fit-dimensions.ts";
import { parseEmbedResponse } from "../../src/providers/google/embeddings/parse-embed-response.ts";
import { fixtureJson } from "../support/fixtures.ts";
import { norm, thrown } from "./support.ts";

const call = (count: number): EmbeddingCall => ({ path: "/p", body: {}, count });

test("google-embedding-2-multimodal-batch.json: the vectors in order, usageMetadata.promptTokenCount as the count", () => {
  const batch = parseEmbedResponse(fixtureJson("google", "google-embedding-2-multimodal-batch.json"), call(2), undefined);
  expect(batch).toEqual({ vectors: [[0.5138951, 0.857853], [-0.5045317, -0.8633931]], promptTokens: 12 });
});

test("a reply without usageMetadata (text-embedding-004) has no token count", () => {
  const batch = parseEmbedResponse({ embeddings: [{ values: [0.6, 0.8] }] }, call(1), undefined);
  expect(batch).toEqual({ vectors: [[0.6, 0.8]], promptTokens: undefined });
});

test("a reply that cannot be matched to the inputs → 503 no_supplier", () => {
  for (const body of [
    { embeddings: [{ values: [1] }] },
    {},
    null,
    { embeddings: [{ values: [1] }, { values: ["x"] }] },
    { embeddings: [{ values: [1] }, {}] },
    { embeddings: [{ values: [1] }, { values: [] }] },
  ]) {
    const { status, error } = thrown(() => parseEmbedResponse(body, call(2), undefined));
    expect(status).toBe(503);
    expect(error.code).toBe("no_supplier");
    expect(error.message).toContain("google returned an unusable embeddings response");
  }
});

test("reduced dimensions: a truncated prefix is re-normalised to unit length", () => {
  const batch = parseEmbedResponse({ embeddings: [{ values: [0.3, 0.4, 0.5, 0.7] }] }, call(1), 2);
  expect(batch.vectors[0]![0]).toBeCloseTo(0.6, 12);
  expect(batch.vectors[0]![1]).toBeCloseTo(0.8, 12);
  expect(norm(batch.vectors[0]!)).toBeCloseTo(1, 12);
});

test("fitDimensions: longer replies are cut to the requested size, then normalised", () => {
  const fitted = fitDimensions([3, 4, 12], 2);
  expect(fitted).toEqual([0.6, 0.8]);
});

test("fitDimensions: unit vectors and requests without dimensions keep the provider's exact values", () => {
  const unit = [Math.fround(0.6), Math.fround(0.8)];
  expect(fitDimensions(unit, 2)).toBe(unit);
  const raw = [3, 4];
  expect(fitDimensions(raw, undefined)).toBe(raw);
  expect(fitDimensions([0, 0], 2)).toEqual([0, 0]);
});
