import { invalidRequest, unsupportedParameter } from "../errors.ts";
import type { ChatAdapter } from "../providers/adapter.ts";
import type { CallOptions } from "./call-options.ts";

/** What an adapter's provider API can do at all, whatever the model (declared by each adapter). */
export interface AdapterFeatures {
  /** Several choices in one call (OpenAI `n` > 1). */
  multipleChoices: boolean;
  /** Images (not only text) in tool results. */
  toolResultImages: boolean;
  /** Images given by http(s) URL (the gateway never fetches them itself). */
  imageUrls: boolean;
  logprobs: boolean;
  logitBias: boolean;
}

/**
 * The one place a call is refused for what its model or provider cannot
 * serve, before anything is reserved or sent: the catalog's capability
 * flags for the model, the adapter's features for its provider. A silently
 * dropped feature would change the reply, so each is a 400 naming the field.
 */
export function checkSupport(options: CallOptions, adapter: Pick<ChatAdapter, "provider" | "features">): void {
  const { model } = options;
  const { provider, features } = adapter;
  if (!model.supportsTools && (options.tools.length > 0 || options.toolChoice !== undefined)) {
    throw unsupportedParameter("tools", `model "${model.id}" does not support tools`);
  }
  if (!model.supportsStreaming && options.stream) {
    throw unsupportedParameter("stream", `model "${model.id}" does not support streaming`);
  }
  const conversation = options.conversationField;
  const refuse = (field: string, what: string) => unsupportedParameter(field, `${what} is not supported for ${provider} models`);
  if (!features.toolResultImages && options.messages.some(hasToolResultImage)) {
    throw invalidRequest(`tool results take text only for ${provider} models`, conversation);
  }
  if (!features.imageUrls && options.messages.some(hasImageUrl)) {
    const how = "take images as base64 data: URIs (data:<mime>;base64,<data>); the gateway does not fetch remote image URLs";
    throw invalidRequest(`${provider} models ${how}`, conversation);
  }
  if (options.choices > 1 && !features.multipleChoices) throw refuse("n", "n > 1");
  if (options.features.logprobs && !features.logprobs) throw refuse(options.features.logprobs, options.features.logprobs);
  if (options.features.logitBias && !features.logitBias) throw refuse(options.features.logitBias, options.features.logitBias);
}

type Message = CallOptions["messages"][number];
const hasToolResultImage = (message: Message) => message.role === "tool" && message.content.some((part) => part.type !== "text");
const hasImageUrl = (message: Message) =>
  (message.role === "user" || message.role === "tool") && message.content.some((part) => part.type === "image" && part.source.kind === "url");
