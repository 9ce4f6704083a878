import type { CatalogModel } from "../catalog/model.ts";
import type { TokenUsage } from "../providers/types.ts";

const TOKENS_PER_PRICE_UNIT = 1_000_000n;

/**
 * The cost of a request in integer nano-USD, from catalog prices in nano-USD
 * per 1M tokens:
 *
 *   input tokens (excluding cache reads and writes) × input price
 * + cache-read tokens × cache-read price (input price when null)
 * + cache-write tokens × cache-write price (input price when null)
 * + output tokens (including reasoning) × output price
 *
 * The sum is exact in units of 1e-15 USD; the one rounding step divides it
 * by 1M and rounds up to the next whole nano-USD, once per request (never
 * per token category), so a request is never under-billed by a fraction.
 */
export function costOf(usage: TokenUsage, prices: CatalogModel["prices"]): bigint {
  const cacheRead = BigInt(usage.cachedTokens);
  const cacheWrite = BigInt(usage.cacheWriteTokens);
  const freshInput = BigInt(Math.max(0, usage.promptTokens - usage.cachedTokens - usage.cacheWriteTokens));
  const scaled =
    freshInput * prices.input +
    cacheRead * (prices.cacheRead ?? prices.input) +
    cacheWrite * (prices.cacheWrite ?? prices.input) +
    BigInt(usage.completionTokens) * prices.output;
  return ceilDiv(scaled, TOKENS_PER_PRICE_UNIT);
}

function ceilDiv(value: bigint, divisor: bigint): bigint {
  return (value + divisor - 1n) / divisor;
}
