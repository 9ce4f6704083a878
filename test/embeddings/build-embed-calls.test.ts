import { expect, test } from "bun:test";
import {
  buildEmbedCalls,
  MAX_BATCH_BYTES,
  MAX_REQUESTS_PER_BATCH,
} from "../../src/providers/google/embeddings/build-embed-calls.ts";
import { textEmbedding004 } from "./support.ts";

const texts = (n: number) => Array.from({ length: n }, (_, i) => `text ${i}`);

test("one batchEmbedContents request per input, each content holding a single text part", () => {
  const [call, ...rest] = buildEmbedCalls(["doc one", "doc two"], textEmbedding004, undefined);
  expect(rest).toEqual([]);
  expect(call).toEqual({
    path: "/v1beta/models/text-embedding-004:batchEmbedContents",
    count: 2,
    body: {
      requests: [
        { model: "models/text-embedding-004", content: { parts: [{ text: "doc one" }] } },
        { model: "models/text-embedding-004", content: { parts: [{ text: "doc two" }] } },
      ],
    },
  });
});

test("dimensions → outputDimensionality on every request", () => {
  const [call] = buildEmbedCalls(["a", "b"], textEmbedding004, 256);
  for (const request of (call!.body as any).requests) expect(request.outputDimensionality).toBe(256);
});

test("exactly 100 inputs fit one call; 101 need two", () => {
  expect(buildEmbedCalls(texts(100), textEmbedding004, undefined).map((c) => c.count)).toEqual([100]);
  expect(buildEmbedCalls(texts(101), textEmbedding004, undefined).map((c) => c.count)).toEqual([100, 1]);
});

test("2048 inputs → 21 calls of at most 100, covering the inputs in order", () => {
  const inputs = texts(2048);
  const calls = buildEmbedCalls(inputs, textEmbedding004, undefined);
  expect(calls).toHaveLength(21);
  expect(calls.every((c) => c.count <= MAX_REQUESTS_PER_BATCH)).toBe(true);
  const sent = calls.flatMap((c) => (c.body as any).requests.map((r: any) => r.content.parts[0].text));
  expect(sent).toEqual(inputs);
  expect(calls.map((c) => c.count)).toEqual(calls.map((c) => (c.body as any).requests.length));
});

test("large texts close a batch before ~3 MiB, a single oversized text still goes alone", () => {
  const big = "x".repeat(1024 * 1024);
  const calls = buildEmbedCalls([big, big, big, big, "small", "x".repeat(MAX_BATCH_BYTES + 10)], textEmbedding004, undefined);
  expect(calls.map((c) => c.count)).toEqual([2, 3, 1]);
  for (const call of calls.slice(0, 2)) expect(JSON.stringify(call.body).length).toBeLessThan(MAX_BATCH_BYTES + 200);
});
