import { expect, test } from "bun:test";
import type { StreamEvent } from "../../../../src/providers/types.ts";
import { createGeminiStreamTranslator } from "../../../../src/providers/google/gemini-stream-translator.ts";
import { parseGeminiResponse } from "../../../../src/providers/google/parse-gemini-response.ts";

// A reply on a context cache (explicit or implicit): cachedContentTokenCount is
// the cached subset of promptTokenCount (reference C.7, E.5).
const usageMetadata = {
  promptTokenCount: 5000,
  cachedContentTokenCount: 4096,
  candidatesTokenCount: 20,
  thoughtsTokenCount: 30,
  totalTokenCount: 5050,
};
const expected = { promptTokens: 5000, completionTokens: 50, cachedTokens: 4096, cacheWriteTokens: 0, reasoningTokens: 30 };

test("non-streaming: cached tokens are reported as cachedTokens and stay inside promptTokens", () => {
  const result = parseGeminiResponse({
    candidates: [{ content: { role: "model", parts: [{ text: "Covered." }] }, finishReason: "STOP", index: 0 }],
    usageMetadata,
  });
  expect(result.usage).toEqual(expected);
});

test("streaming: the last chunk's cumulative usage carries the cached tokens", () => {
  const translator = createGeminiStreamTranslator();
  const chunk = (text: string, usage: object, finishReason?: string) =>
    JSON.stringify({ candidates: [{ content: { role: "model", parts: [{ text }] }, index: 0, finishReason }], usageMetadata: usage });
  const events: StreamEvent[] = [
    ...translator.push(undefined, chunk("Cov", { ...usageMetadata, candidatesTokenCount: 1, totalTokenCount: 5031 })),
    ...translator.push(undefined, chunk("ered.", usageMetadata, "STOP")),
    ...translator.end(),
  ];
  expect(events.filter((event) => event.type === "usage").at(-1)).toEqual({ type: "usage", usage: expected, outputCounted: true });
});
