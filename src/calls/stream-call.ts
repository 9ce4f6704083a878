import { usageSoFar } from "../billing/estimate.ts";
import { StreamMeter } from "../billing/stream-meter.ts";
import { ApiError, clientClosed } from "../errors.ts";
import type { ChatCall, StreamTranslator } from "../providers/adapter.ts";
import type { StreamEvent, TokenUsage } from "../providers/types.ts";
import type { SseEvent } from "../providers/upstream-transport.ts";
import { type Served, withFailover } from "../routing/failover.ts";
import { type CallContext, type CallDeps, failoverOptions } from "./call-deps.ts";
import type { CallOptions } from "./call-options.ts";
import { admitCall, type ServedBy } from "./run-call.ts";
import { settleCall } from "./settle-call.ts";

/**
 * What a call's stream yields: the translated provider events, then, when
 * the stream completed, one `billed` event with the usage it was settled at
 * (undefined when the provider reported none) and its cost in nano-USD.
 */
export type CallStreamEvent = StreamEvent | { type: "billed"; usage: TokenUsage | undefined; cost: bigint };

export interface CallStream extends ServedBy {
  /**
   * Throws an ApiError when the provider fails mid-stream, and just ends when
   * the client's signal aborts. Ending it early (return()) cancels the
   * upstream request. A stream that does not complete is billed for the usage
   * known when it stopped (estimate.ts), on every path.
   */
  events: AsyncGenerator<CallStreamEvent, void, undefined>;
  /** Until the provider's first event. */
  upstreamMs: number;
}

/** An upstream stream that has produced its first events: from here on, failures go to the client. */
interface OpenedStream {
  raw: AsyncGenerator<SseEvent, void, undefined>;
  translator: StreamTranslator;
  prepared: ChatCall;
  first: StreamEvent[];
  /** The upstream stream already ended (within its first read). */
  ended: boolean;
}

/**
 * A streaming call. Everything up to the provider's first event may fail
 * over to another supplier (refused connection, an error status, a stream
 * that fails or ends before its first event); failures before that throw
 * with a real HTTP status. After it, events flow as they arrive, one
 * upstream event at a time.
 */
export async function streamCall(deps: CallDeps, options: CallOptions, ctx: CallContext): Promise<CallStream> {
  const { adapter, call, reservation } = await admitCall(deps, options, ctx);
  const { signal } = ctx;
  // The provider's share (Server-Timing): every attempt, failed ones included, up to the first event.
  const upstreamStart = performance.now();
  let served: Served<OpenedStream>;
  try {
    served = await withFailover(deps.suppliers, options.model, failoverOptions(deps, ctx), async ({ client }, deadline) => {
      const prepared = adapter.prepare ? await adapter.prepare(call, client, signal) : call;
      // As for a plain call: from sending the request, connecting and the provider's headers included.
      const attemptStart = performance.now();
      const raw = await deps.transport.open(client, prepared, signal, deadline);
      const translator = adapter.createStreamTranslator(prepared);
      try {
        const opened = await firstEvents(raw, translator, signal);
        return { value: { ...opened, raw, translator, prepared }, ttfbMs: performance.now() - attemptStart };
      } catch (error) {
        await raw.return(undefined);
        throw beforeFirstEvent(error);
      }
    });
  } catch (error) {
    reservation.release();
    throw error;
  }
  const firstEventAt = performance.now();
  const upstreamMs = firstEventAt - upstreamStart;
  const { raw, translator, prepared, first, ended } = served.value;
  const supplier = served.supplier.config.name;
  const meter = new StreamMeter();
  const details = (status: "completed" | "incomplete", estimated: boolean) => ({
    estimated,
    supplier,
    status,
    durationMs: performance.now() - ctx.startedAt,
    ttfbMs: firstEventAt - ctx.startedAt,
  });
  const settleCutShort = () => {
    const { usage, estimated } = usageSoFar(meter, ctx.bodyBytes, prepared.maxOutputTokens);
    return settleCall(ctx, reservation, usage, details("incomplete", estimated));
  };
  // The stream may never be pulled if the client left before it started.
  signal.addEventListener("abort", settleCutShort, { once: true });

  async function* events(): AsyncGenerator<CallStreamEvent, void, undefined> {
    let completed = false;
    try {
      for (const event of first) {
        meter.observe(event);
        yield event;
      }
      if (!ended) {
        try {
          for await (const event of raw) {
            for (const translated of translator.push(event.event, event.data)) {
              meter.observe(translated);
              yield translated;
            }
          }
        } catch (error) {
          ctx.record.errorCode = error instanceof ApiError ? (error.code ?? error.type) : "stream_error";
          throw error;
        }
        if (signal.aborted) return;
        for (const translated of translator.end()) {
          meter.observe(translated);
          yield translated;
        }
      }
      completed = true;
      const cost = meter.reported ? settleCall(ctx, reservation, meter.reported, details("completed", false)) : settleCutShort();
      yield { type: "billed", usage: meter.reported, cost };
    } finally {
      // Ends the upstream request too when the stream stops early.
      await raw.return(undefined);
      if (!completed) settleCutShort();
      signal.removeEventListener("abort", settleCutShort);
    }
  }

  return { events: events(), upstreamMs, supplier, attempts: served.attempts };
}

/** Reads until the stream has produced at least one event (or has properly ended). */
async function firstEvents(
  raw: AsyncGenerator<SseEvent, void, undefined>,
  translator: StreamTranslator,
  signal: AbortSignal,
): Promise<{ first: StreamEvent[]; ended: boolean }> {
  const first: StreamEvent[] = [];
  while (first.length === 0) {
    const next = await raw.next();
    if (signal.aborted) throw clientClosed();
    if (next.done) return { first: translator.end(), ended: true };
    first.push(...translator.push(next.value.event, next.value.data));
  }
  return { first, ended: false };
}

/**
 * A stream that fails before its first event (an error event, a stall, a
 * reset, an early end) is the supplier failing: the request can still go to
 * another one.
 */
function beforeFirstEvent(error: unknown): unknown {
  if (!(error instanceof ApiError) || error.supplierFailure !== undefined || error.status < 500) return error;
  return error.with({ supplierFailure: "server_error" });
}
