import type { Reservation, SettleDetails } from "../billing/billing.ts";
import type { TokenUsage } from "../providers/types.ts";
import type { CallContext } from "./call-deps.ts";

/**
 * Settles a call's reservation and keeps what it settled at on the request
 * (its metrics and access-log line). The first settlement is the one
 * billed, as with the reservation.
 */
export function settleCall(ctx: CallContext, reservation: Reservation, usage: TokenUsage, details: SettleDetails): bigint {
  const cost = reservation.settle(usage, details);
  ctx.record.billed ??= { supplier: details.supplier, usage, cost, estimated: details.estimated, status: details.status, ttfbMs: details.ttfbMs };
  return cost;
}
