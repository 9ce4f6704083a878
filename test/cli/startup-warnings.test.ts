import { expect, test } from "bun:test";
import { startupWarnings } from "../../src/cli/startup-warnings.ts";
import { loadConfig } from "../../src/config.ts";

test("a demo key on a network-facing address is warned about; on loopback, or without one, nothing", () => {
  const warnings = (env: Record<string, string>) => startupWarnings(loadConfig(env));
  expect(warnings({ OPENTOKEN_DEMO_KEY: "sk-optk-demo" })[0]).toContain("HOST=0.0.0.0 makes it reachable from the network");
  expect(warnings({ OPENTOKEN_DEMO_KEY: "sk-optk-demo", HOST: "10.0.0.5" })).toHaveLength(1);
  expect(warnings({ OPENTOKEN_DEMO_KEY: "sk-optk-demo", HOST: "127.0.0.1" })).toEqual([]);
  expect(warnings({})).toEqual([]);
});
