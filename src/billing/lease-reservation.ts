import type { TokenUsage } from "../providers/types.ts";
import type { AdmissionRequest, Reservation, SettleDetails } from "./billing.ts";
import { costOf } from "./cost.ts";
import type { Lease } from "./lease.ts";
import { periodStart } from "./limit-period.ts";
import type { Settler } from "./settler.ts";

const hasTokens = (usage: TokenUsage) => usage.promptTokens > 0 || usage.completionTokens > 0;

/**
 * A request admitted against a lease: its worst-case estimate is taken from
 * the lease's available credit until it settles (at its actual cost, queued
 * for the settler) or is released.
 */
export class LeaseReservation implements Reservation {
  private done = false;
  private cost = 0n;
  private readonly periodStart: Date;

  constructor(
    private readonly settler: Settler,
    private readonly lease: Lease,
    private readonly request: AdmissionRequest,
    private readonly estimate: bigint,
  ) {
    lease.available -= estimate;
    lease.inFlight++;
    this.periodStart = periodStart(request.principal.limitReset, new Date());
  }

  settle(usage: TokenUsage, details: SettleDetails): bigint {
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
      ...details,
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
