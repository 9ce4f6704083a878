import { expect, test } from "bun:test";
import { withCacheWrites } from "../../../../src/providers/google/context-cache/cache-write-usage.ts";
import type { TokenUsage } from "../../../../src/providers/types.ts";

const usage: TokenUsage = { promptTokens: 5000, completionTokens: 50, cachedTokens: 4096, cacheWriteTokens: 0, reasoningTokens: 30 };

test("the tokens the call wrote move from cache reads to cache writes; prompt and output are unchanged", () => {
  expect(withCacheWrites(usage, 4000)).toEqual({ ...usage, cachedTokens: 96, cacheWriteTokens: 4000 });
  expect(withCacheWrites(usage, 4096)).toEqual({ ...usage, cachedTokens: 0, cacheWriteTokens: 4096 });
});

test("never more than the cache reads reported", () => {
  expect(withCacheWrites(usage, 9999)).toEqual({ ...usage, cachedTokens: 0, cacheWriteTokens: 4096 });
  expect(withCacheWrites({ ...usage, cachedTokens: 0 }, (4096))).toEqual({ ...usage, cachedTokens: 0 });
});

test("adds to cache writes the provider already reported", () => {
  expect(withCacheWrites({ ...usage, cacheWriteTokens: 10 }, (96))).toEqual({ ...usage, cachedTokens: 4000, cacheWriteTokens: 106 });
});

test("a call that wrote nothing keeps its usage as is", () => {
  expect(withCacheWrites(usage, undefined)).toBe(usage);
  expect(withCacheWrites(usage, 0)).toBe(usage);
});
