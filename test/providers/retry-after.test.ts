import { expect, test } from "bun:test";
import { parseRetryAfter } from "../../src/providers/retry-after.ts";

test("Retry-After: delay-seconds and HTTP-dates as whole seconds from now, at least 1, at most an hour", () => {
  const now = Date.parse("2026-12-01T12:00:00Z");
  expect(parseRetryAfter("17", now)).toBe(17);
  expect(parseRetryAfter(" 2.5 ", now)).toBe(3);
  expect(parseRetryAfter("0", now)).toBe(1);
  expect(parseRetryAfter("Tue, 01 Dec 2026 12:00:30 GMT", now)).toBe(30);
  expect(parseRetryAfter("Tue, 01 Dec 2026 11:00:00 GMT", now)).toBe(1);
  expect(parseRetryAfter("999999", now)).toBe(3600);
  for (const bad of [null, "", "soon", "-5", "1e3x"]) expect(parseRetryAfter(bad, now)).toBeUndefined();
});
