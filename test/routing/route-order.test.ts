import { expect, test } from "bun:test";
import { routeOrder } from "../../src/routing/route-order.ts";
import type { Supplier } from "../../src/routing/supplier.ts";
import { SupplierHealth } from "../../src/routing/supplier-health.ts";

const supplier = (name: string, priority = 0, weight = 1, health = new SupplierHealth()): Supplier =>
  ({ config: { name, priority, weight }, health }) as unknown as Supplier;
const names = (list: readonly Supplier[]) => list.map((s) => s.config.name);

test("lowest priority first; every available candidate is in the order", () => {
  const order = routeOrder([supplier("c", 2), supplier("a", 0), supplier("b", 1)], Date.now());
  expect(names(order)).toEqual(["a", "b", "c"]);
});

test("within a priority the first pick follows the weights (1:3 over 10,000 draws, ±2 %)", () => {
  const pool = [supplier("light", 0, 1), supplier("heavy", 0, 3)];
  let heavy = 0;
  for (let i = 0; i < 10_000; i++) if (routeOrder(pool, Date.now())[0]!.config.name === "heavy") heavy++;
  expect(Math.abs(heavy / 10_000 - 0.75)).toBeLessThan(0.02);
});

test("unavailable suppliers are skipped; with none available, the one whose cooldown ends first is still tried", () => {
  const now = Date.now();
  const cooling = (seconds: number) => {
    const health = new SupplierHealth(() => now);
    health.record({ ok: false, failure: "rate_limited", retryAfterSeconds: seconds });
    return health;
  };
  expect(names(routeOrder([supplier("a", 0, 1, cooling(30)), supplier("b", 1)], now))).toEqual(["b"]);
  expect(names(routeOrder([supplier("a", 0, 1, cooling(30)), supplier("b", 1, 1, cooling(10))], now))).toEqual(["b"]);
  expect(routeOrder([], now)).toEqual([]);
});
