import { unsupportedParameter } from "../errors.ts";
import type { ChatAdapter } from "../providers/adapter.ts";
import type { CallOptions } from "./call-options.ts";

/** What an adapter's provider API can do at all, whatever the model (declared by each adapter). */
export interface AdapterFeatures {
  /** Several choices in one call (OpenAI `n` > 1). */
  multipleChoices: boolean;
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
  const refuse = (field: string, what: string) => unsupportedParameter(field, `${what} is not supported for ${provider} models`);
  if (options.choices > 1 && !features.multipleChoices) throw refuse("n", "n > 1");
  if (options.features.logprobs && !features.logprobs) throw refuse(options.features.logprobs, options.features.logprobs);
  if (options.features.logitBias && !features.logitBias) throw refuse(options.features.logitBias, options.features.logitBias);
}
