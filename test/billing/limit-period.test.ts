import { expect, test } from "bun:test";
import { nextReset, periodStart } from "../../src/billing/limit-period.ts";

const at = (iso: string) => new Date(iso);

test("daily periods start at UTC midnight", () => {
  expect(periodStart("daily", at("2026-11-22T23:59:59.999Z"))).toEqual(at("2026-11-22T00:00:00Z"));
  expect(nextReset("daily", at("2026-11-22T10:00:00Z"))).toEqual(at("2026-11-23T00:00:00Z"));
});

test("weekly periods start on Monday, UTC", () => {
  // 2026-11-22 is a Sunday: its week began Monday the 16th.
  expect(periodStart("weekly", at("2026-11-22T12:00:00Z"))).toEqual(at("2026-11-16T00:00:00Z"));
  expect(periodStart("weekly", at("2026-11-23T00:00:00Z"))).toEqual(at("2026-11-23T00:00:00Z"));
  expect(nextReset("weekly", at("2026-11-22T12:00:00Z"))).toEqual(at("2026-11-23T00:00:00Z"));
});

test("monthly periods start on the 1st, across year ends", () => {
  expect(periodStart("monthly", at("2026-12-31T23:00:00Z"))).toEqual(at("2026-12-01T00:00:00Z"));
  expect(nextReset("monthly", at("2026-12-31T23:00:00Z"))).toEqual(at("2027-01-01T00:00:00Z"));
});

test("lifetime limits have one period and no reset", () => {
  expect(periodStart(null, at("2026-11-22T12:00:00Z"))).toEqual(new Date(0));
  expect(nextReset(null, at("2026-11-22T12:00:00Z"))).toBeNull();
});
