import { expect, test } from "bun:test";
import { SupplierHealth } from "../../src/routing/supplier-health.ts";

function clocked() {
  let now = 1_000_000;
  const health = new SupplierHealth(() => now);
  return { health, advance: (ms: number) => (now += ms), now: () => now };
}

const fail = { ok: false, failure: "server_error" } as const;
const ok = { ok: true, ttfbMs: 10 } as const;

test("the breaker opens at half of at least five recent outcomes failing, not before", () => {
  const { health } = clocked();
  for (const outcome of [fail, ok, fail, ok]) health.record(outcome);
  expect(health.state()).toBe("closed");
  health.record(fail); // 3 of 5
  expect(health.state()).toBe("open");
  expect(health.available()).toBe(false);
});

test("outcomes older than the window no longer count", () => {
  const { health, advance } = clocked();
  for (let i = 0; i < 4; i++) health.record(fail);
  advance(61_000);
  health.record(fail);
  expect(health.state()).toBe("closed");
});

test("after the cooldown one probe at a time; a failed probe doubles the cooldown, a good one closes", () => {
  const { health, advance } = clocked();
  for (let i = 0; i < 5; i++) health.record(fail);
  advance(4_999);
  expect(health.state()).toBe("open");
  advance(1);
  expect(health.state()).toBe("half_open");
  health.begin();
  expect(health.available()).toBe(false); // the probe is in flight
  health.record(fail);
  expect(health.state()).toBe("open");
  advance(9_999);
  expect(health.state()).toBe("open");
  advance(1);
  health.begin();
  health.record(ok);
  expect(health.state()).toBe("closed");
  // Closed again with a clean window: one failure does not reopen it.
  health.record(fail);
  expect(health.state()).toBe("closed");
});

test("Retry-After cools the supplier until then (at most 10 minutes); refused credentials keep it out 5 minutes", () => {
  const { health, advance, now } = clocked();
  health.record({ ok: false, failure: "rate_limited", retryAfterSeconds: 30 });
  expect(health.state()).toBe("cooling");
  expect(health.availableAt()).toBe(now() + 30_000);
  advance(30_000);
  expect(health.state()).toBe("closed");

  health.record({ ok: false, failure: "overloaded", retryAfterSeconds: 86_400 });
  expect(health.availableAt()).toBe(now() + 600_000);

  const creds = clocked();
  creds.health.record({ ok: false, failure: "credentials" });
  expect(creds.health.availableAt()).toBe(creds.now() + 300_000);
});

test("a 429 without Retry-After cools for 5 s; other failures alone do not cool", () => {
  const { health, now } = clocked();
  health.record({ ok: false, failure: "rate_limited" });
  expect(health.availableAt()).toBe(now() + 5_000);
  const other = clocked();
  other.health.record(fail);
  expect(other.health.available()).toBe(true);
});

test("counters since the last report, then reset", () => {
  const { health } = clocked();
  health.begin();
  health.record(ok);
  health.begin();
  health.record(fail);
  expect(health.takeCounters()).toEqual({ attempts: 2, failures: 1, ttfbMsSum: 10, ttfbCount: 1 });
  expect(health.takeCounters()).toEqual({ attempts: 0, failures: 0, ttfbMsSum: 0, ttfbCount: 0 });
});
