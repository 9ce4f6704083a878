import { expect, test } from "bun:test";
import { mapGeminiFinishReason } from "../../../src/providers/google/map-gemini-finish-reason.ts";

test("finish reasons per reference E.1", () => {
  const table: Record<string, string> = {
    STOP: "stop",
    FINISH_REASON_UNSPECIFIED: "stop",
    MAX_TOKENS: "length",
    SAFETY: "content_filter",
    BLOCKLIST: "content_filter",
    PROHIBITED_CONTENT: "content_filter",
    SPII: "content_filter",
    IMAGE_SAFETY: "content_filter",
    IMAGE_PROHIBITED_CONTENT: "content_filter",
    LANGUAGE: "content_filter",
    RECITATION: "content_filter",
    IMAGE_RECITATION: "content_filter",
    OTHER: "content_filter",
    IMAGE_OTHER: "content_filter",
    MALFORMED_FUNCTION_CALL: "stop",
    UNEXPECTED_TOOL_CALL: "stop",
    TOO_MANY_TOOL_CALLS: "stop",
    MISSING_THOUGHT_SIGNATURE: "stop",
    SOMETHING_NEW: "stop",
  };
  for (const [reason, expected] of Object.entries(table)) {
    expect([reason, mapGeminiFinishReason(reason, false)]).toEqual([reason, expected]);
  }
  expect(mapGeminiFinishReason(undefined, false)).toBe("stop");
  expect(mapGeminiFinishReason("STOP", true)).toBe("tool_calls");
  expect(mapGeminiFinishReason("MAX_TOKENS", true)).toBe("tool_calls");
});
