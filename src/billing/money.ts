import { invalidRequest } from "../errors.ts";

/** Money is integer nano-USD (bigint): 1 USD = 1_000_000_000 nano. */
export const NANO_PER_USD = 1_000_000_000n;

const USD_PATTERN = /^(\d{1,12})(?:\.(\d{1,9}))?$/;

/** Parses a non-negative decimal USD amount exactly ("12.5" → 12_500_000_000n). */
export function parseUsd(text: string): bigint {
  const match = USD_PATTERN.exec(text.trim().replace(/^\$/, ""));
  if (!match) throw invalidRequest(`"${text}" is not a USD amount (use digits with up to 9 decimals, e.g. 25 or 0.50)`);
  const [, whole, fraction = ""] = match;
  return BigInt(whole!) * NANO_PER_USD + BigInt(fraction.padEnd(9, "0"));
}

/** Exact decimal text, trimmed of trailing zeros but with at least 2 decimals ("-0.000001500"→"-0.0000015"). */
export function formatUsd(nano: bigint): string {
  const sign = nano < 0n ? "-" : "";
  const abs = nano < 0n ? -nano : nano;
  // Every request formats its cost: below 2^53 the same exact digits come from number arithmetic, without BigInt.
  let whole: bigint | number;
  let fraction: bigint | number;
  if (abs <= MAX_EXACT) {
    const n = Number(abs);
    fraction = n % 1e9;
    whole = (n - fraction) / 1e9;
  } else {
    fraction = abs % NANO_PER_USD;
    whole = abs / NANO_PER_USD;
  }
  return `${sign}${whole}.${String(fraction).padStart(9, "0").replace(/0+$/, "").padEnd(2, "0")}`;
}

const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * For JSON output only (prices, `usage.cost`): the nearest double to the
 * exact amount. Below 2^53 both operands are exact and IEEE division rounds
 * correctly, so the quotient is that nearest double.
 */
export function nanoToUsdNumber(nano: bigint): number {
  const abs = nano < 0n ? -nano : nano;
  return abs <= MAX_EXACT ? Number(nano) / 1e9 : Number(formatUsd(nano));
}
