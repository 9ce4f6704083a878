import { sql } from "drizzle-orm";
import OpenAI from "openai";
import { rowsOf } from "../../src/db/rows.ts";
import { bearer, newTenant } from "../support/gateway.ts";
import { accountState } from "../support/ledger.ts";
import type { ProviderGateway } from "../support/provider-gateway.ts";

/** A fresh funded workspace with its key and an official client on the gateway. */
export async function responsesTenant(setup: ProviderGateway) {
  const { workspace, key } = await newTenant();
  const client = new OpenAI({ baseURL: `${setup.gateway.url}/v1`, apiKey: key, maxRetries: 0 });
  return { workspaceId: workspace.id, key, client };
}

/** The workspace's money once every finished request is settled. */
export async function settled(setup: ProviderGateway, workspaceId: string) {
  await setup.gateway.billing.flush();
  return accountState(setup.gateway.db, workspaceId);
}

/** The stored row of a response once every saved response is written. */
export async function storedRow(setup: ProviderGateway, id: string) {
  await setup.gateway.responseStore.flush();
  const result = await setup.gateway.db.execute(sql`select id, workspace_id, status, input, output from responses where id = ${id}`);
  return rowsOf<any>(result)[0];
}

type CreateParams = OpenAI.Responses.ResponseCreateParamsNonStreaming;

/** One Gemini turn through `client`, the fake replaying google-text.json. */
export function textTurn(setup: ProviderGateway, client: OpenAI, input: CreateParams["input"], options: Partial<CreateParams> = {}) {
  setup.gemini.setNext({ fixture: "google-text.json" });
  return client.responses.create({ model: "google/gemini-3-flash", input, ...options });
}

/** Makes a stored response expired, as if its retention had passed. */
export async function expire(setup: ProviderGateway, id: string) {
  await setup.gateway.responseStore.flush();
  await setup.gateway.db.execute(sql`update responses set expires_at = now() - interval '1 second' where id = ${id}`);
}

/** POST /v1/responses over HTTP, for what the clients hide (headers, raw SSE). */
export function postResponses(setup: ProviderGateway, key: string, body: unknown) {
  return fetch(`${setup.gateway.url}/v1/responses`, {
    method: "POST",
    headers: { ...bearer(key), "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

export interface SseEvent {
  event: string;
  data: any;
}

/** A Responses event stream as `event:` names and parsed `data:`. */
export function parseSse(text: string): SseEvent[] {
  return text
    .split("\n\n")
    .filter((frame) => frame.trim() !== "")
    .map((frame) => {
      const event = /^event: (.*)$/m.exec(frame)?.[1] ?? "";
      const data = /^data: (.*)$/m.exec(frame)?.[1] ?? "null";
      return { event, data: JSON.parse(data) };
    });
}

/** Event types with runs of the same delta type collapsed to one, for comparing orders. */
export function eventOutline(types: readonly string[]): string[] {
  return types.filter((type, i) => !(type.endsWith(".delta") && types[i - 1] === type));
}

/** The outlines of a stream's parts, to spell an expected stream as its structure. */
export const EVENTS = {
  opening: ["response.created", "response.in_progress"],
  reasoningItem: [
    "response.output_item.added",
    "response.reasoning_summary_part.added",
    "response.reasoning_summary_text.delta",
    "response.reasoning_summary_text.done",
    "response.reasoning_summary_part.done",
    "response.output_item.done",
  ],
  messageItem: [
    "response.output_item.added",
    "response.content_part.added",
    "response.output_text.delta",
    "response.output_text.done",
    "response.content_part.done",
    "response.output_item.done",
  ],
  functionCallItem: [
    "response.output_item.added",
    "response.function_call_arguments.delta",
    "response.function_call_arguments.done",
    "response.output_item.done",
  ],
  /** An item with no content events: a reasoning item carrying only a signature. */
  bareItem: ["response.output_item.added", "response.output_item.done"],
};

/** The reasoning details inside a reasoning item's encrypted content (the gateway's format). */
export const decodeEncrypted = (encrypted: string): any[] => JSON.parse(Buffer.from(encrypted, "base64url").toString("utf8"));
