import { describe, expect, test } from "bun:test";
import type { ChatCompletionRequest } from "../../../src/openai/chat-request.ts";
import type {
  AnthropicThinking,
  AnthropicThinkingDisplay,
} from "../../../src/providers/anthropic/anthropic-api-types.ts";
import { fixtureJson } from "../../support/fixtures.ts";
import { anthropicBody, anthropicModel, translateFixture } from "./helpers.ts";
import { parseAnthropicResponse } from "../../../src/providers/anthropic/parse-anthropic-response.ts";

type Req = Omit<ChatCompletionRequest, "model" | "messages">;
const hi: ChatCompletionRequest["messages"] = [{ role: "user", content: "Hi" }];

/** The thinking-related part of the body built for `model`. */
function thinkingOf(name: string, req: Req) {
  const body = anthropicBody({ messages: hi, ...req }, anthropicModel(name));
  const { max_tokens, thinking, output_config, temperature, top_p } = body;
  return { max_tokens, thinking, output_config, temperature, top_p };
}

const enabled = (budget_tokens: number, display: AnthropicThinkingDisplay = "summarized"): AnthropicThinking => ({
  type: "enabled",
  budget_tokens,
  display,
});
const adaptive = (display: AnthropicThinkingDisplay = "summarized"): AnthropicThinking => ({
  type: "adaptive",
  display,
});

describe("budget family: claude-sonnet-4-5, claude-haiku-4-5", () => {
  test.each([
    ["max", 7782],
    ["xhigh", 7782],
    ["high", 6553],
    ["medium", 4096],
    ["low", 1638],
    ["minimal", 1024], // 819 raised to Anthropic's minimum
  ] as const)("effort %s → budget_tokens %d of the default 8192", (effort, budget) => {
    expect(thinkingOf("claude-sonnet-4-5", { reasoning: { effort } })).toEqual({
      max_tokens: 8192,
      thinking: enabled(budget),
      output_config: undefined,
      temperature: undefined,
      top_p: undefined,
    });
  });

  test("the ratio applies to the request's max_tokens; reasoning_effort is an alias", () => {
    expect(thinkingOf("claude-haiku-4-5", { max_completion_tokens: 10000, reasoning_effort: "high" })).toMatchObject({
      max_tokens: 10000,
      thinking: enabled(8000),
    });
    // reasoning.effort wins over the alias.
    expect(
      thinkingOf("claude-haiku-4-5", { max_tokens: 10000, reasoning_effort: "high", reasoning: { effort: "low" } }),
    ).toMatchObject({ thinking: enabled(2000) });
  });

  test("reasoning.max_tokens is the budget, at least 1024, and max_tokens is raised above it within the model maximum", () => {
    expect(thinkingOf("claude-sonnet-4-5", { reasoning: { max_tokens: 3000 } })).toMatchObject({
      max_tokens: 8192,
      thinking: enabled(3000),
    });
    expect(thinkingOf("claude-sonnet-4-5", { reasoning: { max_tokens: 300 } })).toMatchObject({
      thinking: enabled(1024),
    });
    expect(thinkingOf("claude-sonnet-4-5", { max_tokens: 1000, reasoning: { max_tokens: 2000 } })).toMatchObject({
      max_tokens: 3000,
      thinking: enabled(2000),
    });
    expect(thinkingOf("claude-sonnet-4-5", { max_tokens: 500, reasoning: { effort: "low" } })).toMatchObject({
      max_tokens: 1524,
      thinking: enabled(1024),
    });
    expect(thinkingOf("claude-sonnet-4-5", { max_tokens: 64000, reasoning: { max_tokens: 64000 } })).toMatchObject({
      max_tokens: 64000,
      thinking: enabled(63999),
    });
  });

  test("enabled alone, or an empty reasoning object, means medium", () => {
    expect(thinkingOf("claude-sonnet-4-5", { reasoning: { enabled: true } }).thinking).toEqual(enabled(4096));
    expect(thinkingOf("claude-sonnet-4-5", { reasoning: {} }).thinking).toEqual(enabled(4096));
  });

  test("exclude: the model still thinks, with display omitted", () => {
    expect(thinkingOf("claude-sonnet-4-5", { reasoning: { effort: "high", exclude: true } }).thinking).toEqual(
      enabled(6553, "omitted"),
    );
    expect(thinkingOf("claude-sonnet-4-5", { reasoning: { exclude: true } }).thinking).toEqual(
      enabled(4096, "omitted"),
    );
  });

  test.each([
    ["effort none", { reasoning: { effort: "none" } }],
    ["reasoning_effort none", { reasoning_effort: "none" }],
    ["enabled false", { reasoning: { enabled: false, effort: "high" } }],
    ["a zero budget", { reasoning: { max_tokens: 0 } }],
    ["no reasoning field", {}],
  ] as [string, Req][])("%s → no thinking, sampling kept", (_, req) => {
    expect(thinkingOf("claude-sonnet-4-5", { ...req, temperature: 0.4 })).toEqual({
      max_tokens: 8192,
      thinking: undefined,
      output_config: undefined,
      temperature: 0.4,
      top_p: undefined,
    });
  });

  test("while thinking, temperature is dropped and top_p kept only from 0.95", () => {
    expect(thinkingOf("claude-sonnet-4-5", { reasoning: { effort: "low" }, temperature: 0.2 })).toMatchObject({
      temperature: undefined,
      top_p: undefined,
    });
    expect(thinkingOf("claude-sonnet-4-5", { reasoning: { effort: "low" }, top_p: 0.5 }).top_p).toBeUndefined();
    expect(
      thinkingOf("claude-sonnet-4-5", { reasoning: { effort: "low" }, temperature: 0.2, top_p: 0.97 }),
    ).toMatchObject({
      temperature: undefined,
      top_p: 0.97,
    });
  });

  test("dated snapshots and unlisted models use budget thinking", () => {
    expect(thinkingOf("claude-sonnet-4-5-20250929", { reasoning: { effort: "medium" } }).thinking).toEqual(
      enabled(4096),
    );
    expect(thinkingOf("claude-future-1", { reasoning: { effort: "medium" } }).thinking).toEqual(enabled(4096));
  });

  test("a model the catalog marks as not reasoning ignores reasoning", () => {
    const body = anthropicBody(
      { messages: hi, reasoning: { effort: "high" }, temperature: 0.5 },
      anthropicModel("claude-sonnet-4-5", { supportsReasoning: false }),
    );
    expect(body).toEqual({
      model: "claude-sonnet-4-5",
      max_tokens: 8192,
      messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }],
      temperature: 0.5,
    });
  });
});

describe("adaptive + effort family: claude-opus-4-6, claude-sonnet-4-6", () => {
  test.each([
    ["minimal", "low"],
    ["low", "low"],
    ["medium", "medium"],
    ["high", "high"],
    ["xhigh", "max"], // no xhigh before Opus 4.7: the next level up
    ["max", "max"],
  ] as const)("effort %s → adaptive thinking + output_config.effort %s", (effort, level) => {
    for (const name of ["claude-opus-4-6", "claude-sonnet-4-6"]) {
      expect(thinkingOf(name, { reasoning: { effort }, temperature: 0.7 })).toEqual({
        max_tokens: 8192,
        thinking: adaptive(),
        output_config: { effort: level },
        temperature: undefined,
        top_p: undefined,
      });
    }
  });

  test("enabled alone → adaptive at OpenRouter's default effort, medium (as on Gemini)", () => {
    expect(thinkingOf("claude-sonnet-4-6", { reasoning: { enabled: true } })).toMatchObject({
      thinking: adaptive(),
      output_config: { effort: "medium" },
    });
  });

  test("reasoning.max_tokens still selects budget thinking", () => {
    expect(thinkingOf("claude-opus-4-6", { reasoning: { max_tokens: 5000 } })).toMatchObject({
      max_tokens: 8192,
      thinking: enabled(5000),
      output_config: undefined,
    });
  });

  test("effort none → no thinking, no effort; exclude → display omitted", () => {
    expect(thinkingOf("claude-sonnet-4-6", { reasoning_effort: "none", temperature: 0.1 })).toMatchObject({
      thinking: undefined,
      output_config: undefined,
      temperature: 0.1,
    });
    expect(thinkingOf("claude-sonnet-4-6", { reasoning: { effort: "low", exclude: true } })).toMatchObject({
      thinking: adaptive("omitted"),
      output_config: { effort: "low" },
    });
  });

  test("effort and a json_schema format share output_config", () => {
    const schema = { type: "object", properties: {} };
    expect(
      thinkingOf("claude-sonnet-4-6", {
        reasoning: { effort: "medium" },
        response_format: { type: "json_schema", json_schema: { name: "x", schema } },
      }).output_config,
    ).toEqual({ effort: "medium", format: { type: "json_schema", schema } });
  });
});

describe("adaptive-only family: claude-opus-4-7", () => {
  test("effort → adaptive + effort, xhigh included; reasoning.max_tokens is ignored", () => {
    expect(thinkingOf("claude-opus-4-7", { reasoning: { effort: "xhigh" } })).toMatchObject({
      thinking: adaptive(),
      output_config: { effort: "xhigh" },
    });
    expect(thinkingOf("claude-opus-4-7", { reasoning: { effort: "minimal" } }).output_config).toEqual({
      effort: "low",
    });
    expect(thinkingOf("claude-opus-4-7", { reasoning: { max_tokens: 5000 } })).toMatchObject({
      max_tokens: 8192,
      thinking: adaptive(),
      output_config: undefined,
    });
  });

  test("temperature and top_p are dropped silently, thinking or not", () => {
    expect(thinkingOf("claude-opus-4-7", { temperature: 0.2, top_p: 0.5 })).toEqual({
      max_tokens: 8192,
      thinking: undefined,
      output_config: undefined,
      temperature: undefined,
      top_p: undefined,
    });
    expect(thinkingOf("claude-opus-4-7", { top_p: 0.99, reasoning: { effort: "high" } }).top_p).toBeUndefined();
  });
});

describe("thinking round trip", () => {
  test("parseResponse → the appended assistant message → the next request restores the signed thinking block", () => {
    const [choice] = parseAnthropicResponse(
      fixtureJson("anthropic", "anthropic-clear-thinking.1.json"),
    ).choices;
    // What a client appends (OpenAI message shape, as the route serialises the choice).
    const assistant = {
      role: "assistant" as const,
      content: choice.content,
      reasoning: choice.reasoning,
      reasoning_details: choice.reasoningDetails,
    };
    const body = anthropicBody({
      messages: [
        { role: "user", content: "What is 925 / 5?" },
        assistant,
        { role: "user", content: "And that divided by 37?" },
      ],
      reasoning: { effort: "low" },
    });
    expect(body.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "What is 925 / 5?" }] },
      {
        role: "assistant",
        content: [
          {
            type: "thinking",
            thinking: "925 divided by 5 = 185",
            signature:
              "Er4BCkYICxgCKkCoxqLHLrx4mFL9Ox7/aHKht87WDzXfvZ7qbZKSnHV8imA5b3LXxuVqcXQ9z5sXwDx20JIW/+6DJehOSNK72L83Egx0T9s7VzB6QUK9g5kaDO9lGaWN5CPEDJU0lyIw4+Ed3q4N9w+16h3cfQ+9stJXHCl+1nYDxjIOLcyJT8Ug/LTmtlp4bbxWmmfNicayKiasdReHiOnqz1sKEF0pR4kcnF5mQGdLxk8q3A3NY+wGsH8MtUIqxRgB",
          },
          { type: "text", text: "925 ÷ 5 = 185" },
        ],
      },
      { role: "user", content: [{ type: "text", text: "And that divided by 37?" }] },
    ]);
  });

  test("a streamed reply's accumulated reasoning_details restore the same way", () => {
    const events = translateFixture("anthropic-clear-thinking.1.chunks.txt");
    const details = events.flatMap((e) => (e.type === "reasoning_detail" ? [e.detail] : []));
    const content = events.flatMap((e) => (e.type === "text" ? [e.text] : [])).join("");
    const body = anthropicBody({
      messages: [
        { role: "user", content: "Divide it by 5." },
        { role: "assistant", content, reasoning_details: details },
      ],
    });
    expect((body.messages as any[])[1].content).toEqual([
      {
        type: "thinking",
        thinking: "The previous result was 925. Now I need to divide that by 5.\n\n925 ÷ 5 = 185",
        signature:
          "EvQBCkYICxgCKkAxhD4NUKFzudtZ6NzbZdEiBACIScTzqjPViM596iWLZIk4EFKYYBj3B6Ptl3b0dcQv/VeJBNbejNWIWRBn+KPNEgz6HWtKx7p+QRgKsEoaDGjsiqfht7gTRFYHiyIwD1VSmNqHxv3wy8KEMP+LYb/TC4UH3H97tuoaADARFFcA0phdfxnzKQxFnc9lwY+dKlzUsaKSUAFeu1bDL5ikZJ1vL0Fkz6JjoFke0L/wOJRIUDUlDUOFJ1tZ3ea7g6LGE/5hwuvWgLwewdcm64d+43l7F57XrOmqNd6flI2K/oPr/4yzNgvi/EhT6Ca17BgB",
      },
      { type: "text", text: "925 ÷ 5 = 185" },
    ]);
  });

  test("thinking and redacted blocks keep their order ahead of text and tool calls; foreign or unsigned entries are skipped", () => {
    const body = anthropicBody({
      messages: [
        { role: "user", content: "Check the weather." },
        {
          role: "assistant",
          content: "Checking.",
          tool_calls: [{ id: "toolu_1", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }],
          reasoning: "first then second",
          reasoning_details: [
            { type: "reasoning.text", text: "first", signature: "sig-1", format: "anthropic-claude-v1", index: 0 },
            { type: "reasoning.encrypted", data: "opaque-2", format: "anthropic-claude-v1", index: 1 },
            { type: "reasoning.encrypted", data: "gemini-signature", format: "google-gemini-v1", index: 2 },
            { type: "reasoning.text", text: "no signature", format: "anthropic-claude-v1" },
            { type: "reasoning.summary", summary: "a summary", format: "openai-responses-v1" },
            { type: "reasoning.text", text: "second", signature: "sig-3" }, // format omitted: the anthropic default
          ],
        },
        { role: "tool", tool_call_id: "toolu_1", content: "18 °C" },
      ],
      reasoning: { effort: "high" },
    });
    expect((body.messages as any[])[1]).toEqual({
      role: "assistant",
      content: [
        { type: "thinking", thinking: "first", signature: "sig-1" },
        { type: "redacted_thinking", data: "opaque-2" },
        { type: "thinking", thinking: "second", signature: "sig-3" },
        { type: "text", text: "Checking." },
        { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" } },
      ],
    });
  });

  test("a thinking block returned without text (display omitted) still round-trips by its signature", () => {
    const [choice] = parseAnthropicResponse({
      content: [
        { type: "thinking", thinking: "", signature: "sig-omitted" },
        { type: "text", text: "42" },
      ],
      stop_reason: "end_turn",
      usage: { input_tokens: 10, output_tokens: 50 },
    }).choices;
    expect(choice).toEqual({
      index: 0,
      content: "42",
      reasoningDetails: [
        { type: "reasoning.text", text: "", signature: "sig-omitted", format: "anthropic-claude-v1", index: 0 },
      ],
      finishReason: "stop",
    });
    const body = anthropicBody({
      messages: [
        { role: "user", content: "Answer?" },
        { role: "assistant", content: choice.content, reasoning_details: choice.reasoningDetails },
        { role: "user", content: "Why?" },
      ],
    });
    expect((body.messages as any[])[1].content).toEqual([
      { type: "thinking", thinking: "", signature: "sig-omitted" },
      { type: "text", text: "42" },
    ]);
  });
});
