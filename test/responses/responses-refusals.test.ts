import { afterAll, beforeAll, expect, test } from "bun:test";
import { MAX_ITEM_REFERENCES } from "../../src/responses/resolve-input.ts";
import type { FakeServer } from "../fakes/fake-server.ts";
import { type ProviderGateway, startProviderGateway } from "../support/provider-gateway.ts";
import { postResponses, responsesTenant } from "./support.ts";

// What the gateway cannot honour is a 400 naming the field, before anything
// is reserved or sent upstream; never silently dropped.
let setup: ProviderGateway;
let gemini: FakeServer;
let key: string;

beforeAll(async () => {
  setup = await startProviderGateway();
  ({ gemini } = setup);
  ({ key } = await responsesTenant(setup));
});
afterAll(() => setup.stop());

const base = { model: "google/gemini-3-flash", input: "Hi" };
const fn = { type: "function", name: "f", parameters: { type: "object" } };
const encrypted = (value: unknown) => Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");

const refusals: { name: string; body: Record<string, unknown>; param: string; code?: string }[] = [
  { name: "background", body: { background: true }, param: "background" },
  { name: "conversation", body: { conversation: "conv_123" }, param: "conversation" },
  { name: "prompt template", body: { prompt: { id: "pmpt_1" } }, param: "prompt" },
  { name: "truncation auto", body: { truncation: "auto" }, param: "truncation" },
  { name: "max_tool_calls", body: { max_tool_calls: 3 }, param: "max_tool_calls" },
  { name: "service tier flex", body: { service_tier: "flex" }, param: "service_tier" },
  { name: "prompt_cache_key", body: { prompt_cache_key: "k" }, param: "prompt_cache_key" },
  { name: "prompt_cache_retention", body: { prompt_cache_retention: "24h" }, param: "prompt_cache_retention" },
  { name: "context_management", body: { context_management: [{ type: "compaction" }] }, param: "context_management" },
  { name: "stream obfuscation", body: { stream: true, stream_options: { include_obfuscation: true } }, param: "stream_options" },
  { name: "text verbosity", body: { text: { verbosity: "low" } }, param: "text" },
  { name: "top_logprobs", body: { top_logprobs: 5 }, param: "top_logprobs" },
  { name: "an include value other than encrypted reasoning", body: { include: ["message.output_text.logprobs"] }, param: "include" },
  { name: "web_search tool", body: { tools: [{ type: "web_search" }] }, param: "tools.0.type" },
  { name: "file_search tool after a function", body: { tools: [fn, { type: "file_search", vector_store_ids: ["vs"] }] }, param: "tools.1.type" },
  { name: "computer use tool", body: { tools: [{ type: "computer_use_preview", display_width: 1, display_height: 1, environment: "linux" }] }, param: "tools.0.type" },
  { name: "tool_choice of a hosted tool", body: { tools: [fn], tool_choice: { type: "web_search_preview" } }, param: "tool_choice" },
  { name: "tool_choice allowed_tools", body: { tools: [fn], tool_choice: { type: "allowed_tools", mode: "auto", tools: [] } }, param: "tool_choice" },
  { name: "text format unknown", body: { text: { format: { type: "grammar" } } }, param: "text.format.type" },
  { name: "input item of another kind", body: { input: [{ type: "computer_call_output", call_id: "c", output: {} }] }, param: "input.0.type" },
  { name: "input file part", body: { input: [{ role: "user", content: [{ type: "input_file", file_id: "file-1" }] }] }, param: "input.0.content.0.type" },
  { name: "image by file_id", body: { input: [{ role: "user", content: [{ type: "input_image", file_id: "file-1" }] }] }, param: "input.0.content.0.file_id" },
];

for (const { name, body, param } of refusals) {
  test(`${name} → 400 unsupported_parameter naming ${param}`, async () => {
    const before = gemini.requests.length;
    const response = await postResponses(setup, key, { ...base, ...body });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: { message: expect.any(String), type: "invalid_request_error", code: "unsupported_parameter", param },
    });
    expect(gemini.requests.length).toBe(before);
  });
}

const invalid: { name: string; body: Record<string, unknown>; param: string }[] = [
  { name: "encrypted content that is not base64url", body: { input: [{ type: "reasoning", summary: [], encrypted_content: "not base64!" }] }, param: "input.0.encrypted_content" },
  { name: "encrypted content that is not JSON", body: { input: [{ type: "reasoning", summary: [], encrypted_content: encrypted("\u0000garbage") }] }, param: "input.0.encrypted_content" },
  { name: "encrypted content that is not UTF-8", body: { input: [{ type: "reasoning", summary: [], encrypted_content: Buffer.from([0xff, 0xfe, 0x5b]).toString("base64url") }] }, param: "input.0.encrypted_content" },
  { name: "encrypted content that is not a list of details", body: { input: [{ type: "reasoning", summary: [], encrypted_content: encrypted({ type: "reasoning.text" }) }] }, param: "input.0.encrypted_content" },
  { name: "encrypted details of the wrong shape", body: { input: [{ type: "reasoning", summary: [], encrypted_content: encrypted([{ type: 1 }]) }] }, param: "input.0.encrypted_content" },
  { name: "encrypted content nested deep", body: { input: [{ role: "user", content: "Hi" }, { type: "reasoning", summary: [], encrypted_content: encrypted("[".repeat(100_000)) }] }, param: "input.1.encrypted_content" },
  { name: "function_call_output for no call", body: { input: [{ type: "function_call_output", call_id: "call_x", output: "1" }] }, param: "input.0.call_id" },
  { name: "function_call arguments that are not JSON", body: { input: [{ type: "function_call", call_id: "c1", name: "f", arguments: "{oops" }] }, param: "input.0.arguments" },
  { name: "a message without a role", body: { input: [{ type: "message", content: "Hi" }] }, param: "input.0.role" },
  { name: "an image in a system message", body: { input: [{ role: "system", content: [{ type: "input_image", image_url: "https://example.com/a.png" }] }] }, param: "input.0.content.0" },
  { name: "a bad image URL", body: { input: [{ role: "user", content: [{ type: "input_image", image_url: "ftp://x" }] }] }, param: "input.0.content.0" },
  { name: "json_schema without a schema", body: { text: { format: { type: "json_schema", name: "x" } } }, param: "text.format.schema" },
  { name: "tool_choice naming no tool", body: { tools: [fn], tool_choice: { type: "function", name: "g" } }, param: "tool_choice" },
  { name: "too many metadata keys", body: { metadata: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, "v"])) }, param: "metadata" },
  { name: "a metadata key over 64 characters", body: { metadata: { ["k".repeat(65)]: "v" } }, param: "metadata" },
  { name: "a metadata value over 512 characters", body: { metadata: { note: "v".repeat(513) } }, param: "metadata.note" },
  { name: `more than ${MAX_ITEM_REFERENCES} item references`, body: { input: Array.from({ length: MAX_ITEM_REFERENCES + 1 }, () => ({ type: "item_reference", id: `msg_${"0".repeat(32)}i0` })) }, param: "input" },
  { name: "an item_reference without an id", body: { input: [{ type: "item_reference" }] }, param: "input.0.id" },
  { name: "a function_call_output of another shape", body: { input: [{ type: "function_call", call_id: "c1", name: "f", arguments: "{}" }, { type: "function_call_output", call_id: "c1", output: { x: 1 } }] }, param: "input.1.output" },
  { name: "a role of another kind", body: { input: [{ role: "tool", content: "x" }] }, param: "input.0.role" },
  // Refused by what the provider can serve: the error names input, never chat's messages.
  { name: "instructions and developer text only", body: { instructions: "Be brief", input: [{ role: "developer", content: "Rules" }] }, param: "input" },
  { name: "an image URL for a google model", body: { input: [{ role: "user", content: [{ type: "input_image", image_url: "https://example.com/a.png" }] }] }, param: "input" },
  { name: "an image in a function_call_output for a google model", body: { input: [{ type: "function_call", call_id: "c1", name: "f", arguments: "{}" }, { type: "function_call_output", call_id: "c1", output: [{ type: "input_image", image_url: "data:image/png;base64,iVBORw0KGgo" }] }] }, param: "input" },
];

for (const { name, body, param } of invalid) {
  test(`${name} → 400 naming ${param}`, async () => {
    const before = gemini.requests.length;
    const response = await postResponses(setup, key, { ...base, ...body });
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as any;
    expect(error).toMatchObject({ type: "invalid_request_error", param });
    expect(gemini.requests.length).toBe(before);
  });
}

test("fields set to their neutral values are accepted", async () => {
  gemini.setNext({ fixture: "google-text.json" });
  const response = await postResponses(setup, key, {
    ...base,
    background: false,
    truncation: "disabled",
    service_tier: "auto",
    include: ["reasoning.encrypted_content"],
    text: { format: { type: "text" }, verbosity: "medium" },
    stream_options: null,
    top_logprobs: 0,
    parallel_tool_calls: false,
    tools: [fn],
    tool_choice: "none",
    user: "u-1",
  });
  expect(response.status).toBe(200);
});

test("a stored response is not replayed as a stream: GET with stream=true is a 400 naming stream", async () => {
  const response = await fetch(`${setup.gateway.url}/v1/responses/resp_${"0".repeat(32)}?stream=true`, { headers: { authorization: `Bearer ${key}` } });
  expect(response.status).toBe(400);
  expect(((await response.json()) as any).error).toMatchObject({ code: "unsupported_parameter", param: "stream" });
});
