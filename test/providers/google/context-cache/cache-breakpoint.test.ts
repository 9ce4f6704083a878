import { expect, test } from "bun:test";
import type { ChatCompletionRequest, ChatMessage } from "../../../../src/openai/chat-request.ts";
import type { GeminiCall } from "../../../../src/providers/google/build-gemini-request.ts";
import { ttlSeconds } from "../../../../src/providers/google/context-cache/cache-breakpoint.ts";
import { buildGemini, chatRequest, googleModel } from "../support.ts";

const model = googleModel("gemini-2.5-flash");
const cc = { type: "ephemeral" as const };
const text = (value: string, cache = false) => ({ type: "text", text: value, ...(cache && { cache_control: cc }) });

const breakpointOf = (messages: ChatMessage[], fields: Partial<ChatCompletionRequest> = {}) =>
  (buildGemini(chatRequest({ messages, ...fields }), model, false) as GeminiCall).cacheBreakpoint;

test("no cache_control: no breakpoint, and the call is exactly what it was", () => {
  const call = buildGemini(chatRequest(), model, false);
  expect(Object.keys(call)).toEqual(["path", "body", "upstreamModel", "maxOutputTokens"]);
});

test("a system breakpoint covers systemInstruction and tools only; the default ttl is 5 minutes", () => {
  expect(breakpointOf([{ role: "system", content: [text("Manual.", true)] }, { role: "user", content: "Hi" }])).toEqual({
    turn: 0,
    part: 0,
    ttlSeconds: 300,
  });
});

test("a user part breakpoint ends the prefix right after that part, even inside a merged turn", () => {
  const messages: ChatMessage[] = [
    { role: "system", content: [text("Manual.", true)] },
    { role: "user", content: [text("Document.", true), text("Question?")] },
    // Merged into the same user turn as the message before.
    { role: "user", content: "And another." },
  ];
  expect(breakpointOf(messages)).toEqual({ turn: 0, part: 1, ttlSeconds: 300 });
});

test("only the last breakpoint counts, with its own ttl; a later system message does not move it back", () => {
  const messages: ChatMessage[] = [
    { role: "user", content: [text("Doc A", true)] },
    { role: "assistant", content: [text("Read it.", true)] },
    { role: "user", content: [{ ...text("Doc B"), cache_control: { type: "ephemeral", ttl: "1h" } }, text("Q")] },
    { role: "system", content: [text("Late system.", true)] },
  ];
  expect(breakpointOf(messages)).toEqual({ turn: 2, part: 1, ttlSeconds: 3600 });
});

test("assistant text and tool results carry breakpoints too", () => {
  const call = { id: "call_1", type: "function" as const, function: { name: "lookup", arguments: "{}" } };
  const chat: ChatMessage[] = [
    { role: "user", content: "Hi" },
    { role: "assistant", content: [text("Hello.", true)] },
    { role: "user", content: "More" },
  ];
  expect(breakpointOf(chat)).toEqual({ turn: 1, part: 1, ttlSeconds: 300 });
  expect(
    breakpointOf(
      [
        { role: "user", content: "Look it up" },
        { role: "assistant", content: null, tool_calls: [call] },
        { role: "tool", tool_call_id: "call_1", content: [text('{"a":'), text("1}", true)] },
      ],
      { tools: [{ type: "function", function: { name: "lookup" } }] },
    ),
  ).toEqual({ turn: 2, part: 1, ttlSeconds: 300 });
});

test("a breakpoint on an empty text part (dropped, Gemini rejects empty text) does not count", () => {
  expect(breakpointOf([{ role: "system", content: [text("", true)] }, { role: "user", content: "Hi" }])).toBeUndefined();
});

test("ttl: the documented 5m and 1h, any <n>s|m|h, and the default for anything else", () => {
  expect([ttlSeconds("5m"), ttlSeconds("1h"), ttlSeconds("90s"), ttlSeconds("2h")]).toEqual([300, 3600, 90, 7200]);
  expect([ttlSeconds(undefined), ttlSeconds("0s"), ttlSeconds("forever"), ttlSeconds("5 m")]).toEqual([300, 300, 300, 300]);
});
