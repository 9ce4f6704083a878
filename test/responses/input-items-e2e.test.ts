import { afterAll, beforeAll, beforeEach, expect, test } from "bun:test";
import type OpenAI from "openai";
import type { FakeServer } from "../fakes/fake-server.ts";
import { apiError } from "../support/api-error.ts";
import { bearer } from "../support/gateway.ts";
import { type ProviderGateway, startProviderGateway } from "../support/provider-gateway.ts";
import { responsesTenant, textTurn } from "./support.ts";

// GET /v1/responses/{id}/input_items through the official client: the
// conversation a stored response was generated from, paged by item id.
let setup: ProviderGateway;
let gemini: FakeServer;
let client: OpenAI;
let key: string;

beforeAll(async () => {
  setup = await startProviderGateway();
  ({ gemini } = setup);
  ({ client, key } = await responsesTenant(setup));
});
beforeEach(() => gemini.reset());
afterAll(() => setup.stop());

const turn = (input: OpenAI.Responses.ResponseCreateParamsNonStreaming["input"], options: Partial<OpenAI.Responses.ResponseCreateParamsNonStreaming> = {}) =>
  textTurn(setup, client, input, options);

async function listAll(id: string, query: OpenAI.Responses.InputItemListParams = {}) {
  const items: OpenAI.Responses.ResponseItem[] = [];
  for await (const item of client.responses.inputItems.list(id, query)) items.push(item);
  return items;
}

const getItems = (id: string, query: string, as = key) =>
  fetch(`${setup.gateway.url}/v1/responses/${id}/input_items?${query}`, { headers: bearer(as) });
const pageOf = async (id: string, query: string): Promise<any> => (await getItems(id, query)).json();

/** Two turns: the second continues the first by previous_response_id. */
async function conversation() {
  const first = await turn("Name three uses for a paperclip.");
  const second = await turn([{ role: "user", content: "Which is the most common?" }], { previous_response_id: first.id });
  return { first, second };
}

test("the earlier turns' input and output, then the request's own items, newest first; message content as parts", async () => {
  const { first, second } = await conversation();
  const [reasoning, message] = first.output as [OpenAI.Responses.ResponseReasoningItem, OpenAI.Responses.ResponseOutputMessage];
  const page = await client.responses.inputItems.list(second.id);
  expect(page.data).toEqual([
    {
      id: `msg_${second.id.slice(5)}i0`,
      type: "message",
      role: "user",
      content: [{ type: "input_text", text: "Which is the most common?" }],
      status: "completed",
    },
    message,
    { id: reasoning.id, type: "reasoning", summary: reasoning.summary },
    { id: `msg_${first.id.slice(5)}i0`, type: "message", role: "user", content: [{ type: "input_text", text: "Name three uses for a paperclip." }], status: "completed" },
  ] as any);
  expect(page.has_more).toBe(false);

  // The first turn lists its own item only; ascending order reverses the list.
  expect((await listAll(first.id)).map((item) => item.id)).toEqual([`msg_${first.id.slice(5)}i0`]);
  expect((await listAll(second.id, { order: "asc" })).map((item) => item.id)).toEqual(page.data.map((item) => item.id).reverse());
});

test("reasoning's encrypted content only with include=reasoning.encrypted_content", async () => {
  const { first, second } = await conversation();
  const reasoningId = first.output[0]!.id;
  const find = (items: OpenAI.Responses.ResponseItem[]) => items.find((item) => item.id === reasoningId) as OpenAI.Responses.ResponseReasoningItem;
  expect(find(await listAll(second.id))).not.toHaveProperty("encrypted_content");
  const withContent = find(await listAll(second.id, { include: ["reasoning.encrypted_content"] }));
  expect(withContent.encrypted_content).toEqual(expect.any(String));
  // The same content the first response gives when retrieved with include.
  const retrieved = await client.responses.retrieve(first.id, { include: ["reasoning.encrypted_content"] });
  expect(withContent).toEqual(retrieved.output[0] as OpenAI.Responses.ResponseReasoningItem);
});

test("pages of `limit` follow `after` (the client's auto-pagination) and `before`, with first_id, last_id and has_more", async () => {
  const { second } = await conversation();
  const all = (await listAll(second.id, { order: "asc" })).map((item) => item.id);
  expect(all).toHaveLength(4);
  // One item a page: the client walks every page by the last id.
  expect((await listAll(second.id, { order: "asc", limit: 1 })).map((item) => item.id)).toEqual(all);

  const first = await pageOf(second.id, "order=asc&limit=3");
  expect(first).toMatchObject({ object: "list", first_id: all[0], last_id: all[2], has_more: true });
  expect(first.data.map((item: any) => item.id)).toEqual(all.slice(0, 3));
  const next = await pageOf(second.id, `order=asc&limit=3&after=${all[2]}`);
  expect(next).toMatchObject({ first_id: all[3], last_id: all[3], has_more: false });
  const last = await pageOf(second.id, `order=asc&after=${all[3]}`);
  expect(last).toEqual({ object: "list", data: [], first_id: null, last_id: null, has_more: false });
  // before: the items just ahead of the cursor.
  const back = await pageOf(second.id, `order=asc&limit=2&before=${all[3]}`);
  expect(back).toMatchObject({ first_id: all[1], last_id: all[2], has_more: true });
  const between = await pageOf(second.id, `order=asc&after=${all[0]}&before=${all[3]}`);
  expect(between.data.map((item: any) => item.id)).toEqual(all.slice(1, 3));
});

test("client history as sent: its ids kept, calls and outputs with a status, an assistant's text as output_text", async () => {
  const created = await turn(
    [
      { id: "msg_client_1", type: "message", role: "user", content: "What's the weather in Paris?" },
      { type: "function_call", call_id: "call_1", name: "weather", arguments: '{"city":"Paris"}' },
      { type: "function_call_output", call_id: "call_1", output: "sunny" },
      { type: "message", role: "assistant", content: "It is sunny." },
      { role: "user", content: [{ type: "input_text", text: "And tomorrow?" }] },
    ] as OpenAI.Responses.ResponseInput,
    { tools: [{ type: "function", name: "weather", parameters: { type: "object" }, strict: false }] },
  );
  const short = created.id.slice(5);
  expect(await listAll(created.id, { order: "asc" })).toEqual([
    { id: "msg_client_1", type: "message", role: "user", content: [{ type: "input_text", text: "What's the weather in Paris?" }], status: "completed" },
    { id: `fc_${short}i1`, type: "function_call", call_id: "call_1", name: "weather", arguments: '{"city":"Paris"}', status: "completed" },
    { id: `fco_${short}i2`, type: "function_call_output", call_id: "call_1", output: "sunny", status: "completed" },
    { id: `msg_${short}i3`, type: "message", role: "assistant", content: [{ type: "output_text", text: "It is sunny.", annotations: [], logprobs: [] }], status: "completed" },
    { id: `msg_${short}i4`, type: "message", role: "user", content: [{ type: "input_text", text: "And tomorrow?" }], status: "completed" },
  ] as any);
});

test("a deleted predecessor leaves the earlier turns out; the response's own items are still listed", async () => {
  const { first, second } = await conversation();
  await client.responses.delete(first.id);
  expect((await listAll(second.id)).map((item) => item.id)).toEqual([`msg_${second.id.slice(5)}i0`]);
});

test("only the turns from the deleted one back are left out: the ones after it are still listed", async () => {
  const { first, second } = await conversation();
  const third = await turn("Why?", { previous_response_id: second.id });
  await client.responses.delete(first.id);
  // Written (not only in this process's memory), so the walk back goes through the database.
  await setup.gateway.responseStore.flush();
  const ids = (await listAll(third.id, { order: "asc" })).map((item) => item.id);
  expect(ids).toEqual([`msg_${second.id.slice(5)}i0`, ...second.output.map((item) => item.id!), `msg_${third.id.slice(5)}i0`]);
});

test("404 for a response the caller cannot see; 400 naming a bad limit, order, after or before", async () => {
  const { second } = await conversation();
  const unstored = await turn("Hi", { store: false });
  const other = await responsesTenant(setup);
  for (const [id, via] of [["resp_0123456789abcdef0123456789abcdef", client], [unstored.id, client], [second.id, other.client]] as const) {
    const error = await apiError(via.responses.inputItems.list(id));
    expect(error.status).toBe(404);
    expect(error.error).toMatchObject({ type: "invalid_request_error", code: "not_found" });
  }
  for (const [query, param] of [
    ["limit=0", "limit"],
    ["limit=101", "limit"],
    ["limit=ten", "limit"],
    ["order=sideways", "order"],
    ["after=msg_nowhere", "after"],
    ["before=msg_nowhere", "before"],
  ]) {
    const response = await getItems(second.id, query!);
    expect(response.status).toBe(400);
    expect(((await response.json()) as any).error).toMatchObject({ type: "invalid_request_error", code: "invalid_request", param });
  }
  expect((await getItems(second.id, "", "sk-optk-notakey")).status).toBe(401);
});
