import type { Principal } from "../auth/authenticator.ts";
import type { Database } from "../db/client.ts";
import type { TokenUsage } from "../providers/types.ts";
import { randomBase62 } from "../util/random.ts";
import type { AdmissionRequest, Billing, Reservation } from "./billing.ts";
import { costOf } from "./cost.ts";
import { dropHolds, extendHold, type ExtendResult, renewHolds, shrinkHolds, sweepExpiredHolds } from "./hold-store.ts";
import { periodStart } from "./limit-period.ts";
import { creditRefusal, noBillingAccount, spendLimitRefusal } from "./refusal.ts";
import { Settler } from "./settler.ts";

export interface LeaseBillingOptions {
  /** How long a hold outlives its process's last renewal (bounds what a killed process keeps blocked). */
  leaseTtlSeconds: number;
  /** How long finished requests wait to be written together. */
  settleIntervalMs: number;
}

/** A lease asks for this many times what its waiting requests need (capped at a quarter of the free credit). */
const LEASE_GROWTH = 64n;

interface Waiter {
  request: AdmissionRequest;
  estimate: bigint;
  resolve(reservation: Reservation): void;
  reject(error: unknown): void;
}

/**
 * One process's hold on one key's share of its workspace's credit, mirrored
 * in memory: `available` = the hold's amount − estimates of requests in
 * flight − costs settled but not yet written.
 */
class Lease {
  readonly id = `hold_${randomBase62(20)}`;
  available = 0n;
  /** Local time after which the database no longer counts the hold; 0 = none granted yet. */
  validUntil = 0;
  inFlight = 0;
  unwritten = 0;
  lastUsed = Date.now();
  queue: Waiter[] = [];
  extending = false;

  constructor(
    readonly workspaceId: string,
    readonly keyId: string,
  ) {}

  usable(now: number) {
    return now < this.validUntil;
  }

  get idle() {
    return this.inFlight === 0 && this.unwritten === 0 && this.queue.length === 0 && !this.extending;
  }
}

/**
 * Billing with credit leases. Admission is answered from memory while the
 * process's lease on the key covers the request's worst-case cost; otherwise
 * one statement (hold-store.ts) grows the lease against the workspace's
 * available balance and the key's remaining limit, for every request waiting
 * on that key at once. Settlement is batched (settler.ts). Leases are renewed
 * while in use and given back when idle; a killed process's leases expire
 * after `leaseTtlSeconds`.
 *
 * Overdraft bound: a request is admitted only when its worst-case cost fits,
 * and settles at its actual cost; the balance can fall below zero only by the
 * excess of actual over worst-case cost of requests in flight (see estimate.ts:
 * zero unless a provider bills more tokens than the worst case allows).
 */
export class LeaseBilling implements Billing {
  private readonly leases = new Map<string, Lease>();
  private readonly settler: Settler;
  private timer: ReturnType<typeof setInterval> | undefined;
  private maintaining = false;

  constructor(
    private readonly db: Database,
    private readonly options: LeaseBillingOptions,
  ) {
    this.settler = new Settler(db, options.settleIntervalMs);
  }

  start() {
    this.timer ??= setInterval(() => void this.maintain(), (this.options.leaseTtlSeconds * 1000) / 3);
    this.timer.unref?.();
    void sweepExpiredHolds(this.db).catch(() => {});
  }

  /** Writes pending settlements and gives every hold back. */
  async stop() {
    clearInterval(this.timer);
    this.timer = undefined;
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
      return Promise.resolve(this.take(lease, request, estimate));
    }
    return new Promise((resolve, reject) => {
      lease.queue.push({ request, estimate, resolve, reject });
      void this.extend(lease);
    });
  }

  private leaseFor(principal: Principal, now: number): Lease {
    const current = this.leases.get(principal.keyId);
    // A lease whose renewal failed long enough is void: the database stopped counting it.
    if (current && (current.validUntil === 0 || current.usable(now) || current.extending)) return current;
    const lease = new Lease(principal.workspaceId, principal.keyId);
    this.leases.set(principal.keyId, lease);
    return lease;
  }

  private take(lease: Lease, request: AdmissionRequest, estimate: bigint): Reservation {
    lease.available -= estimate;
    lease.inFlight++;
    return new LeaseReservation(this.settler, lease, request, estimate);
  }

  /** Serves a lease's waiting requests, one database round trip per batch of waiters. */
  private async extend(lease: Lease) {
    if (lease.extending) return;
    lease.extending = true;
    let gaveBack = false;
    try {
      while (lease.queue.length > 0) {
        if (lease.validUntil !== 0 && !lease.usable(Date.now())) return this.moveToFreshLease(lease);
        const waiting = lease.queue.splice(0);
        const principal = waiting[0]!.request.principal;
        const remaining = waiting.filter((waiter) => !this.tryTake(lease, waiter, Date.now()));
        if (remaining.length === 0) continue;

        const estimates = remaining.map((waiter) => waiter.estimate);
        const need = estimates.reduce((a, b) => a + b, 0n) - lease.available;
        const smallest = estimates.reduce((a, b) => (a < b ? a : b));
        const sentAt = Date.now();
        const period = periodStart(principal.limitReset, new Date(sentAt));
        let result: ExtendResult;
        try {
          result = await extendHold(this.db, {
            holdId: lease.id,
            workspaceId: lease.workspaceId,
            keyId: lease.keyId,
            spendLimit: principal.spendLimit,
            periodStart: period,
            minimum: smallest - lease.available,
            need,
            target: need * LEASE_GROWTH,
            ttlSeconds: this.options.leaseTtlSeconds,
          });
        } catch (error) {
          for (const waiter of remaining) waiter.reject(error);
          continue;
        }
        if (result.kind === "no_account") {
          for (const waiter of remaining) waiter.reject(noBillingAccount());
          continue;
        }
        if (result.granted > 0n) {
          lease.available += result.granted;
          lease.validUntil = sentAt + this.options.leaseTtlSeconds * 1000;
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

  /** The lease expired (renewals failed): its waiters start over on a new hold. */
  private moveToFreshLease(expired: Lease) {
    const fresh = new Lease(expired.workspaceId, expired.keyId);
    fresh.queue = expired.queue.splice(0);
    if (this.leases.get(expired.keyId) === expired) this.leases.set(expired.keyId, fresh);
    void this.extend(fresh);
  }

  private tryTake(lease: Lease, waiter: Waiter, now: number): boolean {
    if (!lease.usable(now) || lease.available < waiter.estimate) return false;
    waiter.resolve(this.take(lease, waiter.request, waiter.estimate));
    return true;
  }

  /** Renews the holds in use, gives idle ones back, and clears long-expired ones. */
  private async maintain() {
    if (this.maintaining) return;
    this.maintaining = true;
    const now = Date.now();
    const idleAfterMs = (this.options.leaseTtlSeconds * 1000) / 3;
    const renew: Lease[] = [];
    const drop: string[] = [];
    for (const [keyId, lease] of this.leases) {
      if (lease.idle && now - lease.lastUsed > idleAfterMs) {
        this.leases.delete(keyId);
        drop.push(lease.id);
      } else if (lease.validUntil > 0) {
        renew.push(lease);
      }
    }
    try {
      const renewed = await renewHolds(
        this.db,
        renew.map((lease) => lease.id),
        this.options.leaseTtlSeconds,
      );
      for (const lease of renew) {
        // A hold that expired (the process was paused, the database unreachable) is void: start afresh.
        lease.validUntil = renewed.has(lease.id) ? now + this.options.leaseTtlSeconds * 1000 : 1;
      }
      await dropHolds(this.db, drop);
      await sweepExpiredHolds(this.db);
    } catch (error) {
      console.error("billing: renewing credit holds failed:", String(error));
    } finally {
      this.maintaining = false;
    }
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

const hasTokens = (usage: TokenUsage) => usage.promptTokens > 0 || usage.completionTokens > 0;

class LeaseReservation implements Reservation {
  private done = false;
  private cost = 0n;
  private readonly periodStart: Date;

  constructor(
    private readonly settler: Settler,
    private readonly lease: Lease,
    private readonly request: AdmissionRequest,
    private readonly estimate: bigint,
  ) {
    this.periodStart = periodStart(request.principal.limitReset, new Date());
  }

  settle(usage: TokenUsage, estimated: boolean): bigint {
    if (this.done) return this.cost;
    let cost: bigint;
    try {
      cost = costOf(usage, this.request.model.prices);
    } catch (error) {
      // Malformed counts (not integers) must not strand the hold.
      this.release();
      throw error;
    }
    if (!hasTokens(usage)) {
      this.release();
      return cost;
    }
    this.done = true;
    this.cost = cost;
    const lease = this.lease;
    const used = cost < this.estimate ? cost : this.estimate;
    lease.available += this.estimate - used;
    lease.inFlight--;
    lease.unwritten++;
    this.settler.enqueue({
      requestId: this.request.requestId,
      workspaceId: lease.workspaceId,
      keyId: lease.keyId,
      modelId: this.request.model.id,
      usage,
      cost,
      estimated,
      holdId: lease.id,
      holdUsed: used,
      periodStart: this.periodStart,
      onWritten() {
        lease.unwritten--;
      },
    });
    return cost;
  }

  release() {
    if (this.done) return;
    this.done = true;
    this.lease.available += this.estimate;
    this.lease.inFlight--;
  }
}
