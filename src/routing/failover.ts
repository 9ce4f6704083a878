import type { CatalogModel } from "../catalog/model.ts";
import { ApiError, noSupplier, upstreamTimeout } from "../errors.ts";
import { routeOrder } from "./route-order.ts";
import type { Supplier } from "./supplier.ts";
import type { Outcome } from "./supplier-health.ts";

export interface FailoverOptions {
  requestId: string;
  /** The client's signal: once it aborts, nothing is retried. */
  signal: AbortSignal;
  /** UPSTREAM_MAX_ATTEMPTS. */
  maxAttempts: number;
  /** Epoch ms by which some attempt must have succeeded (UPSTREAM_DEADLINE_MS after the request began). */
  deadline: number;
  /** One line per failed attempt (request id, supplier, reason; never a URL or a key). */
  log?: (line: string) => void;
  /** Each attempt that reached a verdict on the supplier (metrics); not requests it refused as invalid. */
  observe?: (supplier: string, outcome: Outcome) => void;
}

export interface Served<T> {
  value: T;
  supplier: Supplier;
  attempts: number;
}

/** The suppliers a model's requests may try. */
export interface CandidateSource {
  candidates(model: CatalogModel): readonly Supplier[];
}

/**
 * Runs `attempt` on the model's suppliers in route order until one serves
 * it: the next candidate after each failure that is the supplier's (see
 * ApiError.supplierFailure: unreachable, timeout, 5xx/529, 429, refused
 * credentials, redirect, a malformed reply, a stream failing before its
 * first event), the same one again only when it is the last and can be
 * tried now; a candidate that became unavailable since the order was made
 * (its breaker opened, another request took its half-open probe slot) is
 * passed over without spending an attempt. Never retried: a request error
 * (4xx) or a client that left. At most `maxAttempts`, all before
 * `deadline`; `attempt` must finish with everything that may still fail
 * before the first byte goes to the client.
 * When every attempt failed: 503 no_supplier listing each attempt's
 * supplier and reason, with Retry-After when the suppliers are cooling down
 * or rate-limited (the soonest end); 504 when they all timed out.
 */
export async function withFailover<T>(
  source: CandidateSource,
  model: CatalogModel,
  options: FailoverOptions,
  attempt: (supplier: Supplier, deadline: number) => Promise<{ value: T; ttfbMs: number }>,
): Promise<Served<T>> {
  const order = routeOrder(source.candidates(model), Date.now());
  if (order.length === 0) throw noSupplier(`no supplier is configured for model "${model.id}"`, "not_configured");
  const failed: { supplier: string; reason: string; error: ApiError }[] = [];
  // The next candidate to try: skipping one does not spend an attempt; past the end it stays on the last.
  let position = 0;
  for (let attempts = 1; attempts <= options.maxAttempts; attempts++) {
    const now = Date.now();
    if (now >= options.deadline) break;
    if (attempts > 1) {
      // Health may have changed during the earlier attempts: pass over what cannot be tried now,
      // and repeat the last only when it can (never through its Retry-After).
      while (position < order.length - 1 && !order[position]!.health.available(now)) position++;
      if (!order[position]!.health.available(now)) break;
    }
    const supplier = order[position]!;
    position = Math.min(position + 1, order.length - 1);
    supplier.health.begin();
    try {
      const { value, ttfbMs } = await attempt(supplier, options.deadline);
      const outcome: Outcome = { ok: true, ttfbMs };
      supplier.health.record(outcome);
      options.observe?.(supplier.config.name, outcome);
      return { value, supplier, attempts };
    } catch (error) {
      const failure = error instanceof ApiError ? error.supplierFailure : undefined;
      if (options.signal.aborted || failure === undefined || !(error instanceof ApiError)) {
        // Not the supplier's doing: a request it refused as invalid counts as an answer, a client that left as nothing.
        if (error instanceof ApiError && !options.signal.aborted) supplier.health.answered();
        else supplier.health.abandon();
        throw error;
      }
      const outcome: Outcome = { ok: false, failure, retryAfterSeconds: error.retryAfterSeconds };
      supplier.health.record(outcome);
      options.observe?.(supplier.config.name, outcome);
      failed.push({ supplier: supplier.config.name, reason: error.message, error });
      options.log?.(`[${options.requestId}] supplier ${supplier.config.name} failed (${failure}): ${error.message}`);
    }
  }
  throw allFailed(failed);
}

function allFailed(failed: { supplier: string; reason: string; error: ApiError }[]): ApiError {
  const list = failed.map((attempt, i) => `${i + 1}. ${attempt.supplier}: ${attempt.reason}`).join("; ");
  const message = `no supplier could serve the request (${failed.length} attempt${failed.length === 1 ? "" : "s"}: ${list})`;
  if (failed.length > 0 && failed.every((attempt) => attempt.error.supplierFailure === "timeout")) {
    return upstreamTimeout(message);
  }
  // When a provider said when to come back (Retry-After, a rate limit), the soonest of those times.
  const waits = failed.map((attempt) => attempt.error.retryAfterSeconds).filter((s): s is number => s !== undefined);
  const retryAfter = waits.length > 0 ? Math.min(...waits) : undefined;
  return noSupplier(message, failed.at(-1)?.error.supplierFailure ?? "not_configured", retryAfter);
}
