import { expect, test } from "bun:test";
import { callOptionsFromResponses } from "../../src/calls/from-responses-request.ts";
import type { ResponseCreateRequest, ResponseInputItem } from "../../src/openai/responses-request.ts";
import { encodeReasoning } from "../../src/responses/encrypted-reasoning.ts";
import { ApiError } from "../../src/errors.ts";
import { gemini3Flash } from "../providers/google/support.ts";

const request = (fields: Partial<ResponseCreateRequest> = {}): ResponseCreateRequest => ({ model: "google/gemini-3-flash", ...fields });
const options = (own: ResponseInputItem[], fields: Partial<ResponseCreateRequest> = {}, previous: ResponseInputItem[] = []) =>
  callOptionsFromResponses(request(fields), gemini3Flash, { previous, own });

const signature = (id: string | null) => ({ type: "reasoning.encrypted", data: `sig-${id}`, id, format: "google-gemini-v1", index: 0 });

test("instructions come first as a system message; developer and system messages are system messages in order", () => {
  const { messages } = options(
    [
      { role: "developer", content: "Use metric units." },
      { role: "user", content: [{ type: "input_text", text: "Hi" }, { type: "input_image", image_url: "data:image/png;base64,AAAA" }] },
    ],
    { instructions: "Be brief." },
  );
  expect(messages).toEqual([
    { role: "system", content: [{ type: "text", text: "Be brief." }] },
    { role: "system", content: [{ type: "text", text: "Use metric units." }] },
    { role: "user", content: [{ type: "text", text: "Hi" }, { type: "image", source: { kind: "data", mimeType: "image/png", data: "AAAA" } }] },
  ]);
});

test("consecutive assistant-side items are one turn, whatever their order; the details of every reasoning item join it", () => {
  const { messages } = options([
    { role: "user", content: "Weather in Paris and Rome?" },
    { type: "reasoning", summary: [], encrypted_content: encodeReasoning([signature(null)]) },
    { type: "message", role: "assistant", content: [{ type: "output_text", text: "Checking." }] },
    { type: "function_call", call_id: "call_a", name: "weather", arguments: '{"city":"Paris"}' },
    { type: "function_call", call_id: "call_b", name: "weather", arguments: "" },
    { type: "reasoning", summary: [{ type: "summary_text", text: "ignored" }], encrypted_content: encodeReasoning([signature("call_a")]) },
    { type: "function_call_output", call_id: "call_a", output: "18C" },
    { type: "function_call_output", call_id: "call_b", output: [{ type: "input_text", text: "21C" }] },
  ]);
  expect(messages).toEqual([
    { role: "user", content: [{ type: "text", text: "Weather in Paris and Rome?" }] },
    {
      role: "assistant",
      content: [{ type: "text", text: "Checking." }],
      toolCalls: [
        { id: "call_a", name: "weather", arguments: { city: "Paris" } },
        { id: "call_b", name: "weather", arguments: {} },
      ],
      reasoning: [signature(null), signature("call_a")],
    },
    { role: "tool", toolCallId: "call_a", toolName: "weather", content: [{ type: "text", text: "18C" }] },
    { role: "tool", toolCallId: "call_b", toolName: "weather", content: [{ type: "text", text: "21C" }] },
  ]);
});

test("the previous_response_id chain comes before the request's own items; its errors name previous_response_id", () => {
  const previous: ResponseInputItem[] = [{ role: "user", content: "Earlier" }, { type: "message", role: "assistant", content: "Reply" }];
  expect(options([{ role: "user", content: "Now" }], {}, previous).messages.map((m) => m.role)).toEqual(["user", "assistant", "user"]);
  const error = (() => {
    try {
      options([], {}, [{ type: "function_call_output", call_id: "x", output: "1" }]);
    } catch (e) {
      return e as ApiError;
    }
  })();
  expect(error).toBeInstanceOf(ApiError);
  expect(error!.param).toBe("previous_response_id");
});

test("reasoning: summary asks for the reasoning text (exclude false); effort alone thinks without returning it; nothing keeps the default", () => {
  expect(options([], { reasoning: { summary: "concise" } }).reasoning).toEqual({ requested: true, effort: undefined, budgetTokens: undefined, exclude: false });
  expect(options([], { reasoning: { effort: "high" } }).reasoning).toEqual({ requested: true, effort: "high", budgetTokens: undefined, exclude: true });
  expect(options([], { reasoning: { effort: "low", summary: "detailed" } }).reasoning).toMatchObject({ effort: "low", exclude: false });
  expect(options([]).reasoning).toEqual({ requested: false, effort: undefined, budgetTokens: undefined, exclude: true });
});

test("the other fields: max_output_tokens, text.format, tools and tool_choice, parallel_tool_calls, sampling, user, top_logprobs", () => {
  const call = options([{ role: "user", content: "Hi" }], {
    max_output_tokens: 512,
    text: { format: { type: "json_schema", name: "answer", schema: { type: "object" } } },
    tools: [{ type: "function", name: "f", description: "F", parameters: { type: "object" }, strict: true }],
    tool_choice: "required",
    parallel_tool_calls: false,
    temperature: 0.3,
    top_p: 0.8,
    user: "u-1",
    top_logprobs: 2,
    stream: true,
  });
  expect(call).toMatchObject({
    maxOutputTokens: 512,
    responseFormat: { type: "json_schema", name: "answer", schema: { type: "object" } },
    tools: [{ name: "f", description: "F", parameters: { type: "object" } }],
    toolChoice: { type: "required" },
    parallelToolCalls: false,
    temperature: 0.3,
    topP: 0.8,
    user: "u-1",
    stream: true,
    choices: 1,
    stopSequences: [],
    features: { logprobs: "top_logprobs", logitBias: undefined },
  });
  expect(options([], { tools: [{ type: "function", name: "f" }], tool_choice: { type: "function", name: "f" } }).toolChoice).toEqual({ type: "tool", name: "f" });
});
