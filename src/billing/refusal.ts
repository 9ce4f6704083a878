import type { Principal } from "../auth/authenticator.ts";
import { insufficientCredit, spendLimitExceeded } from "../errors.ts";
import { nextReset } from "./limit-period.ts";
import { formatUsd } from "./money.ts";

export const noBillingAccount = () =>
  insufficientCredit("no billing account is provisioned for this workspace: add credit to it to continue");

/** 402: what the request needed reserved, and what the workspace has free. */
export function creditRefusal(needed: bigint, available: bigint) {
  return insufficientCredit(
    `insufficient credit: this request needs up to $${formatUsd(needed)} reserved (its worst-case cost) ` +
      `but the workspace has $${formatUsd(clampZero(available))} available (balance minus requests in flight); top up to continue`,
  );
}

/** 429: the key's limit, what is left of it, and when it starts afresh. */
export function spendLimitRefusal(principal: Principal, needed: bigint, remaining: bigint, now: Date) {
  const limit = principal.spendLimit ?? 0n;
  const period = principal.limitReset ? `${principal.limitReset} ` : "lifetime ";
  const reset = nextReset(principal.limitReset, now);
  return spendLimitExceeded(
    `spend limit reached for this API key: this request needs up to $${formatUsd(needed)} reserved ` +
      `but the key has $${formatUsd(clampZero(remaining))} left of its $${formatUsd(limit)} ${period}limit` +
      (reset ? ` (it resets at ${reset.toISOString()})` : ""),
  );
}

const clampZero = (amount: bigint) => (amount < 0n ? 0n : amount);
