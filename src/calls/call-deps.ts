import type { Principal } from "../auth/authenticator.ts";
import type { Billing } from "../billing/billing.ts";
import type { CatalogModel, ProviderName } from "../catalog/model.ts";
import type { ChatAdapter } from "../providers/adapter.ts";
import type { ProviderClient } from "../providers/provider-client.ts";
import type { UpstreamTransport } from "../providers/upstream-transport.ts";

/** Which account serves a model's calls. */
export interface Suppliers {
  /** Throws the spec's 503 no_supplier when none can. */
  clientFor(model: CatalogModel): ProviderClient;
}

/** What running a provider-neutral call needs, wired once (gateway.ts). */
export interface CallDeps {
  adapters: Record<ProviderName, ChatAdapter>;
  suppliers: Suppliers;
  transport: UpstreamTransport;
  billing: Billing;
}

/** The request a call runs for, as the HTTP layer knows it. */
export interface CallContext {
  requestId: string;
  principal: Principal;
  /** The body's size in bytes (billing's worst-case input). */
  bodyBytes: number;
  /** The client's signal: a disconnect aborts the upstream call. */
  signal: AbortSignal;
}
