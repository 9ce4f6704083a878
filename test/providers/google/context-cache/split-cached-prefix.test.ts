import { expect, test } from "bun:test";
import type { GeminiContent, GeminiRequest } from "../../../../src/providers/google/gemini-api-types.ts";
import { splitCachedPrefix } from "../../../../src/providers/google/context-cache/split-cached-prefix.ts";

const user = (...texts: string[]): GeminiContent => ({ role: "user", parts: texts.map((text) => ({ text })) });
const model = (...texts: string[]): GeminiContent => ({ role: "model", parts: texts.map((text) => ({ text })) });
const system = { parts: [{ text: "Manual." }] };
const tools = [{ functionDeclarations: [{ name: "lookup" }] }];
const toolConfig = { functionCallingConfig: { mode: "AUTO" as const } };
const cut = (turn: number, part: number) => ({ turn, part, ttlSeconds: 300 });

test("a system breakpoint caches systemInstruction, tools and toolConfig; every turn stays in the request", () => {
  const body: GeminiRequest = { systemInstruction: system, contents: [user("Q")], tools, toolConfig };
  expect(splitCachedPrefix(body, cut(0, 0))).toEqual({
    prefix: { systemInstruction: system, tools, toolConfig },
    contents: [user("Q")],
  });
});

test("a user turn is cut after the marked part: the cache ends with the document, the request starts with the question", () => {
  const body: GeminiRequest = { systemInstruction: system, contents: [user("Doc", "Q")] };
  expect(splitCachedPrefix(body, cut(0, 1))).toEqual({
    prefix: { systemInstruction: system, contents: [user("Doc")] },
    contents: [user("Q")],
  });
});

test("a cut after a turn's last part moves before the next turn", () => {
  const body: GeminiRequest = { contents: [user("Doc"), model("Ok"), user("Q")] };
  expect(splitCachedPrefix(body, cut(1, 1))).toEqual({
    prefix: { contents: [user("Doc"), model("Ok")] },
    contents: [user("Q")],
  });
});

test("a model turn is never cut (its parts may carry thought signatures): the cut moves to its start", () => {
  const body: GeminiRequest = { systemInstruction: system, contents: [user("Doc"), model("A", "B"), user("Q")] };
  expect(splitCachedPrefix(body, cut(1, 1))).toEqual({
    prefix: { systemInstruction: system, contents: [user("Doc")] },
    contents: [model("A", "B"), user("Q")],
  });
});

test("a turn of tool results is never cut: parallel functionResponses stay together", () => {
  const results: GeminiContent = {
    role: "user",
    parts: [
      { functionResponse: { name: "a", response: { output: 1 } } },
      { functionResponse: { name: "b", response: { output: 2 } } },
    ],
  };
  const body: GeminiRequest = { contents: [user("Go"), model("Calling"), results], tools };
  expect(splitCachedPrefix(body, cut(2, 1))).toEqual({
    prefix: { contents: [user("Go"), model("Calling")], tools },
    contents: [results],
  });
});

test("the last turn always stays in the request", () => {
  const body: GeminiRequest = { systemInstruction: system, contents: [user("Doc"), model("Ok"), user("Q")] };
  expect(splitCachedPrefix(body, cut(2, 1))).toEqual({
    prefix: { systemInstruction: system, contents: [user("Doc"), model("Ok")] },
    contents: [user("Q")],
  });
});

test("nothing to cache (no system, no tools, the only turn stays): undefined", () => {
  expect(splitCachedPrefix({ contents: [user("Doc", "Q")] }, cut(0, 2))).toBeUndefined();
});

test("the body is not modified", () => {
  const body: GeminiRequest = { systemInstruction: system, contents: [user("Doc", "Q")] };
  const before = structuredClone(body);
  splitCachedPrefix(body, cut(0, 1));
  expect(body).toEqual(before);
});
