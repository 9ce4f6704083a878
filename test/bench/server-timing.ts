/**
 * The gateway's own view of where a request's time went, from its
 * `Server-Timing` header (`gateway;dur=…, upstream;dur=…`), when it sends
 * one. Sampled with plain sequential requests so it works whatever metric
 * names the gateway uses; absent header = null, not an error.
 */
import { percentile } from "./stats.ts";

export interface ServerTiming {
  samples: number;
  example: string;
  /** p50 / p99 of each `name;dur=` metric, ms. */
  metrics: Record<string, { p50: number; p99: number }>;
}

export async function sampleServerTiming(
  url: string,
  init: { headers: Record<string, string>; body: string },
  count: number,
): Promise<ServerTiming | null> {
  const values: Record<string, number[]> = {};
  let example = "";
  for (let i = 0; i < count; i++) {
    const response = await fetch(url, { method: "POST", headers: init.headers, body: init.body });
    await response.arrayBuffer();
    const header = response.headers.get("server-timing");
    if (header === null) return null;
    example = header;
    for (const part of header.split(",")) {
      const name = part.split(";")[0]!.trim();
      const dur = /;\s*dur=([\d.]+)/.exec(part)?.[1];
      if (name && dur !== undefined) (values[name] ??= []).push(Number(dur));
    }
  }
  const metrics: ServerTiming["metrics"] = {};
  for (const [name, list] of Object.entries(values)) metrics[name] = { p50: percentile(list, 50), p99: percentile(list, 99) };
  return { samples: count, example, metrics };
}
