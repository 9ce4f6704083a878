import { expect, test } from "bun:test";
import type { StreamEvent, TokenUsage } from "../../../src/providers/types.ts";
import { createGeminiStreamTranslator } from "../../../src/providers/google/gemini-stream-translator.ts";
import { fixtureChunks } from "../../support/fixtures.ts";
import { sequentialIds, thrown } from "./support.ts";

/** Pushes every chunk and ends the stream, collecting the events of each push separately. */
function translate(chunks: string[]): StreamEvent[][] {
  const translator = createGeminiStreamTranslator({ toolCallId: sequentialIds() });
  const perChunk = chunks.map((chunk) => translator.push(undefined, chunk));
  perChunk.push(translator.end());
  return perChunk;
}

const translateFixture = (file: string) => translate(fixtureChunks("google", file));

/** The thoughtSignature of a chunk's first part, read from the fixture itself (they are 1-5 KB long). */
const chunkSignature = (file: string, line: number) =>
  JSON.parse(fixtureChunks("google", file)[line]!).candidates[0].content.parts[0].thoughtSignature as string;

const usage = (promptTokens: number, completionTokens: number, reasoningTokens: number, cachedTokens = 0) => ({
  type: "usage" as const,
  usage: { promptTokens, completionTokens, cachedTokens, cacheWriteTokens: 0, reasoningTokens } satisfies TokenUsage,
  outputCounted: true,
});

const encrypted = (data: string, id: string | null, index = 0) => ({
  type: "reasoning.encrypted",
  data,
  id,
  format: "google-gemini-v1",
  index,
});

test("google-text.chunks.txt: text deltas per chunk, the signature on the empty final part, finish, cumulative usage", () => {
  expect(translateFixture("google-text.chunks.txt")).toEqual([
    [{ type: "text", choice: 0, text: "There are **3**" }, usage(9, 190, 185)],
    [{ type: "text", choice: 0, text: ' "r"s in strawberry.\n\nst**r**awbe**rr**y' }, usage(9, 208, 185)],
    [
      {
        type: "reasoning_detail",
        choice: 0,
        detail: encrypted(chunkSignature("google-text.chunks.txt", 2), null),
      },
      { type: "finish", choice: 0, reason: "stop" },
      usage(9, 208, 185),
    ],
    [],
  ]);
});

test("google-reasoning-gemini3.chunks.txt: same shape, signature on a trailing empty part", () => {
  expect(translateFixture("google-reasoning-gemini3.chunks.txt")).toEqual([
    [{ type: "text", choice: 0, text: 'There are **3** "r"s in strawberry.\n\n' }, usage(9, 315, 302)],
    [{ type: "text", choice: 0, text: "St**r**awbe**rr**y" }, usage(9, 325, 302)],
    [
      {
        type: "reasoning_detail",
        choice: 0,
        detail: encrypted(chunkSignature("google-reasoning-gemini3.chunks.txt", 2), null),
      },
      { type: "finish", choice: 0, reason: "stop" },
      usage(9, 325, 302),
    ],
    [],
  ]);
});

test("gemma-4-output-usage.chunks.txt: thought summaries stream as reasoning, then the answer", () => {
  expect(translateFixture("gemma-4-output-usage.chunks.txt")).toEqual([
    [{ type: "reasoning", choice: 0, text: '*   User input: "Reply with exactly: hello"\n    ' }, usage(6, 14, 14)],
    [
      {
        type: "reasoning",
        choice: 0,
        text: '*   Constraint: The response must be "exactly: hello".\n    *   Goal: Comply with the specific',
      },
      usage(6, 38, 38),
    ],
    [
      {
        type: "reasoning",
        choice: 0,
        text: ' instruction.\n\n    *   The user wants a single word: "hello".\n\n    *   Input: "Reply',
      },
      usage(6, 62, 62),
    ],
    [{ type: "reasoning", choice: 0, text: ' with exactly: hello"\n    *   Output: "hello"' }, usage(6, 76, 76)],
    [{ type: "text", choice: 0, text: "hello" }, usage(6, 77, 76)],
    [{ type: "finish", choice: 0, reason: "stop" }, usage(6, 77, 76)],
    [],
  ]);
});

test("google-tool-call-gemini3.chunks.txt: a whole call in one chunk, its signature tied to the call id", () => {
  expect(translateFixture("google-tool-call-gemini3.chunks.txt")).toEqual([
    [
      { type: "tool_call_start", choice: 0, call: 0, id: "call_test_1", name: "weather" },
      { type: "tool_call_delta", choice: 0, call: 0, arguments: '{"location":"San Francisco"}' },
      {
        type: "reasoning_detail",
        choice: 0,
        detail: encrypted(chunkSignature("google-tool-call-gemini3.chunks.txt", 0), "call_test_1"),
      },
      usage(29, 819, 804),
    ],
    [{ type: "finish", choice: 0, reason: "tool_calls" }, usage(29, 819, 804)],
    [],
  ]);
});

test("issue-10781.1.chunks.txt: text, then a call with Gemini's own id, then STOP → tool_calls", () => {
  const signature = JSON.parse(fixtureChunks("google", "issue-10781.1.chunks.txt")[1]!).candidates[0].content.parts[0]
    .thoughtSignature;
  expect(translateFixture("issue-10781.1.chunks.txt")).toEqual([
    [{ type: "text", choice: 0, text: "Let me check." }, usage(83, 182, 178)],
    [
      { type: "tool_call_start", choice: 0, call: 0, id: "g1bmv6il", name: "get_weather" },
      { type: "tool_call_delta", choice: 0, call: 0, arguments: '{"city":"San Francisco"}' },
      { type: "reasoning_detail", choice: 0, detail: encrypted(signature, "g1bmv6il") },
      usage(83, 199, 178),
    ],
    [{ type: "finish", choice: 0, reason: "tool_calls" }, usage(83, 199, 178)],
    [],
  ]);
});

test("google-stream-no-args-tool-call.chunks.txt (Vertex): a no-args call, then 3 calls with streamed partialArgs", () => {
  const file = "google-stream-no-args-tool-call.chunks.txt";
  expect(translateFixture(file)).toEqual([
    [
      {
        type: "reasoning",
        choice: 0,
        text:
          "**Processing User Requests**\n\nI've started by understanding the user's instructions. " +
          "Currently, I'm focusing on the initial steps: reading the specified theme using the appropriate tool. " +
          'Next, I plan to tackle reading the screens, beginning with screen "A," then proceeding with "B" and "C" ' +
          "in parallel as instructed.\n\n\n",
      },
    ],
    [
      { type: "tool_call_start", choice: 0, call: 0, id: "call_test_1", name: "read_theme" },
      { type: "tool_call_delta", choice: 0, call: 0, arguments: "{}" },
      { type: "reasoning_detail", choice: 0, detail: encrypted(chunkSignature(file, 1), "call_test_1") },
    ],
    // read_screen "A": the name arrives first, the arguments when the call closes (functionCall: {}).
    [{ type: "tool_call_start", choice: 0, call: 1, id: "call_test_2", name: "read_screen" }],
    [],
    [],
    [{ type: "tool_call_delta", choice: 0, call: 1, arguments: '{"id":"A"}' }],
    [{ type: "tool_call_start", choice: 0, call: 2, id: "call_test_3", name: "read_screen" }],
    [],
    [],
    [{ type: "tool_call_delta", choice: 0, call: 2, arguments: '{"id":"B"}' }],
    [{ type: "tool_call_start", choice: 0, call: 3, id: "call_test_4", name: "read_screen" }],
    [],
    [],
    [{ type: "tool_call_delta", choice: 0, call: 3, arguments: '{"id":"C"}' }],
    // Only the last chunk has token counts; the count-less Vertex usageMetadata emits nothing.
    [{ type: "finish", choice: 0, reason: "tool_calls" }, usage(249, 241, 183)],
    [],
  ]);
});

test("issue-19758-prompt-block.chunks.txt: a blocked prompt finishes choice 0 with content_filter and ends cleanly", () => {
  expect(translateFixture("issue-19758-prompt-block.chunks.txt")).toEqual([
    [{ type: "finish", choice: 0, reason: "content_filter" }, usage(9, 0, 0)],
    [],
  ]);
});

test("google-usage-raw-live.chunks.txt: usage with cache and tool-use tokens; no candidates means an incomplete stream", () => {
  const translator = createGeminiStreamTranslator({ toolCallId: sequentialIds() });
  const [chunk] = fixtureChunks("google", "google-usage-raw-live.chunks.txt");
  // prompt 12 + toolUse 65, completion 71 + thoughts 89 (= total 237), 4 cached
  expect(translator.push(undefined, chunk!)).toEqual([usage(77, 160, 89, 4)]);
  expect(thrown(() => translator.end())).toEqual({
    status: 502,
    error: { type: "upstream_error", code: "stream_error", message: "upstream stream ended before completion" },
  });
});

test("a stream cut before finishReason throws at end()", () => {
  const translator = createGeminiStreamTranslator({ toolCallId: sequentialIds() });
  const [first] = fixtureChunks("google", "google-text.chunks.txt");
  translator.push(undefined, first!);
  expect(thrown(() => translator.end()).error.code).toBe("stream_error");
});

test("an error payload mid-stream throws with the upstream status as code; end() then stays quiet", () => {
  const translator = createGeminiStreamTranslator();
  translator.push(undefined, fixtureChunks("google", "google-text.chunks.txt")[0]!);
  const error = JSON.stringify({
    error: { code: 503, message: "The model is overloaded. Please try again later.", status: "UNAVAILABLE" },
  });
  expect(thrown(() => translator.push(undefined, error))).toEqual({
    status: 502,
    error: {
      type: "upstream_error",
      code: "unavailable",
      message: "google returned 503 UNAVAILABLE: The model is overloaded. Please try again later.",
    },
  });
  expect(translator.end()).toEqual([]);
});

test("an error payload without a status uses stream_error", () => {
  const translator = createGeminiStreamTranslator();
  expect(thrown(() => translator.push(undefined, '{"error":{"message":"bad"}}'))).toEqual({
    status: 502,
    error: { type: "upstream_error", code: "stream_error", message: "google returned an error: bad" },
  });
});

test("unparsable or non-object payloads throw stream_error", () => {
  expect(thrown(() => createGeminiStreamTranslator().push(undefined, '{"candidates":['))).toEqual({
    status: 502,
    error: { type: "upstream_error", code: "stream_error", message: "google sent an unparsable stream event" },
  });
  expect(thrown(() => createGeminiStreamTranslator().push(undefined, "[]")).error.message).toBe(
    "google sent an unparsable stream event",
  );
});

test("two candidates: per-choice call indexes and finishes; end() waits for every choice", () => {
  const translator = createGeminiStreamTranslator({ toolCallId: sequentialIds() });
  const chunk = (candidates: unknown[]) => JSON.stringify({ candidates });
  expect(
    translator.push(
      undefined,
      chunk([
        { index: 0, content: { parts: [{ functionCall: { name: "f", args: { a: 1 } } }] } },
        { index: 1, content: { parts: [{ functionCall: { name: "g" } }] }, finishReason: "STOP" },
      ]),
    ),
  ).toEqual([
    { type: "tool_call_start", choice: 0, call: 0, id: "call_test_1", name: "f" },
    { type: "tool_call_delta", choice: 0, call: 0, arguments: '{"a":1}' },
    { type: "tool_call_start", choice: 1, call: 0, id: "call_test_2", name: "g" },
    { type: "tool_call_delta", choice: 1, call: 0, arguments: "{}" },
    { type: "finish", choice: 1, reason: "tool_calls" },
  ]);
  expect(() => translator.end()).toThrow("upstream stream ended before completion");
  expect(translator.push(undefined, chunk([{ index: 0, finishReason: "MAX_TOKENS" }]))).toEqual([
    { type: "finish", choice: 0, reason: "tool_calls" },
  ]);
  expect(translator.end()).toEqual([]);
});

test("a finishReason closes a call whose streamed arguments never got a closing part", () => {
  const translator = createGeminiStreamTranslator({ toolCallId: sequentialIds() });
  const part = (functionCall: unknown, finishReason?: string) =>
    JSON.stringify({ candidates: [{ content: { parts: [{ functionCall }] }, finishReason }] });
  translator.push(undefined, part({ name: "set", willContinue: true }));
  expect(
    translator.push(
      undefined,
      part({ partialArgs: [{ jsonPath: "$.level", numberValue: 3 }], willContinue: true }, "STOP"),
    ),
  ).toEqual([
    { type: "tool_call_delta", choice: 0, call: 0, arguments: '{"level":3}' },
    { type: "finish", choice: 0, reason: "tool_calls" },
  ]);
});
