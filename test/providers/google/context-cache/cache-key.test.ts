import { expect, test } from "bun:test";
import { cacheKey } from "../../../../src/providers/google/context-cache/cache-key.ts";

const prefix = { systemInstruction: { parts: [{ text: "Manual." }] } };

test("the same model and prefix give the same key, a sha256 that names nothing of the content", () => {
  const key = cacheKey("gemini-2.5-flash", prefix);
  expect(key).toMatch(/^[0-9a-f]{64}$/);
  expect(cacheKey("gemini-2.5-flash", structuredClone(prefix))).toBe(key);
});

test("another model, system text, cached turn, tool or tool config gives another key", () => {
  const key = cacheKey("gemini-2.5-flash", prefix);
  const others = [
    cacheKey("gemini-2.5-pro", prefix),
    cacheKey("gemini-2.5-flash", { systemInstruction: { parts: [{ text: "Manual!" }] } }),
    cacheKey("gemini-2.5-flash", { ...prefix, contents: [{ role: "user", parts: [{ text: "Doc" }] }] }),
    cacheKey("gemini-2.5-flash", { ...prefix, tools: [{ functionDeclarations: [{ name: "lookup" }] }] }),
    cacheKey("gemini-2.5-flash", {
      ...prefix,
      tools: [{ functionDeclarations: [{ name: "lookup" }] }],
      toolConfig: { functionCallingConfig: { mode: "ANY" } },
    }),
  ];
  expect(new Set([key, ...others]).size).toBe(others.length + 1);
});
