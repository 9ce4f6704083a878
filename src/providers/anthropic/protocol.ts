import type { ProviderProtocol } from "../provider-client.ts";
import { mapAnthropicError } from "./map-anthropic-error.ts";

/** Anthropic Messages API; version pinned per reference D.1, no beta headers needed. */
export const anthropicProtocol: ProviderProtocol = {
  provider: "anthropic",
  headers: (credential) => ({ "x-api-key": credential, "anthropic-version": "2023-06-01" }),
  mapError: mapAnthropicError,
};
