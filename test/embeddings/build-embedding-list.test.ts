import { expect, test } from "bun:test";
import { encodeFloat32Base64, toEmbeddingList } from "../../src/openai/build-embedding-list.ts";
import { decodeBase64Float32 } from "./support.ts";

test("base64 is little-endian float32", () => {
  expect(encodeFloat32Base64([1])).toBe("AACAPw=="); // 0x3f800000 little-endian: 00 00 80 3f
  expect(encodeFloat32Base64([-2, 0.5])).toBe(Buffer.from([0, 0, 0, 0xc0, 0, 0, 0, 0x3f]).toString("base64"));
  expect(encodeFloat32Base64([])).toBe("");
});

test("base64 decodes, as the official client does, to the float32 value of each number", () => {
  const values = [0.5138951, -0.8633931, 1e-8, -3.4e38, 0];
  expect(decodeBase64Float32(encodeFloat32Base64(values))).toEqual(values.map(Math.fround));
});

test("the list keeps input order in `index`; float leaves the numbers as they are", () => {
  const usage = { prompt_tokens: 3, total_tokens: 3, cost: 0 };
  const list = toEmbeddingList([[0.1, 0.2], [0.3]], "float", "google/text-embedding-004", usage);
  expect(list).toEqual({
    object: "list",
    data: [
      { object: "embedding", index: 0, embedding: [0.1, 0.2] },
      { object: "embedding", index: 1, embedding: [0.3] },
    ],
    model: "google/text-embedding-004",
    usage,
  });
  const base64 = toEmbeddingList([[1]], "base64", "m", usage);
  expect(base64.data[0]!.embedding).toBe("AACAPw==");
});
