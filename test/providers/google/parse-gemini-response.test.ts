import { expect, test } from "bun:test";
import { parseGeminiResponse } from "../../../src/providers/google/parse-gemini-response.ts";
import { fixtureJson } from "../../support/fixtures.ts";
import { sequentialIds, thrown } from "./support.ts";

const signature = (file: string, part = 0) => fixtureJson("google", file).candidates[0].content.parts[part].thoughtSignature;

test("google-text.json: text with its signature as a text-part reasoning detail, usage with thoughts", () => {
  expect(parseGeminiResponse(fixtureJson("google", "google-text.json"), { toolCallId: sequentialIds() })).toEqual({
    choices: [
      {
        index: 0,
        content: "There are **3** r's in strawberry.\n\nHere is the breakdown: st**r**awbe**rr**y.",
        finishReason: "stop",
        reasoningDetails: [
          {
            type: "reasoning.encrypted",
            data: "EtoFCtcFAb4+9vtfe4MXRxQjw48U1WKrR/7lYsgFkVi/bepqsSPjY0VU7HEzkeCBIfy1fu5t9aUZ4IZ65aWagqbBrV45fc97olcg",
            id: null,
            format: "google-gemini-v1",
            index: 0,
          },
        ],
      },
    ],
    // 28 visible + 244 thinking tokens
    usage: { promptTokens: 9, completionTokens: 272, cachedTokens: 0, cacheWriteTokens: 0, reasoningTokens: 244 },
  });
});

test("google-reasoning-gemini3.json: thinking without summaries is only counted, not returned", () => {
  const result = parseGeminiResponse(fixtureJson("google", "google-reasoning-gemini3.json"), { toolCallId: sequentialIds() });
  expect(result).toEqual({
    choices: [
      {
        index: 0,
        content: 'There are **3** "r"s in strawberry.\n\nHere is the breakdown: st**r**awbe**rr**y.',
        finishReason: "stop",
        reasoningDetails: [
          {
            type: "reasoning.encrypted",
            data: signature("google-reasoning-gemini3.json"),
            id: null,
            format: "google-gemini-v1",
            index: 0,
          },
        ],
      },
    ],
    usage: { promptTokens: 9, completionTokens: 287, cachedTokens: 0, cacheWriteTokens: 0, reasoningTokens: 258 },
  });
  expect(result.choices[0]!.reasoning).toBeUndefined();
});

test("google-tool-call-gemini3.json: functionCall → tool call, finish tool_calls although Gemini said STOP", () => {
  expect(parseGeminiResponse(fixtureJson("google", "google-tool-call-gemini3.json"), { toolCallId: sequentialIds() })).toEqual({
    choices: [
      {
        index: 0,
        content: null,
        finishReason: "tool_calls",
        toolCalls: [{ id: "call_test_1", name: "weather", arguments: '{"location":"San Francisco"}' }],
        reasoningDetails: [
          {
            type: "reasoning.encrypted",
            data: "Eqo+Cqc+Ab4+9vtgONaaz6qwy6WXdp7gCd2w0X+Wz2gaBgY0Gv6A12JKo0y5vQwf9YQFyhMbKr1E9m17VT6HXd7jXzjaGYaE",
            id: "call_test_1",
            format: "google-gemini-v1",
            index: 0,
          },
        ],
      },
    ],
    usage: { promptTokens: 29, completionTokens: 1816, cachedTokens: 0, cacheWriteTokens: 0, reasoningTokens: 1801 },
  });
});

test("google-tool-use-usage.json: server-side tool prompt tokens count as prompt; empty text is no content", () => {
  expect(parseGeminiResponse(fixtureJson("google", "google-tool-use-usage.json"), { toolCallId: sequentialIds() })).toEqual({
    choices: [{ index: 0, content: null, finishReason: "stop" }],
    // prompt 55 + toolUse 89; completion 51 + thoughts 56; total 251 as Gemini reports
    usage: { promptTokens: 144, completionTokens: 107, cachedTokens: 0, cacheWriteTokens: 0, reasoningTokens: 56 },
  });
});

test("issue-19758-prompt-block.json: a blocked prompt is one content_filter choice with no content", () => {
  expect(parseGeminiResponse(fixtureJson("google", "issue-19758-prompt-block.json"), { toolCallId: sequentialIds() })).toEqual({
    choices: [{ index: 0, content: null, finishReason: "content_filter" }],
    usage: { promptTokens: 9, completionTokens: 0, cachedTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 },
  });
});

test("the adapter generates call_ + 24 alphanumerics, unique per call", () => {
  const body = {
    candidates: [
      {
        content: {
          role: "model",
          parts: [
            { functionCall: { name: "a", args: {} } },
            { functionCall: { name: "b" } },
          ],
        },
        finishReason: "STOP",
      },
    ],
  };
  const [first, second] = parseGeminiResponse(body).choices[0]!.toolCalls!;
  expect(first!.id).toMatch(/^call_[A-Za-z0-9]{24}$/);
  expect(second!.id).toMatch(/^call_[A-Za-z0-9]{24}$/);
  expect(first!.id).not.toBe(second!.id);
  expect(second!.arguments).toBe("{}");
});

test("thought parts become reasoning, several candidates become choices by index, missing usage is zero", () => {
  const body = {
    candidates: [
      {
        index: 1,
        content: { role: "model", parts: [{ text: "B" }] },
        finishReason: "MAX_TOKENS",
      },
      {
        index: 0,
        content: {
          role: "model",
          parts: [
            { text: "Thinking about ", thought: true },
            { text: "it.", thought: true },
            { text: "Hello " },
            { text: "world", thoughtSignature: "sig" },
          ],
        },
        finishReason: "STOP",
      },
    ],
  };
  expect(parseGeminiResponse(body, { toolCallId: sequentialIds() })).toEqual({
    choices: [
      {
        index: 0,
        content: "Hello world",
        reasoning: "Thinking about it.",
        reasoningDetails: [{ type: "reasoning.encrypted", data: "sig", id: null, format: "google-gemini-v1", index: 0 }],
        finishReason: "stop",
      },
      { index: 1, content: "B", finishReason: "length" },
    ],
    usage: { promptTokens: 0, completionTokens: 0, cachedTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 },
  });
});

test("a Gemini-supplied functionCall.id is kept; signatures on parallel calls point at their own call", () => {
  const body = {
    candidates: [
      {
        content: {
          role: "model",
          parts: [
            { functionCall: { name: "a", args: { x: 1 }, id: "g1" }, thoughtSignature: "s1" },
            { functionCall: { name: "b", args: { y: [1, 2] } } },
          ],
        },
        finishReason: "STOP",
      },
    ],
  };
  expect(parseGeminiResponse(body, { toolCallId: sequentialIds() }).choices).toEqual([
    {
      index: 0,
      content: null,
      finishReason: "tool_calls",
      toolCalls: [
        { id: "g1", name: "a", arguments: '{"x":1}' },
        { id: "call_test_1", name: "b", arguments: '{"y":[1,2]}' },
      ],
      reasoningDetails: [{ type: "reasoning.encrypted", data: "s1", id: "g1", format: "google-gemini-v1", index: 0 }],
    },
  ]);
});

test("a candidate without content (safety stop) and one without finishReason", () => {
  const body = {
    candidates: [{ finishReason: "SAFETY" }, { content: { role: "model", parts: [{ text: "x" }] } }],
  };
  expect(parseGeminiResponse(body, { toolCallId: sequentialIds() }).choices).toEqual([
    { index: 0, content: null, finishReason: "content_filter" },
    { index: 1, content: "x", finishReason: "stop" },
  ]);
});

test("a reply without candidates or a block reason is an upstream failure", () => {
  expect(thrown(() => parseGeminiResponse({ usageMetadata: { promptTokenCount: 3 } }))).toEqual({
    status: 503,
    error: { type: "upstream_error", code: "no_supplier", message: "google returned a reply without candidates" },
  });
  expect(thrown(() => parseGeminiResponse({ error: { code: 500, status: "INTERNAL", message: "boom" } }))).toEqual({
    status: 503,
    error: { type: "upstream_error", code: "no_supplier", message: "google returned 500 INTERNAL: boom" },
  });
});
