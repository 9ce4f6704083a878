import type { Principal } from "../auth/authenticator.ts";
import type { Billing } from "../billing/billing.ts";
import type { ProviderName } from "../catalog/model.ts";
import type { CallRecord } from "../observability/finished-request.ts";
import type { ChatAdapter } from "../providers/adapter.ts";
import type { UpstreamTransport } from "../providers/upstream-transport.ts";
import type { CandidateSource, FailoverOptions } from "../routing/failover.ts";
import type { Outcome } from "../routing/supplier-health.ts";

/** What running a provider-neutral call needs, wired once (gateway.ts). */
export interface CallDeps {
  adapters: Record<ProviderName, ChatAdapter>;
  /** The suppliers serving each model (routing/supplier-registry.ts). */
  suppliers: CandidateSource;
  /** UPSTREAM_MAX_ATTEMPTS and UPSTREAM_DEADLINE_MS. */
  routing: { maxAttempts: number; deadlineMs: number };
  transport: UpstreamTransport;
  billing: Billing;
  /** Each attempt's outcome on a supplier (metrics). */
  observeAttempt?: (supplier: string, outcome: Outcome) => void;
}

/** The request a call runs for, as the HTTP layer knows it. */
export interface CallContext {
  requestId: string;
  principal: Principal;
  /** The body's size in bytes (billing's worst-case input). */
  bodyBytes: number;
  /** The client's signal: a disconnect aborts the upstream call. */
  signal: AbortSignal;
  /** performance.now() when the request arrived (durations in the usage record). */
  startedAt: number;
  /** Where the call reports its model, settlement and mid-stream error (metrics, access log). */
  record: CallRecord;
}

/** Failover settings for one request: its deadline runs from now. */
export function failoverOptions(deps: Pick<CallDeps, "routing" | "observeAttempt">, ctx: CallContext): FailoverOptions {
  return {
    requestId: ctx.requestId,
    signal: ctx.signal,
    maxAttempts: deps.routing.maxAttempts,
    deadline: Date.now() + deps.routing.deadlineMs,
    log: (line) => console.warn(line),
    observe: deps.observeAttempt,
  };
}
