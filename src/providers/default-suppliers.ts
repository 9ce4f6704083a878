import type { Suppliers } from "../calls/call-deps.ts";
import type { Config } from "../config.ts";
import { noSupplier } from "../errors.ts";
import { anthropicProtocol } from "./anthropic/protocol.ts";
import { googleProtocol } from "./google/protocol.ts";
import { createProviderClient, type ProviderClient } from "./provider-client.ts";
import type { ProviderName } from "../catalog/model.ts";

/**
 * The suppliers the environment defines: `google` (GOOGLE_API_KEY /
 * GOOGLE_BASE_URL) and `anthropic` (ANTHROPIC_API_KEY / ANTHROPIC_BASE_URL),
 * each present only when its key is set.
 */
export function defaultSuppliers(config: Config): Suppliers {
  const clients: Partial<Record<ProviderName, ProviderClient>> = {};
  for (const protocol of [googleProtocol, anthropicProtocol]) {
    const { apiKey, baseUrl } = config.providers[protocol.provider];
    if (apiKey) clients[protocol.provider] = createProviderClient(protocol, { name: protocol.provider, baseUrl, credential: apiKey });
  }
  return {
    clientFor(model) {
      const client = clients[model.provider];
      if (!client) throw noSupplier(`no supplier is configured for provider "${model.provider}"`, "not_configured");
      return client;
    },
  };
}
