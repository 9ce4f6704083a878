import { formatUsd } from "../billing/money.ts";
import { boundedSseBody } from "./bounded-stream.ts";
import { finishRequest } from "./finish-request.ts";
import type { RequestContext } from "./request-context.ts";

/** Who served a reply, after how many attempts: `x-opentoken-supplier`, `x-opentoken-attempts`. */
export interface Served {
  supplier: string;
  attempts: number;
}

/** A billed JSON reply, as a service returns it. */
export interface BilledJson<T> extends Served {
  body: T;
  /** Nano-USD. */
  cost: bigint;
  upstreamMs: number;
}

/** A streamed reply, as a service returns it: SSE frames, each written as soon as it is produced. */
export interface EventStream extends Served {
  frames: AsyncIterable<string>;
  /** Until the provider's first event. */
  upstreamMs: number;
}

const SSE_HEADERS = { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" };

/**
 * A JSON reply the gateway builds itself. Headers go on the Response, never
 * through Elysia's `set.headers`: with those set, Elysia rebuilds every
 * returned Response to merge them (a new Headers and a re-streamed body).
 */
export function jsonResponse(body: string, ctx: Pick<RequestContext, "requestId">, status = 200): Response {
  return new Response(body, { status, headers: { "content-type": "application/json", "x-request-id": ctx.requestId } });
}

/**
 * The one place service results become HTTP responses: the JSON body, the
 * exact cost as `x-opentoken-cost-usd`, and `Server-Timing` with the
 * gateway's and the provider's shares.
 */
export function billedJsonResponse<T>(reply: BilledJson<T>, ctx: RequestContext): Response {
  return new Response(JSON.stringify(reply.body), {
    headers: {
      "content-type": "application/json",
      "x-request-id": ctx.requestId,
      "x-opentoken-cost-usd": formatUsd(reply.cost),
      "x-opentoken-supplier": reply.supplier,
      "x-opentoken-attempts": String(reply.attempts),
      "server-timing": serverTiming(ctx, reply.upstreamMs),
    },
  });
}

export interface StreamLimits {
  /** A client that takes nothing for this long while frames wait is cut (billed like an abandoned stream). */
  writeTimeoutMs: number;
}

/**
 * An event-stream response with backpressure: the next frame is pulled only
 * while little waits for the client (bounded-stream.ts), and a client that
 * stops reading is cut after the write timeout.
 */
export function eventStreamResponse(reply: EventStream, ctx: RequestContext, limits: StreamLimits): Response {
  ctx.streaming = true;
  const body = boundedSseBody(reply.frames, {
    writeTimeoutMs: limits.writeTimeoutMs,
    signal: ctx.signal,
    closeConnection: ctx.idleTimer && (() => ctx.idleTimer!.close()),
    // The request's record ends with the stream (its settlement is done by then).
    onEnd: () => finishRequest(ctx, 200),
  });
  return new Response(body, {
    headers: {
      ...SSE_HEADERS,
      "x-request-id": ctx.requestId,
      "x-opentoken-supplier": reply.supplier,
      "x-opentoken-attempts": String(reply.attempts),
      "server-timing": serverTiming(ctx, reply.upstreamMs),
    },
  });
}

/**
 * `Server-Timing`: the gateway's own share of a request and the upstream's,
 * in milliseconds, so anyone can see what the gateway adds (kept on the
 * request for the overhead metric).
 */
function serverTiming(ctx: RequestContext, upstreamMs: number): string {
  const overheadMs = performance.now() - ctx.startedAt - upstreamMs;
  ctx.overheadMs = overheadMs;
  return `gateway;dur=${overheadMs.toFixed(3)}, upstream;dur=${upstreamMs.toFixed(3)}`;
}
