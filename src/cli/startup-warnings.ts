import type { Config } from "../config.ts";

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1"]);

/** What an operator should hear about at start: settings that work but are dangerous or ineffective. */
export function startupWarnings(config: Config): string[] {
  const warnings: string[] = [];
  if (config.demoKey && !LOOPBACK.has(config.host)) {
    warnings.push(
      `OPENTOKEN_DEMO_KEY is set and HOST=${config.host} makes it reachable from the network: anyone who guesses it ` +
        "spends the demo workspace's credit. Unset it in production, or set HOST=127.0.0.1.",
    );
  }
  return warnings;
}
