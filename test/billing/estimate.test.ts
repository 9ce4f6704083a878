import { expect, test } from "bun:test";
import { usageSoFar } from "../../src/billing/estimate.ts";
import type { TokenUsage } from "../../src/providers/types.ts";

const usage = (promptTokens: number, completionTokens: number): TokenUsage => ({
  promptTokens,
  completionTokens,
  cachedTokens: 0,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
});

test("a provider count that covers everything streamed is billed as it is, not estimated", () => {
  expect(usageSoFar({ reported: usage(9, 90), outputCounted: true, uncountedChars: 0 }, 200, 100)).toEqual({
    usage: usage(9, 90),
    estimated: false,
  });
});

test("output streamed after the provider's last count is estimated on top of it, within the max output", () => {
  expect(usageSoFar({ reported: usage(9, 90), outputCounted: true, uncountedChars: 12 }, 200, 100)).toEqual({
    usage: usage(9, 93),
    estimated: true,
  });
  expect(usageSoFar({ reported: usage(9, 90), outputCounted: true, uncountedChars: 400 }, 200, 100).usage.completionTokens).toBe(100);
});

test("a count from before the output (Anthropic's message_start) is not the output's: the estimate decides, capped", () => {
  expect(usageSoFar({ reported: usage(12, 1), outputCounted: false, uncountedChars: 8 }, 200, 100)).toEqual({
    usage: usage(12, 2),
    estimated: true,
  });
  expect(usageSoFar({ reported: usage(12, 1), outputCounted: false, uncountedChars: 1_080 }, 200, 100).usage.completionTokens).toBe(100);
});

test("no usage at all: input from the body's bytes, output from the characters, both estimated", () => {
  expect(usageSoFar({ reported: undefined, outputCounted: false, uncountedChars: 10 }, 401, 100)).toEqual({
    usage: usage(101, 3),
    estimated: true,
  });
});

test("the provider's own count stands even above the cap: only an estimate is capped", () => {
  expect(usageSoFar({ reported: usage(9, 150), outputCounted: true, uncountedChars: 4 }, 200, 100).usage.completionTokens).toBe(150);
});
