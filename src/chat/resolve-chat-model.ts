import type { Catalog } from "../catalog/catalog.ts";
import type { CatalogModel } from "../catalog/model.ts";
import { chatUnsupported, invalidRequest, modelNotFound, unsupportedParameter } from "../errors.ts";
import type { ChatCompletionRequest } from "../openai/chat-request.ts";

/**
 * The catalog model a chat request names, checked against the model's
 * capability flags before anything is sent upstream.
 */
export function resolveChatModel(catalog: Catalog, body: ChatCompletionRequest): CatalogModel {
  const model = catalog.get(body.model);
  if (!model) throw modelNotFound(body.model);
  if (model.kind !== "chat") throw chatUnsupported(model.id);
  if (!model.supportsTools && (body.tools?.length || body.tool_choice !== undefined)) {
    throw unsupportedParameter("tools", `model "${model.id}" does not support tools`);
  }
  // "auto" and "none" without tools are harmless; demanding a call when no tool exists cannot be served.
  if (!body.tools?.length && (body.tool_choice === "required" || typeof body.tool_choice === "object")) {
    throw invalidRequest("tool_choice asks for a tool call, but the request has no tools", "tool_choice");
  }
  if (!model.supportsStreaming && body.stream) {
    throw unsupportedParameter("stream", `model "${model.id}" does not support streaming`);
  }
  return model;
}
