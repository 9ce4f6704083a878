import type { ResponsesInput } from "../calls/from-responses-request.ts";
import { invalidRequest, itemNotFound } from "../errors.ts";
import type { ResponseCreateRequest, ResponseInputItem } from "../openai/responses-request.ts";
import { type ItemAddress, itemAddress, itemId, kindOf } from "./item-ids.ts";
import type { ResponseStore } from "./response-store.ts";

export interface ResolvedInput extends ResponsesInput {
  /** Bytes of items loaded from storage: input the body did not carry, for billing's worst case. */
  loadedBytes: number;
}

/** The most item references one request may carry (each names an item of a stored response). */
export const MAX_ITEM_REFERENCES = 1_000;

interface Reference {
  index: number;
  id: string;
  address: ItemAddress;
}

/**
 * A request's conversation with storage resolved: the previous_response_id
 * chain loaded, each `item_reference` (and each reasoning item sent by id
 * alone, as the Agents SDK does) replaced by the stored item, and every own
 * item given an id. A request that names nothing stored makes no database
 * round trip.
 */
export async function resolveInput(
  store: ResponseStore,
  req: ResponseCreateRequest,
  responseId: string,
  workspaceId: string,
): Promise<ResolvedInput> {
  const items: ResponseInputItem[] =
    typeof req.input === "string" ? [{ type: "message", role: "user", content: [{ type: "input_text", text: req.input }] }] : (req.input ?? []);
  const [chain, referenced] = await Promise.all([
    req.previous_response_id ? store.chain(req.previous_response_id, workspaceId) : [],
    resolveReferences(store, items, workspaceId),
  ]);
  const previous = chain.flatMap((response) => [...response.input, ...response.output]);
  const own = referenced.items.map((item, index) => withId(item, responseId, index));
  // The oldest row's running total is the whole chain's.
  const chainBytes = chain.length > 0 ? Number(chain[0]!.total) : 0;
  const loadedBytes = chainBytes + referenced.bytes;
  return { previous, own, loadedBytes };
}

async function resolveReferences(store: ResponseStore, items: ResponseInputItem[], workspaceId: string) {
  const references = items.flatMap((item, index) => reference(item, index) ?? []);
  if (references.length === 0) return { items, bytes: 0 };
  if (references.length > MAX_ITEM_REFERENCES) {
    throw invalidRequest(`at most ${MAX_ITEM_REFERENCES} items may be referenced in one request`, "input");
  }
  const { found, bytes } = await store.items(references.map((ref) => ref.address), workspaceId);
  const resolved = [...items];
  references.forEach(({ index, id }, position) => {
    const item = found.get(position);
    if (item?.id !== id) throw itemNotFound(id, `input.${index}.id`);
    resolved[index] = item;
  });
  return { items: resolved, bytes };
}

/** An item_reference, or a reasoning item the gateway made that came back by id, without its encrypted content. */
function reference(item: ResponseInputItem, index: number): Reference | undefined {
  if (item.type === "item_reference") {
    if (!item.id) throw invalidRequest("an item_reference needs the id of the item it names", `input.${index}.id`);
    const address = itemAddress(item.id);
    if (!address) throw itemNotFound(item.id, `input.${index}.id`);
    return { index, id: item.id, address };
  }
  if (item.type !== "reasoning" || item.encrypted_content || !item.id) return undefined;
  const address = itemAddress(item.id);
  return address && { index, id: item.id, address };
}

/** As stored: typed, and with an id a later item_reference can name. */
function withId(item: ResponseInputItem, responseId: string, index: number): ResponseInputItem {
  const type = item.type ?? (item.role !== undefined ? "message" : undefined);
  const kind = type === undefined ? undefined : kindOf(type);
  if (typeof item.id === "string" || kind === undefined) return type === item.type ? item : { ...item, type };
  return { ...item, type, id: itemId(responseId, kind, "i", index) };
}
