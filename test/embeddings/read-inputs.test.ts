import { expect, test } from "bun:test";
import { modelAccess } from "../../src/auth/model-access.ts";
import type { Catalog } from "../../src/catalog/catalog.ts";
import { resolveModel } from "../../src/catalog/resolve-model.ts";
import { readInputs } from "../../src/embeddings/read-inputs.ts";
import { estimatePromptTokens, worstCaseInputTokens } from "../../src/embeddings/token-estimate.ts";
import { MAX_EMBEDDING_INPUTS } from "../../src/openai/embeddings.ts";
import { textEmbedding004, thrown } from "./support.ts";

const rejected = (message: string) => ({
  status: 400,
  error: { type: "invalid_request_error", code: "invalid_request", param: "input", message },
});

test("a string is one input, an array of strings one input per item", () => {
  expect(readInputs("hello")).toEqual(["hello"]);
  expect(readInputs(["a", "b"])).toEqual(["a", "b"]);
  expect(readInputs(Array(MAX_EMBEDDING_INPUTS).fill("x"))).toHaveLength(2048);
});

test("empty input, empty strings and token ids → 400 with a clear message", () => {
  expect(thrown(() => readInputs(""))).toEqual(rejected("'input' is an empty string: send at least one character"));
  expect(thrown(() => readInputs([]))).toEqual(rejected("'input' is an empty array: send at least one string"));
  expect(thrown(() => readInputs(["a", "", "c"]))).toEqual(
    rejected("'input[1]' is an empty string: every input must be non-empty"),
  );
  const tokenIds = rejected("token-id input is not supported: send 'input' as a string or an array of strings");
  expect(thrown(() => readInputs([1, 2, 3]))).toEqual(tokenIds);
  expect(thrown(() => readInputs([[1, 2], [3]]))).toEqual(tokenIds);
  expect(thrown(() => readInputs(["a", 1]))).toEqual(tokenIds);
});

test("more than 2048 inputs → 400 that states the limit", () => {
  expect(thrown(() => readInputs(Array(2049).fill("x")))).toEqual(
    rejected("'input' has 2049 items: at most 2048 inputs are allowed per request"),
  );
});

const gemini3Flash = { ...textEmbedding004, id: "google/gemini-3-flash", kind: "chat" as const };
const models = new Map([
  [textEmbedding004.id, textEmbedding004],
  [gemini3Flash.id, gemini3Flash],
]);
const catalog = { get: (id: string) => models.get(id) } as Catalog;

test("model resolution: unknown → model_not_found, chat model → embeddings_unsupported", () => {
  expect(resolveModel(catalog, "google/text-embedding-004", "embedding", null)).toBe(textEmbedding004);
  expect(thrown(() => resolveModel(catalog, "openai/text-embedding-3-small", "embedding", null))).toEqual({
    status: 400,
    error: {
      type: "invalid_request_error",
      code: "model_not_found",
      param: "model",
      message: 'model "openai/text-embedding-3-small" not found',
    },
  });
  expect(thrown(() => resolveModel(catalog, "google/gemini-3-flash", "embedding", null))).toEqual({
    status: 400,
    error: {
      type: "invalid_request_error",
      code: "embeddings_unsupported",
      param: "model",
      message: 'model "google/gemini-3-flash" does not support embeddings: use it on POST /v1/chat/completions',
    },
  });
});

test("the same resolution for a generation: embedding model → chat_unsupported; a model off the key's list → model_not_found", () => {
  expect(resolveModel(catalog, gemini3Flash.id, "chat", null)).toBe(gemini3Flash);
  expect(thrown(() => resolveModel(catalog, textEmbedding004.id, "chat", null))).toEqual({
    status: 400,
    error: {
      type: "invalid_request_error",
      code: "chat_unsupported",
      param: "model",
      message: 'model "google/text-embedding-004" is an embedding model: use POST /v1/embeddings',
    },
  });
  const onlyAnthropic = modelAccess(["anthropic/*"]);
  for (const [id, kind] of [[gemini3Flash.id, "chat"], [textEmbedding004.id, "embedding"]] as const) {
    expect(thrown(() => resolveModel(catalog, id, kind, onlyAnthropic)).error.code).toBe("model_not_found");
  }
});

test("worst case = UTF-8 bytes; the estimate = ceil(bytes / 4) per input, at least 1, and never above the worst case", () => {
  const inputs = ["a", "hello world", "안녕하세요", "😀"];
  expect(worstCaseInputTokens(inputs)).toBe(1 + 11 + 15 + 4);
  expect(estimatePromptTokens(inputs)).toBe(1 + 3 + 4 + 1);
  expect(estimatePromptTokens(inputs)).toBeLessThanOrEqual(worstCaseInputTokens(inputs));
});
