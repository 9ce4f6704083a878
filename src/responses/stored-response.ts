import { responseNotFound } from "../errors.ts";
import type { ResponseObject } from "../openai/responses-response.ts";
import { outputText, visibleItem } from "./output-items.ts";
import { responseObject } from "./response-object.ts";
import type { ResponseStore } from "./response-store.ts";

/** GET /v1/responses/{id}: a stored response of the caller's workspace, as it was returned. */
export async function retrieveResponse(store: ResponseStore, id: string, workspaceId: string, includeEncrypted: boolean): Promise<ResponseObject> {
  const stored = await store.find(id, workspaceId);
  if (!stored) throw responseNotFound(id);
  const visible = stored.output.map((item) => visibleItem(item, includeEncrypted));
  const { incomplete_details, error } = stored.response;
  const state = { status: stored.status, incompleteReason: incomplete_details?.reason, usage: stored.usage, error: error ?? undefined };
  return { ...responseObject(stored.response, stored.model, state, visible), output_text: outputText(visible) };
}

/** DELETE /v1/responses/{id}: only the caller's workspace's. */
export async function deleteResponse(store: ResponseStore, id: string, workspaceId: string) {
  if (!(await store.remove(id, workspaceId))) throw responseNotFound(id);
  return { id, object: "response" as const, deleted: true as const };
}
