import { usageSoFar } from "../billing/estimate.ts";
import { StreamMeter } from "../billing/stream-meter.ts";
import type { ChatCall } from "../providers/adapter.ts";
import type { StreamEvent, TokenUsage } from "../providers/types.ts";
import type { SseEvent } from "../providers/upstream-transport.ts";
import type { CallContext, CallDeps } from "./call-deps.ts";
import type { CallOptions } from "./call-options.ts";
import { admitCall } from "./run-call.ts";

/**
 * What a call's stream yields: the translated provider events, then, when
 * the stream completed, one `billed` event with the usage it was settled at
 * (undefined when the provider reported none) and its cost in nano-USD.
 */
export type CallStreamEvent = StreamEvent | { type: "billed"; usage: TokenUsage | undefined; cost: bigint };

export interface CallStream {
  /**
   * Throws an ApiError when the provider fails mid-stream, and just ends when
   * the client's signal aborts. Ending it early (return()) cancels the
   * upstream request. A stream that does not complete is billed for the usage
   * known when it stopped (estimate.ts), on every path.
   */
  events: AsyncGenerator<CallStreamEvent, void, undefined>;
  /** Until the provider accepted the call (its response headers). */
  upstreamMs: number;
  supplier: string;
}

/**
 * A streaming call. Failures before the upstream accepted it throw (and get
 * a real HTTP status); after that, events flow as they arrive, one upstream
 * event at a time.
 */
export async function streamCall(deps: CallDeps, options: CallOptions, ctx: CallContext): Promise<CallStream> {
  const { adapter, call, reservation } = await admitCall(deps, options, ctx);
  const { signal } = ctx;
  let raw: AsyncGenerator<SseEvent, void, undefined>;
  let prepared: ChatCall;
  let supplier: string;
  const upstreamStart = performance.now();
  try {
    const client = deps.suppliers.clientFor(options.model);
    supplier = client.name;
    prepared = adapter.prepare ? await adapter.prepare(call, client, signal) : call;
    raw = await deps.transport.open(client, prepared, signal);
  } catch (error) {
    reservation.release();
    throw error;
  }
  const upstreamMs = performance.now() - upstreamStart;
  const translator = adapter.createStreamTranslator(prepared);
  const meter = new StreamMeter();
  const settleCutShort = () => {
    const { usage, estimated } = usageSoFar(meter, ctx.bodyBytes, prepared.maxOutputTokens);
    return reservation.settle(usage, estimated);
  };
  // The stream may never be pulled if the client left before it started.
  signal.addEventListener("abort", settleCutShort, { once: true });

  async function* events(): AsyncGenerator<CallStreamEvent, void, undefined> {
    let completed = false;
    try {
      for await (const event of raw) {
        for (const translated of translator.push(event.event, event.data)) {
          meter.observe(translated);
          yield translated;
        }
      }
      if (signal.aborted) return;
      for (const translated of translator.end()) {
        meter.observe(translated);
        yield translated;
      }
      completed = true;
      const cost = meter.reported ? reservation.settle(meter.reported, false) : settleCutShort();
      yield { type: "billed", usage: meter.reported, cost };
    } finally {
      // Ends the upstream request too when the stream stops early.
      await raw.return(undefined);
      if (!completed) settleCutShort();
      signal.removeEventListener("abort", settleCutShort);
    }
  }

  return { events: events(), upstreamMs, supplier };
}
