import { invalidRequest, responseNotFound } from "../errors.ts";
import type { ResponseInputItem } from "../openai/responses-request.ts";
import type { OutputItem, ResponseItemList } from "../openai/responses-response.ts";
import { visibleItem } from "./output-items.ts";
import type { ResponseStore } from "./response-store.ts";

export interface InputItemsQuery {
  limit: number;
  order: "asc" | "desc";
  /** Item ids of the list, in its order: items after / before them. */
  after: string | undefined;
  before: string | undefined;
  includeEncrypted: boolean;
}

type Item = ResponseInputItem | OutputItem;

/**
 * GET /v1/responses/{id}/input_items: the items the response was generated
 * from, as OpenAI lists them: the conversation behind its
 * previous_response_id (each earlier response's input, then its output),
 * then the request's own items; newest first unless order=asc. What is
 * listed was loadable when the response was made, so it is within the
 * store's bounds.
 */
export async function listInputItems(store: ResponseStore, id: string, workspaceId: string, query: InputItemsQuery): Promise<ResponseItemList> {
  const stored = await store.find(id, workspaceId);
  if (!stored) throw responseNotFound(id);
  const history = stored.previousResponseId ? await earlierItems(store, stored.previousResponseId, workspaceId) : [];
  const items: Item[] = [...history, ...stored.input];
  if (query.order === "desc") items.reverse();

  const start = query.after === undefined ? 0 : positionOf(items, query.after, "after") + 1;
  const end = query.before === undefined ? items.length : positionOf(items, query.before, "before");
  const window = items.slice(start, Math.max(start, end));
  // Paging backwards (before alone) takes the items just before the cursor.
  const page = query.before !== undefined && query.after === undefined ? window.slice(-query.limit) : window.slice(0, query.limit);
  const data = page.map((item) => listed(item, query.includeEncrypted));
  return {
    object: "list",
    data,
    first_id: data[0]?.id ?? null,
    last_id: data.at(-1)?.id ?? null,
    has_more: window.length > page.length,
  };
}

/** The earlier conversation, oldest first, back to the first response deleted or expired since. */
async function earlierItems(store: ResponseStore, previousId: string, workspaceId: string): Promise<Item[]> {
  const chain = await store.chain(previousId, workspaceId, { partial: true });
  return chain.flatMap((response): Item[] => [...response.input, ...response.output]);
}

function positionOf(items: readonly Item[], id: string, param: "after" | "before"): number {
  const index = items.findIndex((item) => item.id === id);
  if (index < 0) throw invalidRequest(`no item with id '${id}' in this response's input items`, param);
  return index;
}

/**
 * An item as OpenAI lists it: message content as parts, a status on
 * messages and calls, and reasoning's encrypted content only when asked for
 * (storage keeps it whatever `include` said).
 */
function listed(item: Item, includeEncrypted: boolean): Item & { id: string } {
  const out: Record<string, unknown> = { ...visibleItem(item, includeEncrypted) };
  if (item.type === "message" && typeof item.content === "string") {
    out.content = [item.role === "assistant" ? { type: "output_text", text: item.content, annotations: [], logprobs: [] } : { type: "input_text", text: item.content }];
  }
  if (item.type === "reasoning") out.summary ??= [];
  else out.status ??= "completed";
  return out as Item & { id: string };
}
