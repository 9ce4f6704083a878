import type { Principal } from "../auth/authenticator.ts";
import type { CatalogModel } from "../catalog/model.ts";
import type { TokenUsage } from "../providers/types.ts";

/** What a request may consume at most: the reservation is priced from this. */
export interface WorstCase {
  /** Upper bound of input tokens (see estimate.ts for how it is derived). */
  inputTokens: number;
  /** Upper bound of output tokens (the max output sent upstream, times the number of choices). */
  outputTokens: number;
}

export interface AdmissionRequest {
  /** The x-request-id: the idempotency key of the settlement. */
  requestId: string;
  principal: Principal;
  model: CatalogModel;
  worstCase: WorstCase;
}

/** One database round trip growing a lease: every waiter's need granted, less (short), or an error. */
export type LeaseExtensionResult = "granted" | "short" | "failed";

/** What billing reports for metrics (observability/gateway-metrics.ts). */
export interface BillingObserver {
  leaseExtension(result: LeaseExtensionResult): void;
  /** One settlement batch written, or failed (it is retried). */
  settlementBatch(ok: boolean): void;
}

/** How a settled request was served. */
export interface SettleDetails {
  /** Some token counts are the gateway's estimate (a stream cut short), not the provider's. */
  estimated: boolean;
  /** The supplier that served it, recorded with its usage. */
  supplier: string;
  /** `incomplete`: a stream cut short (the client left, the provider failed mid-way, a write timeout). */
  status: "completed" | "incomplete";
  /** From the request's arrival to now, and to the provider's first byte, in ms. */
  durationMs: number;
  ttfbMs: number;
}

/**
 * One admitted request's hold on credit. Exactly one of settle/release takes
 * effect (the first call); later calls are no-ops, so every terminal path may
 * call `release()` in a finally block after a possible `settle()`.
 */
export interface Reservation {
  /**
   * Records the usage (one usage record, one ledger debit, written in a batch
   * shortly after) and frees the rest of the hold. Returns the cost in nano-USD,
   * priced at the catalog prices in force at admission.
   */
  settle(usage: TokenUsage, details: SettleDetails): bigint;
  /** Frees the hold without billing: nothing was consumed. */
  release(): void;
}

export interface Billing {
  /**
   * Reserves the worst-case cost against the workspace's available balance
   * and the key's remaining spend limit. Throws the spec's 402
   * `insufficient_credit` or 429 `spend_limit_exceeded` when it does not fit.
   */
  admit(request: AdmissionRequest): Promise<Reservation>;
}
