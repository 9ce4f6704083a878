import type { Principal } from "../auth/authenticator.ts";
import type { Database } from "../db/client.ts";
import type { AdmissionRequest, Billing, BillingObserver, Reservation } from "./billing.ts";
import { costOf } from "./cost.ts";
import { dropHolds } from "./hold-store.ts";
import { Lease, type Waiter } from "./lease.ts";
import { LeaseExtender } from "./lease-extension.ts";
import { LeaseMaintenance } from "./lease-maintenance.ts";
import { LeaseReservation } from "./lease-reservation.ts";
import { Settler } from "./settler.ts";

export interface LeaseBillingOptions {
  /** How long a hold outlives its process's last renewal (bounds what a killed process keeps blocked). */
  leaseTtlSeconds: number;
  /** How long finished requests wait to be written together. */
  settleIntervalMs: number;
  observer?: BillingObserver;
}

/**
 * Billing with credit leases. Admission is answered from memory while the
 * process's lease on the key covers the request's worst-case cost; otherwise
 * one statement (hold-store.ts) grows the lease against the workspace's
 * available balance and the key's remaining limit, for every request waiting
 * on that key at once (lease-extension.ts). Settlement is batched
 * (settler.ts). Leases are renewed while in use and given back when idle
 * (lease-maintenance.ts); a killed process's leases expire after
 * `leaseTtlSeconds`.
 *
 * Overdraft bound: a request is admitted only when its worst-case cost fits,
 * and settles at its actual cost; the balance can fall below zero only by the
 * excess of actual over worst-case cost of requests in flight (see estimate.ts:
 * zero unless a provider bills more tokens than the worst case allows).
 */
export class LeaseBilling implements Billing {
  /** This process's leases, by key id. */
  private readonly leases = new Map<string, Lease>();
  private readonly settler: Settler;
  private readonly extender: LeaseExtender;
  private readonly maintenance: LeaseMaintenance;

  constructor(
    private readonly db: Database,
    options: LeaseBillingOptions,
  ) {
    this.settler = new Settler(db, options.settleIntervalMs, options.observer);
    const take = (lease: Lease, waiter: Waiter) => new LeaseReservation(this.settler, lease, waiter.request, waiter.estimate);
    this.extender = new LeaseExtender(db, this.leases, options.leaseTtlSeconds, take, options.observer);
    this.maintenance = new LeaseMaintenance(db, this.leases, options.leaseTtlSeconds);
  }

  start() {
    this.maintenance.start();
  }

  /** Settlements not yet written, and how long the oldest has waited. */
  settlementBacklog() {
    return this.settler.backlog();
  }

  /** Writes pending settlements and gives every hold back. */
  async stop() {
    this.maintenance.stop();
    await this.settler.drain();
    const ids = [...this.leases.values()].map((lease) => lease.id);
    this.leases.clear();
    await dropHolds(this.db, ids).catch((error) => console.error("billing: could not release holds:", String(error)));
  }

  /** Requests admitted and not yet settled or released, across all keys. */
  inFlight(): number {
    let count = 0;
    for (const lease of this.leases.values()) count += lease.inFlight;
    return count;
  }

  /** Waits until every queued settlement is written (tests). */
  flush() {
    return this.settler.drain();
  }

  admit(request: AdmissionRequest): Promise<Reservation> {
    const { inputTokens, outputTokens } = request.worstCase;
    const estimate = costOf(
      { promptTokens: inputTokens, completionTokens: outputTokens, cachedTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 },
      request.model.prices,
    );
    const now = Date.now();
    const lease = this.leaseFor(request.principal, now);
    lease.lastUsed = now;
    if (lease.queue.length === 0 && lease.usable(now) && lease.available >= estimate) {
      return Promise.resolve(new LeaseReservation(this.settler, lease, request, estimate));
    }
    return new Promise((resolve, reject) => {
      lease.queue.push({ request, estimate, resolve, reject });
      void this.extender.serve(lease);
    });
  }

  private leaseFor(principal: Principal, now: number): Lease {
    const current = this.leases.get(principal.keyId);
    // A lapsed lease is void: the database stopped counting it; unless it is mid-extension, a fresh one replaces it.
    if (current && (!current.lapsed(now) || current.extending)) return current;
    const lease = new Lease(principal.workspaceId, principal.keyId);
    this.leases.set(principal.keyId, lease);
    return lease;
  }
}
