import { afterAll, beforeAll, beforeEach, expect, test } from "bun:test";
import type OpenAI from "openai";
import { responses } from "../../src/db/schema.ts";
import { MAX_CHAIN } from "../../src/responses/response-store.ts";
import type { FakeServer } from "../fakes/fake-server.ts";
import { apiError } from "../support/api-error.ts";
import { fixtureJson } from "../support/fixtures.ts";
import { type ProviderGateway, startProviderGateway } from "../support/provider-gateway.ts";
import { expire, responsesTenant, storedRow, textTurn } from "./support.ts";

// Stored responses: previous_response_id, item_reference, GET and DELETE,
// per workspace, for the retention period, and nothing with store: false.
let setup: ProviderGateway;
let gemini: FakeServer;
let client: OpenAI;
let workspaceId: string;

beforeAll(async () => {
  setup = await startProviderGateway();
  ({ gemini } = setup);
  ({ client, workspaceId } = await responsesTenant(setup));
});
beforeEach(() => gemini.reset());
afterAll(() => setup.stop());

const GEMINI = "google/gemini-3-flash";
const answer = fixtureJson("google", "google-text.json").candidates[0].content.parts[0];

const turn = (input: string, options: Partial<OpenAI.Responses.ResponseCreateParamsNonStreaming> = {}, via = client) => textTurn(setup, via, input, options);

test("previous_response_id continues the conversation: each turn's input and output, oldest first; instructions are not carried over", async () => {
  const first = await turn("Name three uses for a paperclip.", { instructions: "Be concise." });
  const second = await turn("Which is the most common?", { previous_response_id: first.id });
  expect(second.previous_response_id).toBe(first.id);
  const third = await turn("Why?", { previous_response_id: second.id, instructions: "Answer in one line." });

  const body = gemini.lastRequest()!.body;
  expect(body.systemInstruction).toEqual({ parts: [{ text: "Answer in one line." }] });
  const model = { role: "model", parts: [{ text: answer.text, thoughtSignature: answer.thoughtSignature }] };
  expect(body.contents).toEqual([
    { role: "user", parts: [{ text: "Name three uses for a paperclip." }] },
    model,
    { role: "user", parts: [{ text: "Which is the most common?" }] },
    model,
    { role: "user", parts: [{ text: "Why?" }] },
  ]);

  // What is stored: the request's own items with ids that name the response, and its output.
  const row = await storedRow(setup, third.id);
  expect(row.workspace_id).toBe(workspaceId);
  expect(row.input).toEqual([
    { type: "message", role: "user", content: [{ type: "input_text", text: "Why?" }], id: `msg_${third.id.slice(5)}i0` },
  ]);
  expect(row.output.map((item: any) => item.id)).toEqual(third.output.map((item) => item.id));
  // The stored reasoning keeps its encrypted content though the client did not ask for it.
  expect(row.output[0].encrypted_content).toEqual(expect.any(String));
  expect(third.output[0]).not.toHaveProperty("encrypted_content");
});

test("item_reference names an item of a stored response (input or output), as the Vercel AI SDK sends earlier turns", async () => {
  const first = await turn("Name three uses for a paperclip.");
  const [reasoning, message] = first.output;
  gemini.setNext({ fixture: "google-text.json" });
  await client.responses.create({
    model: GEMINI,
    input: [
      { type: "item_reference", id: `msg_${first.id.slice(5)}i0` },
      { type: "item_reference", id: reasoning!.id! },
      { type: "item_reference", id: message!.id! },
      { role: "user", content: "Which is the most common?" },
    ],
  });
  expect(gemini.lastRequest()!.body.contents).toEqual([
    { role: "user", parts: [{ text: "Name three uses for a paperclip." }] },
    { role: "model", parts: [{ text: answer.text, thoughtSignature: answer.thoughtSignature }] },
    { role: "user", parts: [{ text: "Which is the most common?" }] },
  ]);

  const missing = await apiError(
    client.responses.create({ model: GEMINI, input: [{ type: "item_reference", id: `msg_${first.id.slice(5)}o9` }] }),
  );
  expect(missing.status).toBe(404);
  expect(missing.code).toBe("not_found");
  expect(missing.param).toBe("input.0.id");
  const foreign = await apiError(client.responses.create({ model: GEMINI, input: [{ type: "item_reference", id: "msg_abc" }] }));
  expect(foreign.status).toBe(404);
});

test("retrieve returns the stored response as created; delete removes it; both 404 afterwards", async () => {
  const created = await turn("Hello", { metadata: { topic: "greeting" }, include: ["reasoning.encrypted_content"] });
  const { data: retrieved, response: http } = await client.responses.retrieve(created.id).withResponse();
  expect(http.headers.get("x-request-id")).toMatch(/^req_[0-9a-f]{32}$/);
  const { encrypted_content: _, ...visibleReasoning } = created.output[0] as OpenAI.Responses.ResponseReasoningItem;
  expect(retrieved).toEqual({ ...created, output: [visibleReasoning, created.output[1]!] });
  const withEncrypted = await client.responses.retrieve(created.id, { include: ["reasoning.encrypted_content"] });
  expect(withEncrypted.output).toEqual(created.output);

  await client.responses.delete(created.id);
  expect((await apiError(client.responses.retrieve(created.id))).status).toBe(404);
  const again = await apiError(client.responses.delete(created.id));
  expect(again.status).toBe(404);
  expect(again.code).toBe("not_found");
  const chained = await apiError(turn("More", { previous_response_id: created.id }));
  expect(chained.code).toBe("previous_response_not_found");
  expect(await storedRow(setup, created.id)).toBeUndefined();
});

test("another workspace's responses do not exist for the caller: GET, DELETE, previous_response_id and item_reference are 404", async () => {
  const mine = await turn("Secret question");
  const other = await responsesTenant(setup);
  expect((await apiError(other.client.responses.retrieve(mine.id))).status).toBe(404);
  expect((await apiError(other.client.responses.delete(mine.id))).status).toBe(404);
  const chained = await apiError(turn("Continue", { previous_response_id: mine.id }, other.client));
  expect(chained.status).toBe(404);
  expect(chained.code).toBe("previous_response_not_found");
  expect(chained.param).toBe("previous_response_id");
  gemini.setNext({ fixture: "google-text.json" });
  const referenced = await apiError(
    other.client.responses.create({ model: GEMINI, input: [{ type: "item_reference", id: mine.output[1]!.id! }] }),
  );
  expect(referenced.status).toBe(404);
  expect(gemini.requests).toHaveLength(1);
  // Still there for its owner.
  expect((await client.responses.retrieve(mine.id)).id).toBe(mine.id);
});

test("unknown and expired responses are 404; the sweep deletes expired rows", async () => {
  const unknown = await apiError(turn("Hi", { previous_response_id: "resp_0123456789abcdef0123456789abcdef" }));
  expect(unknown.status).toBe(404);
  expect(unknown.code).toBe("previous_response_not_found");

  const old = await turn("Hi");
  const next = await turn("Again", { previous_response_id: old.id });
  await expire(setup, old.id);
  expect((await apiError(client.responses.retrieve(old.id))).status).toBe(404);
  expect((await apiError(turn("More", { previous_response_id: old.id }))).code).toBe("previous_response_not_found");
  // A conversation whose earlier turn expired cannot continue: its history is gone.
  const broken = await apiError(turn("More", { previous_response_id: next.id }));
  expect(broken.code).toBe("previous_response_not_found");
  expect(broken.message).toContain(old.id);

  expect(await setup.gateway.responseStore.sweep()).toBeGreaterThanOrEqual(1);
  expect(await storedRow(setup, old.id)).toBeUndefined();
  expect((await storedRow(setup, next.id)).id).toBe(next.id);
});

test("store: false keeps nothing: not retrievable, not continuable, no row", async () => {
  const unstored = await turn("Hi", { store: false });
  expect((unstored as unknown as { store: boolean }).store).toBe(false);
  expect((await apiError(client.responses.retrieve(unstored.id))).status).toBe(404);
  expect((await apiError(turn("More", { previous_response_id: unstored.id }))).code).toBe("previous_response_not_found");
  const reasoning = unstored.output[0]!;
  const byId = await apiError(client.responses.create({ model: GEMINI, input: [{ type: "reasoning", id: reasoning.id!, summary: [] }] }));
  expect(byId.status).toBe(404);
  expect(await storedRow(setup, unstored.id)).toBeUndefined();
});

test(`a previous_response_id chain longer than ${MAX_CHAIN} responses is refused, not cut`, async () => {
  const now = Date.now();
  const ids = Array.from({ length: MAX_CHAIN + 1 }, (_, i) => `resp_${(now + i).toString(16).padStart(32, "0")}`);
  const rows = ids.map((id, i) => ({
    id,
    workspaceId,
    createdAt: new Date(now),
    expiresAt: new Date(now + 86_400_000),
    previousResponseId: i === 0 ? null : ids[i - 1]!,
    model: GEMINI,
    status: "completed",
    input: [{ type: "message", role: "user", content: `turn ${i}` }],
    output: [],
    usage: {},
    response: {},
  }));
  await setup.gateway.db.insert(responses).values(rows);
  const tooLong = await apiError(turn("Next", { previous_response_id: ids.at(-1)! }));
  expect(tooLong.status).toBe(400);
  expect(tooLong.param).toBe("previous_response_id");
  expect(tooLong.message).toContain(`longer than ${MAX_CHAIN} responses`);

  await turn("Next", { previous_response_id: ids.at(-2)! });
  // The whole chain, oldest first (consecutive user turns are one Gemini turn).
  const [only, ...rest] = gemini.lastRequest()!.body.contents;
  expect(rest).toEqual([]);
  expect(only.parts.map((part: any) => part.text)).toEqual([...ids.slice(0, -1).map((_, i) => `turn ${i}`), "Next"]);
});
