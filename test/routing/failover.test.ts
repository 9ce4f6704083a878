import { expect, test } from "bun:test";
import type { CatalogModel } from "../../src/catalog/model.ts";
import { ApiError, upstreamInvalidRequest } from "../../src/errors.ts";
import { withFailover } from "../../src/routing/failover.ts";
import type { Supplier } from "../../src/routing/supplier.ts";
import { SupplierHealth } from "../../src/routing/supplier-health.ts";

// withFailover on fake suppliers whose health changes while an attempt is in flight,
// as when concurrent requests open a breaker or take a half-open probe slot.
const model = { id: "test/model" } as CatalogModel;
const serverError = (retryAfterSeconds?: number) =>
  new ApiError({ status: 502, type: "upstream_error", code: "no_supplier", message: "upstream 500", supplierFailure: "server_error", retryAfterSeconds });

/** Suppliers at priorities 0, 1, 2...: the route order is the order given. */
function suppliers(...healths: SupplierHealth[]): Supplier[] {
  return healths.map((health, i) => ({ config: { name: String.fromCharCode(97 + i), priority: i, weight: 1 }, health }) as unknown as Supplier);
}

function run(list: Supplier[], maxAttempts: number, onAttempt: (name: string) => Promise<string>) {
  const called: string[] = [];
  const served = withFailover(
    { candidates: () => list },
    model,
    { requestId: "req_test", signal: new AbortController().signal, maxAttempts, deadline: Date.now() + 10_000 },
    async (supplier) => {
      called.push(supplier.config.name);
      return { value: await onAttempt(supplier.config.name), ttfbMs: 1 };
    },
  );
  return { served, called };
}

const openBreaker = (health: SupplierHealth) => {
  for (let i = 0; i < 5; i++) health.record({ ok: false, failure: "server_error" });
};

test("a candidate whose breaker opened during an earlier attempt is passed over, without spending an attempt", async () => {
  const list = suppliers(new SupplierHealth(), new SupplierHealth(), new SupplierHealth());
  const { served, called } = run(list, 2, async (name) => {
    if (name !== "a") return name;
    openBreaker(list[1]!.health); // other requests' failures on b
    throw serverError();
  });
  const result = await served;
  expect(called).toEqual(["a", "c"]);
  expect(result.supplier.config.name).toBe("c");
  expect(result.attempts).toBe(2);
});

test("a half-open candidate whose probe slot another request took is not probed a second time", async () => {
  let now = Date.now() - 6_000;
  const half = new SupplierHealth(() => now);
  openBreaker(half); // open for 5 s from 6 s ago: half-open now
  now = Date.now();
  expect(half.state()).toBe("half_open");
  const list = suppliers(new SupplierHealth(), half, new SupplierHealth());
  const { served, called } = run(list, 3, async (name) => {
    if (name !== "a") return name;
    half.begin(); // another request's probe
    throw serverError();
  });
  expect((await served).supplier.config.name).toBe("c");
  expect(called).toEqual(["a", "c"]);
});

test("when every remaining candidate became unavailable: 503 listing the attempts made, with their Retry-After", async () => {
  const list = suppliers(new SupplierHealth(), new SupplierHealth());
  const { served, called } = run(list, 3, async () => {
    list[1]!.health.record({ ok: false, failure: "rate_limited", retryAfterSeconds: 30 });
    throw serverError(7);
  });
  const error = (await served.catch((e: unknown) => e)) as ApiError;
  expect(called).toEqual(["a"]);
  expect(error.status).toBe(503);
  expect(error.code).toBe("no_supplier");
  expect(error.message).toContain("(1 attempt: 1. a: upstream 500)");
  expect(error.retryAfterSeconds).toBe(7);
});

test("a request the supplier refused as invalid counts as an answer, without a time to first byte", async () => {
  let now = Date.now() - 6_000;
  const half = new SupplierHealth(() => now);
  openBreaker(half);
  half.takeCounters();
  now = Date.now();
  const { served, called } = run(suppliers(half, new SupplierHealth()), 3, async () => {
    throw upstreamInvalidRequest("bad request");
  });
  expect(((await served.catch((e: unknown) => e)) as ApiError).status).toBe(400);
  expect(called).toEqual(["a"]); // never retried
  expect(half.takeCounters()).toEqual({ attempts: 1, failures: 0, ttfbMsSum: 0, ttfbCount: 0 });
  expect(half.state()).toBe("closed"); // the probe got an answer
});
