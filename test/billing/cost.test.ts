import { expect, test } from "bun:test";
import { costOf } from "../../src/billing/cost.ts";
import type { TokenUsage } from "../../src/providers/types.ts";

// Prices are nano-USD per 1M tokens, as the catalog stores them.
const prices = { input: 3_000_000_000n, output: 15_000_000_000n, cacheRead: 300_000_000n, cacheWrite: 3_750_000_000n };
const usage = (u: Partial<TokenUsage>): TokenUsage => ({
  promptTokens: 0,
  completionTokens: 0,
  cachedTokens: 0,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
  ...u,
});

test("input tokens at the input price: 1,000 × $3/M = $0.003", () => {
  expect(costOf(usage({ promptTokens: 1000 }), prices)).toBe(3_000_000n);
});

test("output tokens, reasoning included, at the output price: 200 × $15/M = $0.003", () => {
  expect(costOf(usage({ completionTokens: 200, reasoningTokens: 150 }), prices)).toBe(3_000_000n);
});

test("cache reads at the cache-read price and are not billed again as input", () => {
  // 100 fresh × 3 + 18,639 read × 0.3 = 300 + 5,591.7 nano-USD per token-million units → 5,891,700 nano
  expect(costOf(usage({ promptTokens: 18_739, cachedTokens: 18_639 }), prices)).toBe(5_891_700n);
});

test("cache writes at the cache-write price and are not billed again as input", () => {
  // 10 fresh × 3 + 1,000 written × 3.75 → 30,000 + 3,750,000 nano
  expect(costOf(usage({ promptTokens: 1_010, cacheWriteTokens: 1_000 }), prices)).toBe(3_780_000n);
});

test("every column at once, as the cache-read fixture reports it (claude-sonnet-4-6)", () => {
  // input 3 + cache read 18,639 + output 1: 9e9 + 5,591.7e9 + 15e9 = 5,615.7e9 / 1e6
  expect(costOf(usage({ promptTokens: 18_642, cachedTokens: 18_639, completionTokens: 1 }), prices)).toBe(5_615_700n);
});

test("null cache prices bill cache tokens at the input price", () => {
  const noCachePrices = { ...prices, cacheRead: null, cacheWrite: null };
  expect(costOf(usage({ promptTokens: 300, cachedTokens: 100, cacheWriteTokens: 100 }), noCachePrices)).toBe(900_000n);
});

test("one rounding step: the exact sum is rounded up to a whole nano-USD once per request", () => {
  // $0.00025 and $0.000025 per 1M tokens: fractions of a nano-USD per token.
  const cheap = { input: 250_000n, output: 1_500_000n, cacheRead: 25_000n, cacheWrite: null };
  // 1 input token = 0.25 nano-USD → 1 nano (rounded up)
  expect(costOf(usage({ promptTokens: 1 }), cheap)).toBe(1n);
  // 3 × 0.25 + 1 × 0.025 = 0.775 nano → 1, not 1 + 1 (per-category rounding would give 2)
  expect(costOf(usage({ promptTokens: 4, cachedTokens: 1 }), cheap)).toBe(1n);
  // exact values are not rounded: 4 input tokens = 1 nano exactly
  expect(costOf(usage({ promptTokens: 4 }), cheap)).toBe(1n);
  expect(costOf(usage({ promptTokens: 5 }), cheap)).toBe(2n);
});

test("no tokens cost nothing; large counts stay exact beyond 2^53 intermediate values", () => {
  expect(costOf(usage({}), prices)).toBe(0n);
  // 10M output tokens × $15/M = $150 exactly: the intermediate 1.5e17 exceeds 2^53
  expect(costOf(usage({ completionTokens: 10_000_000 }), prices)).toBe(150_000_000_000n);
});
