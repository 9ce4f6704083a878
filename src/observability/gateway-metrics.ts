import packageJson from "../../package.json";
import type { BillingObserver, LeaseExtensionResult } from "../billing/billing.ts";
import type { Outcome } from "../routing/supplier-health.ts";
import type { HealthState } from "../routing/supplier-health.ts";
import type { FinishedRequest, RequestObserver } from "./finished-request.ts";
import { Collected, Counter, Histogram, Registry, UsdCounter } from "./metrics-registry.ts";

/** What the metrics read when scraped. */
export interface MetricSources {
  /** Each supplier's name and breaker state, in this process. */
  suppliers(): Iterable<{ name: string; state: HealthState }>;
  /** Settlements not yet written, and how long the oldest has waited (ms; 0 when none). */
  settlementBacklog(): { depth: number; oldestAgeMs: number };
}

const STATES: readonly HealthState[] = ["closed", "half_open", "open", "cooling"];
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
const OVERHEAD_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];
const TTFB_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60];
const REFUSALS = new Set(["insufficient_credit", "spend_limit_exceeded"]);

/**
 * The gateway's Prometheus metrics. Labels are routes, catalog models,
 * suppliers, statuses and codes only: never a key or a workspace
 * (cardinality, and what a scrape may reveal).
 */
export class GatewayMetrics implements RequestObserver, BillingObserver {
  private readonly registry = new Registry();
  private inFlight = 0;

  private readonly requests = this.registry.register(
    new Counter("opentoken_http_requests_total", "Requests by route template, catalog model (empty before one is resolved) and HTTP status", [
      "route",
      "model",
      "status",
    ]),
  );
  private readonly duration = this.registry.register(
    new Histogram("opentoken_http_request_duration_seconds", "From arrival to the end of the reply (a stream's last frame)", ["route"], DURATION_BUCKETS),
  );
  private readonly overhead = this.registry.register(
    new Histogram(
      "opentoken_gateway_overhead_seconds",
      "The gateway's own share of the time to a reply's first byte: total minus the upstream's, for requests that called one",
      ["route"],
      OVERHEAD_BUCKETS,
    ),
  );
  private readonly ttfb = this.registry.register(
    new Histogram("opentoken_upstream_ttfb_seconds", "Per successful attempt: from sending to the supplier's first byte (whole reply when not streaming)", ["supplier"], TTFB_BUCKETS),
  );
  private readonly upstreamErrors = this.registry.register(
    new Counter("opentoken_upstream_errors_total", "Failed attempts on a supplier, by reason (unreachable, timeout, rate_limited, overloaded, server_error, credentials, redirect, malformed_reply)", [
      "supplier",
      "reason",
    ]),
  );
  private readonly tokens = this.registry.register(
    new Counter("opentoken_tokens_total", "Billed tokens by model and kind (input includes cached and cache_write; output includes reasoning)", ["model", "kind"]),
  );
  private readonly cost = this.registry.register(new UsdCounter("opentoken_cost_usd_total", "Billed cost in USD by model", ["model"]));
  private readonly refusals = this.registry.register(
    new Counter("opentoken_billing_refusals_total", "Requests refused by billing, by error code (insufficient_credit, spend_limit_exceeded)", ["code"]),
  );
  private readonly leaseExtensions = this.registry.register(
    new Counter("opentoken_lease_extensions_total", "Database round trips growing a credit lease: granted all asked, short (granted less) or failed", ["result"]),
  );
  private readonly settlementBatches = this.registry.register(
    new Counter("opentoken_settlement_batches_total", "Settlement batches written to the ledger (ok) or failed and retried (failed)", ["result"]),
  );

  constructor(sources: MetricSources) {
    const registry = this.registry;
    registry.register(
      new Collected("opentoken_http_requests_in_flight", "Requests begun and not yet finished (open streams included)", [], "gauge", () => [[[], this.inFlight]]),
    );
    registry.register(
      new Collected("opentoken_supplier_state", "1 for each supplier's current breaker state in this process (closed = healthy)", ["supplier", "state"], "gauge", function* () {
        for (const { name, state } of sources.suppliers()) for (const s of STATES) yield [[name, s], s === state ? 1 : 0];
      }),
    );
    registry.register(
      new Collected("opentoken_settlement_queue_depth", "Finished requests whose usage and debit are not yet written", [], "gauge", () => [
        [[], sources.settlementBacklog().depth],
      ]),
    );
    registry.register(
      new Collected("opentoken_settlement_lag_seconds", "How long the oldest unwritten settlement has waited", [], "gauge", () => [
        [[], sources.settlementBacklog().oldestAgeMs / 1000],
      ]),
    );
    registry.register(
      new Collected("opentoken_build_info", "The running version", ["version"], "gauge", () => [[[packageJson.version], 1]]),
    );
    const startTime = Math.floor(Date.now() / 1000 - process.uptime());
    registry.register(new Collected("process_start_time_seconds", "Start time of the process since the Unix epoch", [], "gauge", () => [[[], startTime]]));
    registry.register(
      new Collected("process_resident_memory_bytes", "Resident memory size", [], "gauge", () => [[[], process.memoryUsage.rss()]]),
    );
    registry.register(
      new Collected("process_cpu_seconds_total", "User and system CPU time spent", [], "counter", () => {
        const { user, system } = process.cpuUsage();
        return [[[], (user + system) / 1e6]];
      }),
    );
  }

  started(): void {
    this.inFlight++;
  }

  finished(request: FinishedRequest): void {
    this.inFlight--;
    const model = request.model ?? "";
    const route = request.route;
    this.requests.inc([route, model, String(request.status)]);
    this.duration.observe([route], request.durationMs / 1000);
    if (request.overheadMs !== undefined) this.overhead.observe([route], request.overheadMs / 1000);
    if (request.errorCode !== undefined && REFUSALS.has(request.errorCode)) this.refusals.inc([request.errorCode]);
    const billed = request.billed;
    if (billed === undefined) return;
    const usage = billed.usage;
    this.tokens.inc([model, "input"], usage.promptTokens);
    this.tokens.inc([model, "cached"], usage.cachedTokens);
    this.tokens.inc([model, "cache_write"], usage.cacheWriteTokens);
    this.tokens.inc([model, "output"], usage.completionTokens);
    this.tokens.inc([model, "reasoning"], usage.reasoningTokens);
    this.cost.inc([model], billed.cost);
  }

  /** One attempt on a supplier (routing/failover.ts). */
  upstreamAttempt(supplier: string, outcome: Outcome): void {
    if (outcome.ok) this.ttfb.observe([supplier], outcome.ttfbMs / 1000);
    else this.upstreamErrors.inc([supplier, outcome.failure]);
  }

  leaseExtension(result: LeaseExtensionResult): void {
    this.leaseExtensions.inc([result]);
  }

  settlementBatch(ok: boolean): void {
    this.settlementBatches.inc([ok ? "ok" : "failed"]);
  }

  render(): string {
    return this.registry.render();
  }
}
