import type { Database } from "../db/client.ts";
import type { BillingObserver, Reservation } from "./billing.ts";
import { extendHold, type ExtendResult, shrinkHolds } from "./hold-store.ts";
import { Lease, type Waiter } from "./lease.ts";
import { periodStart } from "./limit-period.ts";
import { creditRefusal, noBillingAccount, spendLimitRefusal } from "./refusal.ts";

/** A lease asks for this many times what its waiting requests need (capped at a quarter of the free credit). */
const LEASE_GROWTH = 64n;

/**
 * Grows leases for the requests waiting on them: one database round trip
 * (extend_credit_hold) per batch of waiters on a key, refusing only those
 * the database had too little for.
 */
export class LeaseExtender {
  constructor(
    private readonly db: Database,
    /** This process's leases by key id (shared with LeaseBilling). */
    private readonly leases: Map<string, Lease>,
    private readonly ttlSeconds: number,
    /** Admits a waiter against a lease that now covers it. */
    private readonly take: (lease: Lease, waiter: Waiter) => Reservation,
    private readonly observer?: BillingObserver,
  ) {}

  /** Serves a lease's waiting requests; a no-op while an extension of it is already running. */
  async serve(lease: Lease): Promise<void> {
    if (lease.extending) return;
    lease.extending = true;
    let gaveBack = false;
    try {
      while (lease.queue.length > 0) {
        if (lease.lapsed(Date.now())) return this.moveToFreshLease(lease);
        const waiting = lease.queue.splice(0);
        const principal = waiting[0]!.request.principal;
        const remaining = waiting.filter((waiter) => !this.tryTake(lease, waiter, Date.now()));
        if (remaining.length === 0) continue;

        const estimates = remaining.map((waiter) => waiter.estimate);
        const need = estimates.reduce((a, b) => a + b, 0n) - lease.available;
        const smallest = estimates.reduce((a, b) => (a < b ? a : b));
        const sentAt = Date.now();
        let result: ExtendResult;
        try {
          result = await extendHold(this.db, {
            holdId: lease.id,
            workspaceId: lease.workspaceId,
            keyId: lease.keyId,
            spendLimit: principal.spendLimit,
            periodStart: periodStart(principal.limitReset, new Date(sentAt)),
            minimum: smallest - lease.available,
            need,
            target: need * LEASE_GROWTH,
            ttlSeconds: this.ttlSeconds,
          });
        } catch (error) {
          this.observer?.leaseExtension("failed");
          for (const waiter of remaining) waiter.reject(error);
          continue;
        }
        this.observer?.leaseExtension(result.kind === "no_account" || result.granted < need ? "short" : "granted");
        if (result.kind === "no_account") {
          for (const waiter of remaining) waiter.reject(noBillingAccount());
          continue;
        }
        if (result.granted > 0n) {
          lease.available += result.granted;
          lease.grant(sentAt + this.ttlSeconds * 1000);
        }
        // Requests admitted from memory meanwhile may have used part of the grant: whoever still does not fit
        // is refused only if the database had too little; otherwise it waits for the next round. Before a
        // refusal, this process's other leases on the workspace give back their spare credit, once.
        const short = result.granted < need;
        const retry: boolean = short && !gaveBack && (await this.giveBackSpare(lease));
        gaveBack ||= retry;
        for (const waiter of remaining) {
          if (this.tryTake(lease, waiter, sentAt)) continue;
          if (short && !retry) waiter.reject(refusal(waiter, result, lease, sentAt));
          else lease.queue.push(waiter);
        }
      }
    } finally {
      lease.extending = false;
    }
  }

  /**
   * Shrinks this process's other leases on the lease's workspace to what
   * their requests in flight need, so a refusal never counts credit that
   * only sits in a lease. Returns whether any credit was given back.
   */
  private async giveBackSpare(lease: Lease): Promise<boolean> {
    const spare: { id: string; amount: bigint }[] = [];
    for (const other of this.leases.values()) {
      if (other === lease || other.workspaceId !== lease.workspaceId || other.extending || other.available <= 0n) continue;
      spare.push({ id: other.id, amount: other.available });
      other.available = 0n;
    }
    if (spare.length === 0) return false;
    await shrinkHolds(this.db, spare).catch((error) => console.error("billing: giving back spare credit failed:", String(error)));
    return true;
  }

  /** The lease lapsed (renewals failed): its waiters start over on a new hold. */
  private moveToFreshLease(lapsed: Lease) {
    const fresh = new Lease(lapsed.workspaceId, lapsed.keyId);
    fresh.queue = lapsed.queue.splice(0);
    if (this.leases.get(lapsed.keyId) === lapsed) this.leases.set(lapsed.keyId, fresh);
    void this.serve(fresh);
  }

  private tryTake(lease: Lease, waiter: Waiter, now: number): boolean {
    if (!lease.usable(now) || lease.available < waiter.estimate) return false;
    waiter.resolve(this.take(lease, waiter));
    return true;
  }
}

/** 429 when the key's limit is what binds, else 402; amounts include what this process still holds. */
function refusal(waiter: Waiter, result: Extract<ExtendResult, { kind: "ok" }>, lease: Lease, now: number) {
  const free = (amount: bigint) => amount - result.granted + lease.available;
  if (result.keyRemaining !== null && result.keyRemaining < result.workspaceAvailable) {
    return spendLimitRefusal(waiter.request.principal, waiter.estimate, free(result.keyRemaining), new Date(now));
  }
  return creditRefusal(waiter.estimate, free(result.workspaceAvailable));
}
