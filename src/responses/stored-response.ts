import { responseNotFound } from "../errors.ts";
import type { ResponseObject } from "../openai/responses-response.ts";
import { responseObject, withOutputText } from "./response-object.ts";
import type { ResponseStore } from "./response-store.ts";

/** GET /v1/responses/{id}: a stored response of the caller's workspace, as it was returned. */
export async function retrieveResponse(store: ResponseStore, id: string, workspaceId: string, includeEncrypted: boolean): Promise<ResponseObject> {
  const stored = await store.find(id, workspaceId);
  if (!stored) throw responseNotFound(id);
  const { incomplete_details, error } = stored.response;
  const outcome = { status: stored.status, incompleteReason: incomplete_details?.reason, output: stored.output, usage: stored.usage, error: error ?? undefined };
  return withOutputText(responseObject(stored.response, stored.model, outcome, includeEncrypted));
}

/** DELETE /v1/responses/{id}: only the caller's workspace's. */
export async function deleteResponse(store: ResponseStore, id: string, workspaceId: string) {
  if (!(await store.remove(id, workspaceId))) throw responseNotFound(id);
  return { id, object: "response" as const, deleted: true as const };
}
