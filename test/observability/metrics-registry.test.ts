import { expect, test } from "bun:test";
import { Collected, Counter, Histogram, Registry, UsdCounter } from "../../src/observability/metrics-registry.ts";
import { parseExposition, promtoolCheck } from "./exposition.ts";

test("label values are escaped; histograms are cumulative with +Inf, sum and count", async () => {
  const registry = new Registry();
  const counter = registry.register(new Counter("t_events_total", "Events\nby kind \\ source", ["kind"]));
  const histogram = registry.register(new Histogram("t_wait_seconds", "Waits", ["queue"], [0.1, 1]));
  counter.inc(['say "hi"\\\n']);
  counter.inc(["plain"], 2);
  for (const value of [0.05, 0.1, 0.5, 3]) histogram.observe(["a"], value);
  const text = registry.render();
  expect(text).toContain('t_events_total{kind="say \\"hi\\"\\\\\\n"} 1');
  expect(text).toContain("# HELP t_events_total Events\\nby kind \\\\ source");
  expect(text).toContain(
    ['t_wait_seconds_bucket{queue="a",le="0.1"} 2', 't_wait_seconds_bucket{queue="a",le="1"} 3', 't_wait_seconds_bucket{queue="a",le="+Inf"} 4'].join("\n"),
  );
  expect(parseExposition(text).get("t_events_total")!.map((s) => s.labels.kind)).toEqual(['say "hi"\\\n', "plain"]);
  expect(parseExposition(text).get("t_wait_seconds_sum")![0]!.value).toBeCloseTo(3.65, 10);
  expect(await promtoolCheck(text)).toEqual({ ok: true, output: "" });
});

test("USD counters stay exact past 2^53 nano-USD; collected metrics are read at render", () => {
  const registry = new Registry();
  const usd = registry.register(new UsdCounter("t_cost_usd_total", "Cost", ["model"]));
  usd.inc(["m"], 2n ** 53n);
  usd.inc(["m"], 1n);
  usd.inc(["n"], 12_500_000_000n);
  let depth = 3;
  registry.register(new Collected("t_depth", "Depth", [], "gauge", () => [[[], depth]]));
  expect(registry.render()).toContain('t_cost_usd_total{model="m"} 9007199.254740993');
  expect(registry.render()).toContain('t_cost_usd_total{model="n"} 12.50\n');
  depth = 0;
  expect(registry.render()).toContain("t_depth 0");
});

test("a wrong number of label values and a name registered twice are programming errors", () => {
  const registry = new Registry();
  const counter = registry.register(new Counter("t_x_total", "X", ["a", "b"]));
  expect(() => counter.inc(["only one"])).toThrow("expected labels a, b");
  expect(() => registry.register(new Counter("t_x_total", "X", []))).toThrow("registered twice");
});
