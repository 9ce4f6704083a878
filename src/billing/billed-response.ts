import { serverTiming } from "../util/server-timing.ts";
import { formatUsd } from "./money.ts";

/**
 * A billed non-streaming reply: the JSON body (which carries `usage.cost`),
 * the exact cost as `x-opentoken-cost-usd`, and the gateway's and upstream's
 * shares as `Server-Timing`.
 */
export function billedJsonResponse(payload: unknown, cost: bigint, startedAt: number, upstreamMs: number): Response {
  return new Response(JSON.stringify(payload), {
    headers: {
      "content-type": "application/json",
      "x-opentoken-cost-usd": formatUsd(cost),
      "server-timing": serverTiming(startedAt, upstreamMs),
    },
  });
}
